/** Deposits in Chromium at 360 px (issue 32, H): a deposit, then the balance; online with JavaScript, by UPI proof without. */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { addDays, formatDay, istDate } from '../../src/lib/time.js';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie, makeTrip } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
});

async function signedInAs(role: 'traveler' | 'organizer', name: string) {
  const id = await createUser(deps, { role, name, phone: '+919812300000' });
  return { id, cookie: await sessionCookie(deps, id) };
}

const bookingOf = (userId: number) =>
  e2e.server.db.selectFrom('bookings').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();

/** A day `n` days from the server's today (the server runs on the system clock, as `deps` does). */
const inDays = (n: number) => addDays(istDate(deps.clock.now()), n);
/** The start of the trips here: 90 days ahead, so the balance (due 30 days before) is 60 days off whatever today is. */
const START_IN_DAYS = 90;

/** 20 % to book, the balance 30 days before a start far enough ahead. */
const depositTrip = (title: string, organizerId?: number) =>
  makeTrip(deps, {
    title,
    organizerId,
    pricePaise: 1_000_000,
    capacity: 8,
    start: inDays(START_IN_DAYS),
    end: inDays(START_IN_DAYS + 4),
    deposit: { kind: 'percent', value: 20, dueDays: 30 },
  });

const png = () =>
  sharp({ create: { width: 360, height: 720, channels: 3, background: '#2b6' } })
    .png()
    .toBuffer();

describe("a deposit, then the balance, in Chromium (360×640), on dates counted from the server's today", () => {
  it('with JavaScript on: the deposit paid online confirms the booking, and the balance is paid online from the booking page', async () => {
    const trip = await depositTrip('Har Ki Dun Valley');
    const me = await signedInAs('traveler', 'Asha Rao');
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;

    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await page.locator('input[name="age"]').fill('31');
    await expect(page.locator('#pay-choice').textContent()).resolves.toContain('₹2,000');
    await page.getByLabel(/Pay the deposit/).check();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.getByRole('button', { name: 'Hold my seats' }).click();

    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('₹2,000');
    await expect(page.locator('#pay-part').textContent()).resolves.toContain('₹8,000');
    await page.getByRole('button', { name: 'Pay ₹2,000 online' }).click();
    await page.waitForURL(/\/test-gateway\/checkout\//);
    await page.getByRole('button', { name: 'Pay (test success)' }).click();

    await page.waitForURL(/\/bookings\/\d+$/);
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Confirmed');
    await expect(page.locator('#booking-money').textContent()).resolves.toContain('₹8,000');
    expect(await bookingOf(me.id)).toMatchObject({
      status: 'confirmed',
      payment_status: 'pending',
      paid_paise: 200_000,
      balance_due_on: inDays(START_IN_DAYS - 30),
    });
    await expect(page.locator('#booking-money').textContent()).resolves.toContain(
      formatDay(inDays(START_IN_DAYS - 30)),
    );
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'deposits-booking');

    await page.getByRole('button', { name: 'Pay the balance of ₹8,000' }).click();
    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('Pay the balance');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.getByRole('button', { name: 'Pay ₹8,000 online' }).click();
    await page.waitForURL(/\/test-gateway\/checkout\//);
    await page.getByRole('button', { name: 'Pay (test success)' }).click();
    await page.waitForURL(/\/bookings\/\d+$/);
    expect(await bookingOf(me.id)).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      paid_paise: 1_000_000,
    });
    expect(await page.locator('#balance-due').count()).toBe(0);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('with JavaScript off: the deposit and then the balance by UPI proof, each verified by the organizer', async () => {
    const org = await signedInAs('organizer', 'Hill Goats');
    const trip = await depositTrip('Kuari Pass', org.id);
    const me = await signedInAs('traveler', 'Meera Nair');
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, me.cookie);
    const o = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(o.context, e2e.server.url, org.cookie);
    const { page } = w;

    async function sendProof(utr: string) {
      await page.locator('input[name="utr"]').fill(utr);
      await page
        .locator('input[name="screenshot"]')
        .setInputFiles({ name: 'gpay.png', mimeType: 'image/png', buffer: await png() });
      await page.getByRole('button', { name: 'Send payment proof' }).click();
      await page.waitForURL(/\/bookings\/\d+$/);
      await o.page.goto('/organizer/verifications');
      const card = o.page.locator('article', { hasText: utr });
      await card.getByRole('button', { name: 'Verify: money received' }).click();
      await o.page.waitForURL(/\/organizer\/verifications$/);
      await page.reload();
    }

    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await page.locator('input[name="age"]').fill('28');
    await page.getByLabel(/Pay the deposit/).check();
    await page.getByRole('button', { name: 'Hold my seats' }).click();
    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await sendProof('412398765001');
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Confirmed');
    expect(await bookingOf(me.id)).toMatchObject({
      status: 'confirmed',
      payment_status: 'pending',
      paid_paise: 200_000,
      balance_due_on: inDays(START_IN_DAYS - 30),
    });
    await expect(page.locator('#booking-money').textContent()).resolves.toContain('₹8,000');

    await page.getByRole('button', { name: 'Pay the balance of ₹8,000' }).click();
    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await sendProof('412398765002');
    expect(await bookingOf(me.id)).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      paid_paise: 1_000_000,
    });
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(w.offHost).toEqual([]);
    await w.close();
    await o.close();
  });
});
