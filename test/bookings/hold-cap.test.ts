/**
 * Seat hoarding: one traveler can hold only so many unpaid seats on a departure (a setting),
 * checked under the lock that takes the seats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { expireHolds } from '../../src/bookings/jobs.js';
import { putSetting } from '../../src/lib/settings.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const count = async (table: 'bookings' | 'booking_participants' | 'outbox' | 'audit_log') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const everything = () =>
  Promise.all([count('bookings'), count('booking_participants'), count('outbox'), count('audit_log')]);
const book = (trip: { tripId: number; departureId: number }, guests: number, cookie: string) =>
  t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), cookie);

describe('unpaid seats one traveler may hold', () => {
  it('a traveler holding 10 unpaid seats of a 20-seat departure cannot hold 10 more: 422 next to the guest count, nothing written; another traveler can', async () => {
    const trip = await makeTrip(t.deps, { capacity: 20 });
    const me = await signedIn(t.deps);
    expect((await book(trip, 10, me.cookie)).status).toBe(303);
    const before = await everything();

    const res = await book(trip, 10, me.cookie);

    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      '<small id="e-guests" class="field-error">You already hold 10 seats unpaid on this departure, and one traveler can hold at most 10 seats until they are paid. Pay for your other booking first.</small>',
    );
    expect(html).toContain('value="Guest 1 Kumar"');
    expect(await everything()).toEqual(before);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(10);

    const other = await signedIn(t.deps);
    expect((await book(trip, 10, other.cookie)).status).toBe(303);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(20);
  });

  it('takes the cap from the settings and says how many guests are still possible', async () => {
    await putSetting(t.db, t.clock, 'maxHeldSeatsPerTraveler', 4);
    try {
      const trip = await makeTrip(t.deps, { capacity: 20 });
      const me = await signedIn(t.deps);
      expect((await book(trip, 3, me.cookie)).status).toBe(303);
      const res = await book(trip, 2, me.cookie);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(
        'You already hold 3 seats unpaid on this departure, and one traveler can hold at most 4 seats until they are paid. Choose at most 1 guest, or pay for your other booking first.',
      );
      expect((await book(trip, 1, me.cookie)).status).toBe(303);
      const first = await book(trip, 5, (await signedIn(t.deps)).cookie);
      expect(first.status).toBe(422);
      expect(await first.text()).toContain(
        'One traveler can hold at most 4 seats unpaid on a departure. Choose fewer guests.',
      );
      expect(await seatsTaken(t.deps, trip.departureId)).toBe(4);
    } finally {
      await putSetting(t.db, t.clock, 'maxHeldSeatsPerTraveler', 10);
    }
  });

  it('counts a booking whose UPI payment is being checked, and stops counting it once it is paid or its hold expired', async () => {
    const trip = await makeTrip(t.deps, { capacity: 30 });
    const me = await signedIn(t.deps);
    const first = bookingIdFrom(await book(trip, 6, me.cookie));
    expect((await sendUpiProof(t, first, me.cookie, { utr: '512345678901' })).status).toBe(303);
    expect((await book(trip, 5, me.cookie)).status).toBe(422);

    const proof = await t.db
      .selectFrom('upi_proofs')
      .select('id')
      .where('booking_id', '=', first)
      .executeTakeFirstOrThrow();
    expect(
      (await t.post(`/organizer/verifications/${proof.id}/verify`, {}, await sessionCookie(t.deps, trip.organizerId)))
        .status,
    ).toBe(303);
    const second = await book(trip, 10, me.cookie); // paid seats are not held seats
    expect(second.status).toBe(303);
    expect((await book(trip, 1, me.cookie)).status).toBe(422);

    t.clock.advance(31 * 60_000);
    await expireHolds(t.deps);
    expect(
      (
        await t.db
          .selectFrom('bookings')
          .select('status')
          .where('id', '=', bookingIdFrom(second))
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('cancelled');
    expect((await book(trip, 10, me.cookie)).status).toBe(303);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(16);
  });

  it('five bookings of 3 seats sent at once by one traveler: three are held (9 seats), two are refused, none past the cap', async () => {
    const trip = await makeTrip(t.deps, { capacity: 40 });
    const me = await signedIn(t.deps);
    const before = await count('bookings');

    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await book(trip, 3, me.cookie);
        await res.arrayBuffer();
        return res.status;
      }),
    );

    expect(statuses.sort()).toEqual([303, 303, 303, 422, 422]);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(9);
    expect(await count('bookings')).toBe(before + 3);
  });
});
