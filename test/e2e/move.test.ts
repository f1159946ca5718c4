/**
 * Issue 32 item 3 in Chromium at 360×640: a traveler moves a confirmed booking to another
 * departure of the same trek, JavaScript off and on; a move with the trip's fee paid online (JS on)
 * and by UPI proof (JS off).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { axeProblems } from './support/a11y.js';
import { openPage, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { addDeparture, createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(() => {
  deps = { db: e2e.server.db, clock: systemClock };
});

const seatsOf = async (id: number) =>
  (await e2e.server.db.selectFrom('departures').select('seats_taken').where('id', '=', id).executeTakeFirstOrThrow())
    .seats_taken;

/** A confirmed booking as the factories make it, its seats taken on its departure. */
async function confirmedBooking(
  trip: { tripId: number; departureId: number; organizerId: number },
  userId: number,
  amountPaise: number,
  participants: { name: string; phone: string }[],
) {
  const id = await makeBooking(deps, {
    trip,
    userId,
    guests: participants.length,
    amountPaise,
    status: 'confirmed',
    participants,
  });
  await e2e.server.db
    .updateTable('departures')
    .set({ seats_taken: participants.length })
    .where('id', '=', trip.departureId)
    .execute();
  return id;
}

/** Where a booking is now, and in what state. */
const bookingNow = (id: number) =>
  e2e.server.db
    .selectFrom('bookings')
    .select(['departure_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('moving to another batch on a phone (360×640)', () => {
  for (const javaScript of [false, true]) {
    it(`a traveler moves a confirmed booking to a later departure (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const trip = await makeTrip(deps, { title: 'Brahmatal Trek', pricePaise: 900_000, start: '2027-03-10' });
      const later = await addDeparture(deps, trip.tripId, { start: '2027-04-12', capacity: 6 });
      const meId = await createUser(deps, { name: 'Rohan Das', phone: '+919812300001' });
      const bookingId = await makeBooking(deps, {
        trip,
        userId: meId,
        guests: 2,
        amountPaise: 1_800_000,
        status: 'confirmed',
        participants: [
          { name: 'Rohan Das', phone: '9812300001' },
          { name: 'Asha Das', phone: '9812300002' },
        ],
      });
      await e2e.server.db
        .updateTable('departures')
        .set({ seats_taken: 2 })
        .where('id', '=', trip.departureId)
        .execute();

      const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(w.context, e2e.server.url, await sessionCookie(deps, meId));
      const { page } = w;
      await page.goto(`/bookings/${bookingId}`);
      await page.getByRole('link', { name: 'Move to another date' }).click();
      await page.waitForURL(new RegExp(`/bookings/${bookingId}/move$`));
      await expect(page.locator('#move-cost').textContent()).resolves.toContain('Moving is free.');
      expect(await hasHorizontalScroll(page)).toBe(false);
      if (javaScript) expect(await axeProblems(page)).toEqual([]);

      await page.getByRole('radio').first().check();
      await page.getByRole('button', { name: 'Move the booking' }).click();
      await page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
      await expect(page.locator('body').textContent()).resolves.toContain('Booking moved to');
      expect(await hasHorizontalScroll(page)).toBe(false);

      const b = await e2e.server.db
        .selectFrom('bookings')
        .select(['departure_id', 'status'])
        .where('id', '=', bookingId)
        .executeTakeFirstOrThrow();
      expect(b).toEqual({ departure_id: later, status: 'confirmed' });
      expect(await seatsOf(trip.departureId)).toBe(0);
      expect(await seatsOf(later)).toBe(2);
      expect(w.errors).toEqual([]);
      expect(w.offHost).toEqual([]);
      await w.close();
    });
  }

  for (const javaScript of [false, true]) {
    it(`the organizer moves a traveler's booking from their bookings page; the traveler sees the new date (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const orgId = await createUser(deps, { role: 'organizer', name: 'Himalaya Hikers', upi_id: 'hh@okaxis' });
      const trip = await makeTrip(deps, {
        title: 'Dayara Bugyal',
        organizerId: orgId,
        pricePaise: 800_000,
        start: '2027-05-02',
      });
      const later = await addDeparture(deps, trip.tripId, { start: '2027-05-16', capacity: 8 });
      const travelerId = await createUser(deps, { name: 'Kavya Iyer', phone: '+919812300021' });
      const bookingId = await confirmedBooking(trip, travelerId, 800_000, [
        { name: 'Kavya Iyer', phone: '9812300021' },
      ]);

      const org = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(org.context, e2e.server.url, await sessionCookie(deps, orgId));
      await org.page.goto('/organizer/bookings');
      expect(await hasHorizontalScroll(org.page)).toBe(false);
      await org.page.locator(`a[href="/organizer/bookings/${bookingId}/move"]`).click();
      await org.page.waitForURL(new RegExp(`/organizer/bookings/${bookingId}/move$`));
      await expect(org.page.locator('#move').textContent()).resolves.toContain(
        'No fee: the traveler is told of the move.',
      );
      expect(await hasHorizontalScroll(org.page)).toBe(false);
      if (javaScript) expect(await axeProblems(org.page)).toEqual([]);
      await org.page.getByRole('radio', { name: /16 May 2027/ }).check();
      await org.page.getByRole('button', { name: 'Move the booking' }).click();
      await org.page.waitForURL(/\/organizer\/bookings$/);
      await expect(org.page.locator('body').textContent()).resolves.toContain('Booking moved to 16 May 2027');
      expect(await hasHorizontalScroll(org.page)).toBe(false);
      expect(org.errors).toEqual([]);
      expect(org.offHost).toEqual([]);
      await org.close();

      const me = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(me.context, e2e.server.url, await sessionCookie(deps, travelerId));
      await me.page.goto(`/bookings/${bookingId}`);
      const text = (await me.page.locator('main').textContent()) ?? '';
      expect(text).toContain('16 May 2027');
      expect(text).not.toContain('2 May 2027');
      expect(await hasHorizontalScroll(me.page)).toBe(false);
      expect(me.errors).toEqual([]);
      await me.close();

      expect(await bookingNow(bookingId)).toEqual({ departure_id: later, status: 'confirmed' });
      expect(await seatsOf(trip.departureId)).toBe(0);
      expect(await seatsOf(later)).toBe(1);
      const moves = await e2e.server.db
        .selectFrom('booking_moves')
        .select(['by_organizer', 'moved_by', 'fee_paise'])
        .where('booking_id', '=', bookingId)
        .execute();
      expect(moves).toEqual([{ by_organizer: 1, moved_by: orgId, fee_paise: 0 }]);
    });
  }

  for (const javaScript of [false, true]) {
    it(`a traveler paid by UPI moves to a cheaper date; the organizer finds the difference to pay back (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const trip = await makeTrip(deps, { title: 'Hampta Pass', pricePaise: 900_000, start: '2027-06-05' });
      const later = await addDeparture(deps, trip.tripId, { start: '2027-06-19', capacity: 6 });
      const meId = await createUser(deps, { name: 'Farah Khan', phone: '+919812300031' });
      const bookingId = await confirmedBooking(trip, meId, 900_000, [{ name: 'Farah Khan', phone: '9812300031' }]);
      const now = new Date().toISOString();
      await e2e.server.db
        .updateTable('bookings')
        .set({ paid_paise: 900_000, payment_method: 'upi' })
        .where('id', '=', bookingId)
        .execute();
      await e2e.server.db
        .insertInto('payments')
        .values({
          booking_id: bookingId,
          owner: 'booking',
          method: 'upi',
          amount_paise: 900_000,
          status: 'paid',
          razorpay_order_id: null,
          razorpay_payment_id: null,
          utr: `4123000${bookingId}`.padEnd(12, '0'),
          paid_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await e2e.server.db.updateTable('trips').set({ price_paise: 750_000 }).where('id', '=', trip.tripId).execute();

      const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(w.context, e2e.server.url, await sessionCookie(deps, meId));
      await w.page.goto(`/bookings/${bookingId}/move`);
      await expect(w.page.locator('#move-cost').textContent()).resolves.toContain('moving gives back ₹1,500');
      expect(await hasHorizontalScroll(w.page)).toBe(false);
      await w.page.getByRole('radio', { name: /19 Jun 2027/ }).check();
      await w.page.getByRole('button', { name: 'Move the booking' }).click();
      await w.page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
      await expect(w.page.locator('body').textContent()).resolves.toContain('Booking moved to 19 Jun 2027');
      expect(await hasHorizontalScroll(w.page)).toBe(false);
      expect(w.errors).toEqual([]);
      await w.close();

      const org = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(org.context, e2e.server.url, await sessionCookie(deps, trip.organizerId));
      await org.page.goto('/organizer/verifications');
      const queue = (await org.page.locator('main').textContent()) ?? '';
      expect(queue).toContain('Farah Khan');
      expect(queue).toContain('₹1,500');
      expect(await hasHorizontalScroll(org.page)).toBe(false);
      expect(org.errors).toEqual([]);
      await org.close();

      expect(await bookingNow(bookingId)).toEqual({ departure_id: later, status: 'confirmed' });
      const refunds = await e2e.server.db
        .selectFrom('refunds')
        .select(['amount_paise', 'method', 'status'])
        .where('booking_id', '=', bookingId)
        .execute();
      expect(refunds).toEqual([{ amount_paise: 150_000, method: 'manual', status: 'pending' }]);
    });
  }

  it('a traveler passes a seat to a friend: the second guest renamed (JavaScript off)', async () => {
    const trip = await makeTrip(deps, { title: 'Kuari Pass', pricePaise: 700_000, start: '2027-03-20' });
    const meId = await createUser(deps, { name: 'Nisha Pal', phone: '+919812300011' });
    const bookingId = await makeBooking(deps, {
      trip,
      userId: meId,
      guests: 2,
      amountPaise: 1_400_000,
      status: 'confirmed',
      participants: [
        { name: 'Nisha Pal', phone: '9812300011' },
        { name: 'Vikram Pal', phone: '9812300012' },
      ],
    });
    await e2e.server.db.updateTable('departures').set({ seats_taken: 2 }).where('id', '=', trip.departureId).execute();

    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, meId));
    const { page } = w;
    await page.goto(`/bookings/${bookingId}`);
    await page.getByRole('link', { name: 'Change participants' }).click();
    await page.waitForURL(new RegExp(`/bookings/${bookingId}/participants$`));
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.locator('#guest-1-name').fill('Meera Joshi');
    await page.locator('#guest-1-phone').fill('9812300099');
    await page.getByRole('button', { name: 'Save the participants' }).click();
    await page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
    await expect(page.locator('body').textContent()).resolves.toContain('Meera Joshi');

    const people = await e2e.server.db
      .selectFrom('booking_participants')
      .select(['name', 'phone'])
      .where('booking_id', '=', bookingId)
      .orderBy('position')
      .execute();
    expect(people.map((p) => p.name)).toEqual(['Nisha Pal', 'Meera Joshi']);
    expect(w.errors).toEqual([]);
    await w.close();
  });

  /** A confirmed, paid booking of 1 guest on a trip whose moves cost ₹750. */
  async function feeTrip(title: string, phone: string) {
    const trip = await makeTrip(deps, { title, pricePaise: 800_000, start: '2027-05-10' });
    const later = await addDeparture(deps, trip.tripId, { start: '2027-06-10', capacity: 6 });
    await e2e.server.db.updateTable('trips').set({ move_fee_paise: 75_000 }).where('id', '=', trip.tripId).execute();
    const meId = await createUser(deps, { name: 'Kabir Sen', phone });
    const bookingId = await makeBooking(deps, {
      trip,
      userId: meId,
      guests: 1,
      amountPaise: 800_000,
      status: 'confirmed',
      participants: [{ name: 'Kabir Sen', phone: phone.slice(3) }],
    });
    await e2e.server.db.updateTable('departures').set({ seats_taken: 1 }).where('id', '=', trip.departureId).execute();
    return { trip, later, meId, bookingId };
  }

  async function askToMove(page: import('playwright-core').Page, bookingId: number) {
    await page.goto(`/bookings/${bookingId}/move`);
    await expect(page.locator('#move-cost').textContent()).resolves.toContain('Moving costs ₹750');
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Move the booking' }).click();
    await page.waitForURL(new RegExp(`/bookings/${bookingId}/move/pay$`));
    // The pay page in place and settled (with JavaScript on, a boosted swap) before anything reads it.
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await hasHorizontalScroll(page)).toBe(false);
  }

  const departureOf = async (id: number) =>
    (await e2e.server.db.selectFrom('bookings').select('departure_id').where('id', '=', id).executeTakeFirstOrThrow())
      .departure_id;

  it('a move with a fee paid online (JavaScript on): the booking moves once paid', async () => {
    const { trip, later, meId, bookingId } = await feeTrip('Har Ki Dun', '+919812300021');
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: true });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, meId));
    const { page } = w;
    await askToMove(page, bookingId);
    expect(await axeProblems(page)).toEqual([]);
    expect(await departureOf(bookingId)).toBe(trip.departureId);

    await page.getByRole('button', { name: 'Pay ₹750 online' }).click();
    await page.waitForURL(/\/test-gateway\/checkout\//);
    await page.getByRole('button', { name: 'Pay (test success)' }).click();
    await page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
    await expect(page.locator('body').textContent()).resolves.toContain('Paid. Booking moved to');
    expect(await hasHorizontalScroll(page)).toBe(false);

    expect(await departureOf(bookingId)).toBe(later);
    expect([await seatsOf(trip.departureId), await seatsOf(later)]).toEqual([0, 1]);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('a move with a fee paid by UPI proof (JavaScript off): it waits on the booking page, and moves once the organizer verifies', async () => {
    const { trip, later, meId, bookingId } = await feeTrip('Dayara Bugyal', '+919812300031');
    const organizerId = (
      await e2e.server.db
        .selectFrom('trips')
        .select('organizer_id')
        .where('id', '=', trip.tripId)
        .executeTakeFirstOrThrow()
    ).organizer_id;
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, meId));
    const { page } = w;
    await askToMove(page, bookingId);

    const utr = '412398765121';
    await page.locator('input[name="utr"]').fill(utr);
    const png = await sharp({ create: { width: 360, height: 720, channels: 3, background: '#2b6' } })
      .png()
      .toBuffer();
    await page
      .locator('input[name="screenshot"]')
      .setInputFiles({ name: 'gpay.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Send payment proof' }).click();
    await page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
    await expect(page.locator('#pending-move').textContent()).resolves.toContain('pay ₹750 to complete it');
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(await departureOf(bookingId)).toBe(trip.departureId);

    const o = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(o.context, e2e.server.url, await sessionCookie(deps, organizerId));
    await o.page.goto('/organizer/verifications');
    const card = o.page.locator('article', { hasText: utr });
    await expect(card.textContent()).resolves.toContain('A payment for moving this booking to');
    await card.getByRole('button', { name: 'Verify: money received' }).click();
    await o.page.waitForURL(/\/organizer\/verifications$/);

    await page.reload();
    expect(await page.locator('#pending-move').count()).toBe(0);
    expect(await departureOf(bookingId)).toBe(later);
    expect([await seatsOf(trip.departureId), await seatsOf(later)]).toEqual([0, 1]);
    expect(w.errors).toEqual([]);
    await o.close();
    await w.close();
  });
});
