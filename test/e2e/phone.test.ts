import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { storeImage } from '../../src/lib/images.js';
import { hashToken } from '../../src/lib/tokens.js';
import { openPage, screenshot, hasHorizontalScroll, useSession, type WatchedPage } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { layoutProblems } from './support/layout.js';
import { createUser, sessionCookie, makeBooking, makeTrip } from '../support/factories.js';

/**
 * "Phone first": every page is usable at 360×640 with a thumb. For each role we visit the
 * pages it uses and check: 200, the layout rules (support/layout.ts: no sideways scroll, no
 * clipped column, 44 px tap targets, a header within 100 px), no console errors, nothing
 * fetched from another host, and every field brings up the right keyboard.
 */

const LONG_NAME = 'Venkatanarasimharajuvaripeta Subramanyam Lakshminarayanan';

const e2e = serverAndBrowser();
const seeded = { tripId: 0, departureId: 0, organizerId: 0, confirmedId: 0, pendingId: 0, messageId: 0 };
/** An open email verification link (opening its page uses nothing up). */
const VERIFY_TOKEN = 'phonefirstverifyemailtoken234567';
const cookies: Record<'traveler' | 'organizer' | 'agent' | 'admin', string> = {
  traveler: '',
  organizer: '',
  agent: '',
  admin: '',
};

async function seed() {
  const deps = { db: e2e.server.db, clock: systemClock };
  const organizerId = await createUser(deps, {
    role: 'organizer',
    name: 'Himalayan Trails Collective',
    upi_id: 'hills@okaxis',
  });
  const start = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const end = new Date(Date.now() + 44 * 86_400_000).toISOString().slice(0, 10);
  const trip = await makeTrip(deps, {
    organizerId,
    title: 'Kedarkantha Winter Summit Trek',
    pricePaise: 1_150_000,
    capacity: 12,
    start,
    end,
  });
  const travelerId = await createUser(deps, { role: 'traveler', name: 'Asha Raghunathan', phone: '+919812300000' });
  const adminId = await createUser(deps, { role: 'admin', name: 'Admin Anand' });
  const now = new Date().toISOString();

  const guests = [
    { name: 'Asha Raghunathan', phone: '+919812300000', age: 31, dietary: 'vegetarian' },
    { name: 'Vikram Raghunathan', phone: '+919812311111', age: 34 },
  ];
  const booking = (code: string, status: 'confirmed' | 'pending') =>
    makeBooking(deps, {
      trip,
      userId: travelerId,
      code,
      status,
      guests: 2,
      amountPaise: 2_300_000,
      paymentMethod: 'upi',
      verification: status === 'confirmed' ? 'verified' : 'pending',
      holdExpiresAt: status === 'pending' ? new Date(Date.now() + 86_400_000).toISOString() : null,
      specialRequests: 'Window seat in the jeep',
      participants: guests,
    });
  const confirmedId = await booking('TT-PH1-AAAA', 'confirmed');
  const pendingId = await booking('TT-PH2-BBBB', 'pending');
  await e2e.server.db.updateTable('departures').set({ seats_taken: 4 }).where('id', '=', trip.departureId).execute();
  await e2e.server.db
    .insertInto('payments')
    .values({
      booking_id: confirmedId,
      method: 'upi',
      amount_paise: 2_300_000,
      status: 'paid',
      utr: '412345678901',
      paid_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const proof = await sharp({ create: { width: 400, height: 800, channels: 3, background: '#dde' } })
    .png()
    .toBuffer();
  const img = await storeImage(e2e.server.dataDir, new Uint8Array(proof), 'screenshot', [640, 1280], 'proofs');
  await e2e.server.db
    .insertInto('upi_proofs')
    .values({
      booking_id: pendingId,
      utr: '498765432109',
      screenshot_key: img.key,
      screenshot_width: img.width,
      screenshot_height: img.height,
      amount_paise: 2_300_000,
      created_at: now,
    })
    .execute();
  const { id: messageId } = await e2e.server.db
    .insertInto('dev_messages')
    .values({
      channel: 'email',
      recipient: 'asha@example.test',
      subject: 'Your booking TT-PH1-AAAA is confirmed',
      text: `See you at Dehradun railway station at 6 AM.\nYour pass: ${e2e.server.url}/bookings/${confirmedId}/pass`,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const unverified = await createUser(deps, { role: 'traveler', name: 'Meera Unverified', verified: false });
  const email = (
    await e2e.server.db.selectFrom('users').select('email').where('id', '=', unverified).executeTakeFirstOrThrow()
  ).email;
  await e2e.server.db
    .insertInto('account_tokens')
    .values({
      user_id: unverified,
      purpose: 'verify-email',
      token_hash: hashToken(VERIFY_TOKEN),
      target: email,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      created_at: now,
    })
    .execute();

  Object.assign(seeded, {
    tripId: trip.tripId,
    departureId: trip.departureId,
    organizerId,
    confirmedId,
    pendingId,
    messageId,
  });
  cookies.traveler = await sessionCookie(deps, travelerId);
  cookies.organizer = await sessionCookie(deps, organizerId);
  cookies.admin = await sessionCookie(deps, adminId);
  cookies.agent = await sessionCookie(deps, await createUser(deps, { role: 'agent', name: 'Agent Anita' }));
}

beforeAll(seed);

/**
 * The keyboard rule: a field asks for the phone keyboard it needs and lets the e2e.browser fill it.
 * Only typed-in fields count (not tick boxes, dates or files). Email fields are type=email with autocomplete; phone/mobile fields are type=tel (or
 * inputmode=tel) with autocomplete; passwords say current-password or new-password; ages,
 * seats, prices, amounts, UTRs and codes bring up the number pad (type=number or inputmode
 * numeric/decimal). Returns a description of each field that breaks it.
 */
function wrongKeyboards(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('input:not([type="hidden"])')) as HTMLInputElement[]) {
      if (
        el.getBoundingClientRect().height === 0 ||
        !['text', 'search', 'email', 'tel', 'number', 'password', 'url'].includes(el.type)
      )
        continue;
      const name = (el.name || el.id || '').toLowerCase();
      const type = el.type;
      const mode = el.getAttribute('inputmode') ?? '';
      const auto = el.getAttribute('autocomplete') ?? '';
      const bad = (why: string) =>
        out.push(
          `<input name=${el.name} type=${type}${mode ? ` inputmode=${mode}` : ''}${auto ? ` autocomplete=${auto}` : ''}> ${why}`,
        );
      if (/(^|[^a-z])email/.test(name) && (type !== 'email' || !auto)) bad('wants type=email and autocomplete');
      if (/phone|mobile/.test(name) && ((type !== 'tel' && mode !== 'tel') || !auto))
        bad('wants type=tel (or inputmode=tel) and autocomplete');
      if (type === 'password' && !/current-password|new-password/.test(auto))
        bad('wants autocomplete=current-password or new-password');
      if (
        /(^|[^a-z])(age|seats|capacity|price|amount|utr|min|max|otp|code)($|[^a-z])/.test(name) &&
        type !== 'number' &&
        !/numeric|decimal/.test(mode)
      )
        bad('wants the number pad');
    }
    return out;
  });
}

interface Visit {
  path: () => string;
  shot: string;
  status?: number;
}

async function checkPage(w: WatchedPage, v: Visit) {
  const path = v.path();
  const res = await w.page.goto(path);
  const problems: string[] = [];
  if (res?.status() !== (v.status ?? 200)) problems.push(`status ${res?.status()}`);
  problems.push(...(await layoutProblems(w.page)));
  problems.push(...(await wrongKeyboards(w.page)));
  await screenshot(w.page, `phone-${v.shot}`);
  // A page answered with an error status is logged by Chromium as a failed load: expected there.
  const expected = (e: string) => v.status !== undefined && e.includes(`status of ${v.status}`);
  problems.push(...w.errors.filter((e) => !expected(e)).map((e) => `console: ${e}`));
  if (w.offHost.length) problems.push(...w.offHost.map((u) => `off-host request: ${u}`));
  w.errors.length = 0;
  w.offHost.length = 0;
  return { path, problems };
}

const pages: Record<'anonymous' | 'traveler' | 'organizer' | 'agent' | 'admin', Visit[]> = {
  anonymous: [
    { path: () => '/', shot: 'home' },
    { path: () => '/trips', shot: 'trips' },
    { path: () => `/trips/${seeded.tripId}`, shot: 'trip' },
    { path: () => `/organizers/${seeded.organizerId}`, shot: 'organizer-page' },
    { path: () => '/login', shot: 'login' },
    { path: () => '/register', shot: 'register' },
    { path: () => '/forgot-password', shot: 'forgot-password' },
    { path: () => '/forgot-password/sent', shot: 'forgot-password-sent' },
    { path: () => `/verify-email?token=${VERIFY_TOKEN}`, shot: 'verify-email' },
    { path: () => '/dev/mailbox', shot: 'mailbox' },
    { path: () => '/no-such-page', shot: 'not-found', status: 404 },
    { path: () => `/dev/mailbox/${seeded.messageId}`, shot: 'mailbox-message' },
  ],
  traveler: [
    { path: () => '/me', shot: 'traveler-me' },
    { path: () => '/dashboard', shot: 'traveler-dashboard' },
    { path: () => `/trips/${seeded.tripId}/book?departure=${seeded.departureId}`, shot: 'traveler-book' },
    { path: () => '/bookings', shot: 'traveler-bookings' },
    { path: () => `/bookings/${seeded.confirmedId}`, shot: 'traveler-booking' },
    { path: () => `/bookings/${seeded.confirmedId}/pass`, shot: 'traveler-pass' },
    { path: () => `/bookings/${seeded.pendingId}/pay`, shot: 'traveler-pay' },
    { path: () => `/bookings/${seeded.confirmedId}/cancel`, shot: 'traveler-cancel' },
  ],
  organizer: [
    { path: () => '/dashboard', shot: 'organizer-dashboard' },
    { path: () => '/organizer/trips', shot: 'organizer-trips' },
    { path: () => '/me', shot: 'organizer-me' },
    { path: () => `/trips/${seeded.tripId}`, shot: 'organizer-own-trip' },
    { path: () => '/organizer/trips/new', shot: 'organizer-trip-new' },
    { path: () => `/organizer/trips/${seeded.tripId}/edit`, shot: 'organizer-trip-edit' },
    { path: () => '/organizer/verifications', shot: 'organizer-verifications' },
    { path: () => '/organizer/bookings', shot: 'organizer-bookings' },
    { path: () => '/organizer/earnings', shot: 'organizer-earnings' },
    { path: () => `/organizer/departures/${seeded.departureId}/cancel`, shot: 'organizer-departure-cancel' },
  ],
  agent: [
    { path: () => '/dashboard', shot: 'agent-dashboard' },
    { path: () => '/me', shot: 'agent-me' },
  ],
  admin: [
    { path: () => '/dashboard', shot: 'admin-dashboard' },
    { path: () => '/admin/users', shot: 'admin-users' },
    { path: () => '/admin/jobs', shot: 'admin-jobs' },
    { path: () => '/admin/outbox', shot: 'admin-outbox' },
  ],
};

describe('phone first: every page works at 360×640 with a thumb', () => {
  for (const [role, visits] of Object.entries(pages) as [keyof typeof pages, Visit[]][]) {
    it(`the ${role} pages fit the screen, raise no errors, fetch nothing from elsewhere, have 44 px tap targets and the right keyboards`, async () => {
      const w = await openPage(e2e.browser, e2e.server.url);
      if (role !== 'anonymous') await useSession(w.context, e2e.server.url, cookies[role]);
      const failures: string[] = [];
      for (const v of visits) {
        const { path, problems } = await checkPage(w, v);
        failures.push(...problems.map((p) => `${path}: ${p}`));
      }
      expect(failures).toEqual([]);
      await w.close();
    });
  }

  it('the signed-in header takes at most two rows for every role, even for a very long name', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const failures: string[] = [];
    for (const role of ['traveler', 'organizer', 'agent', 'admin'] as const) {
      const id = await createUser(deps, { role, name: LONG_NAME });
      const w = await openPage(e2e.browser, e2e.server.url);
      await useSession(w.context, e2e.server.url, await sessionCookie(deps, id));
      await w.page.goto('/dashboard');
      const m = await w.page.evaluate(() => {
        const header = document.querySelector('body > header')!;
        const style = getComputedStyle(header);
        const items = Array.from(header.querySelectorAll('nav li'));
        const me = header.querySelector('a[href="/me"]');
        return {
          height: header.getBoundingClientRect().height,
          padding: parseFloat(style.paddingTop) + parseFloat(style.paddingBottom),
          // One nav row: the brand's item, the same height as every other item in the bar.
          row: items[0].getBoundingClientRect().height,
          // Items whose tops lie within half a row of each other share a row.
          rows: items
            .map((li) => li.getBoundingClientRect().top)
            .sort((a, b) => a - b)
            .filter((top, i, tops) => i === 0 || top - tops[i - 1] > items[0].getBoundingClientRect().height / 2)
            .length,
          me: me
            ? {
                height: me.getBoundingClientRect().height,
                right: me.getBoundingClientRect().right,
                text: (me.textContent ?? '').trim(),
              }
            : null,
          width: document.documentElement.clientWidth,
        };
      });
      const where = `${role} header`;
      if (m.rows > 2 || m.height > 2 * m.row + m.padding + 1)
        failures.push(`${where}: ${m.rows} rows, ${Math.round(m.height)} px tall (one row is ${Math.round(m.row)} px)`);
      if (!m.me) failures.push(`${where}: no link to /me`);
      else if (m.me.height < 43.5 || m.me.right > m.width)
        failures.push(
          `${where}: the /me link is ${Math.round(m.me.height)} px tall, ends at ${Math.round(m.me.right)} px`,
        );
      if (await hasHorizontalScroll(w.page)) failures.push(`${where}: the page scrolls sideways`);
      failures.push(...(await layoutProblems(w.page)).map((p) => `${where}: ${p}`));
      await screenshot(w.page, `phone-header-${role}`);
      await w.close();
    }
    expect(failures).toEqual([]);
  });

  it('a list of treks shows at least two a screen under the signed-in header, each naming its organizer', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#4a7' } })
      .jpeg()
      .toBuffer();
    const img = await storeImage(e2e.server.dataDir, new Uint8Array(photo), 'trip');
    const start = new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 11; i++) {
      const org = await createUser(deps, { role: 'organizer', name: `Ridge Runners ${i}` });
      const t = await makeTrip(deps, {
        organizerId: org,
        title: `Dayara Bugyal Alpine Meadows Trek ${i}`,
        pricePaise: 950_000,
        start,
      });
      await e2e.server.db
        .insertInto('trip_images')
        .values({ trip_id: t.tripId, key: img.key, width: img.width, height: img.height, position: 0, is_cover: 1 })
        .execute();
    }
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, cookies.traveler);
    await w.page.goto('/trips');
    const m = await w.page.evaluate(() => ({
      header: document.querySelector('body > header')!.getBoundingClientRect().bottom,
      cards: Array.from(document.querySelectorAll('#results article')).map((a) => ({
        height: a.getBoundingClientRect().height,
        text: a.textContent ?? '',
      })),
      page: document.documentElement.scrollHeight,
    }));
    await screenshot(w.page, 'phone-trips-12');
    expect(m.cards).toHaveLength(12);
    expect(m.header).toBeLessThanOrEqual(100);
    // Two cards and the gap between them fit in the screen below the header.
    const tallest = Math.max(...m.cards.map((c) => c.height));
    expect(2 * tallest + 16).toBeLessThanOrEqual(640 - m.header);
    for (let i = 0; i < 11; i++)
      expect(
        m.cards.some(
          (c) => c.text.includes(`Dayara Bugyal Alpine Meadows Trek ${i}`) && c.text.includes(`Ridge Runners ${i}`),
        ),
      ).toBe(true);
    await w.close();
  });

  it('the admin user search keeps a text box wide enough to type in', async () => {
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, cookies.admin);
    await w.page.goto('/admin/users');
    const box = await w.page.locator('form.search-filters input[name=q]').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(200);
    for (const control of ['select[name=role]', 'button[type=submit]']) {
      const b = await w.page.locator(`form.search-filters ${control}`).boundingBox();
      expect(b!.height, control).toBeGreaterThanOrEqual(43.5);
      expect(b!.x + b!.width, control).toBeLessThanOrEqual(360);
    }
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await w.close();
  });

  it('the booking pass prints as the pass alone: no site header, footer, test banner or back link', async () => {
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, cookies.traveler);
    await w.page.goto(`/bookings/${seeded.confirmedId}/pass`);
    const shown = (sel: string) => w.page.locator(sel).first().isVisible();
    expect(await shown('body > header')).toBe(true);
    await w.page.emulateMedia({ media: 'print' });
    expect({
      header: await shown('body > header'),
      footer: await shown('body > footer'),
      banner: await shown('.test-mode'),
      back: await shown('.no-print'),
    }).toEqual({
      header: false,
      footer: false,
      banner: false,
      back: false,
    });
    expect(await w.page.getByText('TT-PH1-AAAA').isVisible()).toBe(true);
    expect(await w.page.locator('img[alt^="QR code"]').isVisible()).toBe(true);
    await screenshot(w.page, 'phone-traveler-pass-print');
    await w.close();
  });
});
