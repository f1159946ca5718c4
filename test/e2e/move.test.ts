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
