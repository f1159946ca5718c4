import { describe, expect, it } from 'vitest';
import { openPage, useSession } from './support/browser.js';
import { axeProblems } from './support/a11y.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';
import { startTrial } from '../../src/billing/trial.js';
import { channel, publish } from '../../src/live/service.js';
import { bellData } from '../../src/notifications/inapp.js';

const e2e = serverAndBrowser();

const inDays = (n: number) => istDate(new Date(Date.now() + n * 86_400_000));

/** One of each role, a rated trip with dates, a booking waiting for payment, five unread notifications and a banner. */
async function seed() {
  const deps = { db: e2e.server.db, clock: systemClock };
  const organizer = await createUser(deps, { role: 'organizer', name: 'Ridge Walkers' });
  const traveler = await createUser(deps, { role: 'traveler', name: 'Asha Rao' });
  const agent = await createUser(deps, { role: 'agent', name: 'Desk Agent' });
  const admin = await createUser(deps, { role: 'admin', name: 'Root Admin' });
  await startTrial(deps.db, deps.clock, organizer);
  const trip = await makeTrip(deps, {
    organizerId: organizer,
    title: 'Hampta Pass',
    departures: [{ start: inDays(20), end: inDays(24), capacity: 12, taken: 2 }],
  });
  await deps.db.insertInto('trip_ratings').values({ trip_id: trip.tripId, reviews: 3, stars_total: 12 }).execute();
  const booking = await makeBooking(deps, {
    trip,
    userId: traveler,
    holdExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const now = new Date().toISOString();
  for (let i = 1; i <= 4; i++)
    await deps.db
      .insertInto('notifications')
      .values({
        user_id: traveler,
        kind: 'booking-held',
        title: `Notice ${i}`,
        link: null,
        announcement_id: null,
        read_at: null,
        created_at: now,
      })
      .execute();
  const announcement = await deps.db
    .insertInto('announcements')
    .values({
      author_id: admin,
      audience: 'all',
      title: 'Monsoon',
      body: 'Treks pause in July.',
      until: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await deps.db
    .insertInto('notifications')
    .values({
      user_id: traveler,
      kind: 'announcement',
      title: 'Monsoon',
      link: null,
      announcement_id: announcement.id,
      read_at: null,
      created_at: now,
    })
    .execute();
  const cookie = (id: number) => sessionCookie(deps, id);
  return {
    deps,
    traveler,
    trip,
    booking,
    cookies: {
      anonymous: null,
      traveler: await cookie(traveler),
      organizer: await cookie(organizer),
      agent: await cookie(agent),
      admin: await cookie(admin),
    },
  };
}

describe('accessibility (Chromium, axe-core, JavaScript on)', () => {
  it('the main pages of every role have no serious or critical axe violation', async () => {
    const s = await seed();
    const pages: Record<keyof typeof s.cookies, string[]> = {
      anonymous: ['/', '/trips', `/trips/${s.trip.tripId}`, '/login', '/register'],
      traveler: [
        '/dashboard',
        `/trips/${s.trip.tripId}/book?departure=${s.trip.departureId}`,
        `/bookings/${s.booking}`,
        `/bookings/${s.booking}/pay`,
        '/bookings',
        '/notifications',
        '/notifications/settings',
        '/support',
        '/me',
      ],
      organizer: ['/dashboard', '/organizer/trips', '/organizer/subscription', '/organizer/bookings'],
      agent: ['/dashboard', '/agent/tickets', '/agent/customers'],
      admin: [
        '/dashboard',
        '/admin',
        '/admin/users',
        '/admin/trips',
        '/admin/bookings',
        '/admin/payments',
        '/admin/settings',
        '/admin/announcements',
        '/admin/outbox',
        '/admin/audit',
      ],
    };
    const found: string[] = [];
    for (const [role, paths] of Object.entries(pages) as [keyof typeof pages, string[]][]) {
      const w = await openPage(e2e.browser, e2e.server.url);
      const cookie = s.cookies[role];
      if (cookie) await useSession(w.context, e2e.server.url, cookie);
      for (const path of paths) {
        const res = await w.page.goto(path);
        expect(res?.status(), `${role} ${path}`).toBe(200);
        for (const p of await axeProblems(w.page)) found.push(`${role} ${path}: ${p}`);
      }
      await w.close();
    }
    expect(found).toEqual([]);
  });

  it('the bell names its unread count, also after a live update', async () => {
    const s = await seed();
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, s.cookies.traveler!);
    await w.page.goto('/trips');
    await expect(w.page.getByRole('link', { name: 'Notifications, 5 unread', exact: true }).count()).resolves.toBe(1);
    const updated = w.page.getByRole('link', { name: 'Notifications, 7 unread', exact: true });
    // Published again until the stream (opened by the page's script) has delivered it.
    for (let i = 0; i < 10 && (await updated.count()) === 0; i++) {
      await publish(s.deps, { to: channel.user(s.traveler), event: 'bell', data: bellData(7) });
      await updated.waitFor({ timeout: 1_000 }).catch(() => undefined);
    }
    await expect(updated.count()).resolves.toBe(1);
    await w.close();
  });

  it('the page shell: lang, a skip link first, the test-mode strip in a landmark, the account link names the person', async () => {
    const s = await seed();
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, s.cookies.traveler!);
    await w.page.goto('/trips');
    await expect(w.page.locator('html').getAttribute('lang')).resolves.toBe('en-IN');
    await w.page.keyboard.press('Tab');
    const first = await w.page.evaluate(() => {
      const a = document.activeElement as HTMLAnchorElement;
      return { href: a.getAttribute('href'), text: a.textContent?.trim() };
    });
    expect(first).toEqual({ href: '#main', text: 'Skip to content' });
    // The focus ring: a dark 3 px outline set off by 2 px, on a link and on a (blue) button alike.
    const ring = () =>
      w.page.evaluate(() => {
        const st = getComputedStyle(document.activeElement!);
        return [st.outlineStyle, st.outlineWidth, st.outlineColor, st.outlineOffset].join(' ');
      });
    await expect(ring()).resolves.toBe('solid 3px rgb(17, 24, 39) 2px');
    for (let i = 0; i < 40 && !(await w.page.evaluate(() => document.activeElement?.tagName === 'BUTTON')); i++)
      await w.page.keyboard.press('Tab');
    await expect(w.page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('BUTTON');
    await expect(ring()).resolves.toBe('solid 3px rgb(17, 24, 39) 2px');
    const strip = w.page.locator('.test-mode');
    await expect(
      strip.evaluate((el) => el.closest('header, main, footer, nav, aside, [role=banner], [role=region]') !== null),
    ).resolves.toBe(true);
    await expect(w.page.getByRole('link', { name: 'Asha Rao', exact: true }).count()).resolves.toBe(1);
    await w.close();
  });

  it('star ratings, trip-card headings and the announcement banner are well formed', async () => {
    const s = await seed();
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, s.cookies.traveler!);
    await w.page.goto('/trips');
    await expect(w.page.getByRole('img', { name: 'Rated 4.0 of 5, 3 reviews' }).count()).resolves.toBeGreaterThan(0);
    const levels = await w.page.$$eval('main :is(h1,h2,h3,h4,h5,h6)', (hs) => hs.map((h) => Number(h.tagName[1])));
    levels.forEach((l, i) =>
      expect(l - (levels[i - 1] ?? 0), `heading levels ${levels.join(',')}`).toBeLessThanOrEqual(1),
    );
    const banner = w.page.locator('.banner').first();
    await expect(banner.textContent()).resolves.toContain('Monsoon');
    const problems = await axeProblems(w.page);
    expect(problems.filter((p) => /aria-allowed-role|aria-prohibited|heading|landmark|region/.test(p))).toEqual([]);
    await expect(banner.evaluate((el) => el.tagName === 'ASIDE' && el.getAttribute('role') === 'status')).resolves.toBe(
      false,
    );
    await w.close();
  });
});
