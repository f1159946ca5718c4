import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, addDeparture, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom } from './support.js';
import { completeEndedBookings } from '../../src/bookings/jobs.js';
import { completeEndedTrips } from '../../src/trips/status.js';
import { SCHEDULE } from '../../src/scheduler.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const status = async (table: 'bookings' | 'trips', id: number) =>
  (await t.db.selectFrom(table).select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

async function book(trip: { tripId: number; departureId: number }) {
  const me = await signedIn(t.deps);
  return bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie));
}

describe('completion job', () => {
  it('is scheduled for bookings and for trips', () => {
    expect(SCHEDULE.map((j) => j.name)).toEqual(
      expect.arrayContaining(['bookings.complete-ended', 'trips.complete-ended']),
    );
  });

  it('completes confirmed bookings and their trip once the departure has ended, leaves cancelled ones cancelled, and does it once', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await makeTrip(t.deps, { pricePaise: 0, start: '2026-12-10', end: '2026-12-14' });
    const going = await book(trip);
    const leaving = await book(trip);
    await t.db
      .updateTable('bookings')
      .set({ status: 'cancelled', cancel_reason: 'traveler' })
      .where('id', '=', leaving)
      .execute();

    // On the last day the trip is still running.
    t.clock.set('2026-12-14T12:00:00Z');
    expect(await completeEndedBookings(t.deps)).toBe('completed 0 bookings');
    expect(await completeEndedTrips(t.deps)).toBe('completed 0 trips');
    expect(await status('bookings', going)).toBe('confirmed');

    t.clock.set('2026-12-15T00:30:00Z'); // 06:00 IST on the day after
    expect(await completeEndedBookings(t.deps)).toBe('completed 1 bookings');
    expect(await completeEndedTrips(t.deps)).toBe('completed 1 trips');
    expect(await status('bookings', going)).toBe('completed');
    expect(await status('bookings', leaving)).toBe('cancelled');
    expect(await status('trips', trip.tripId)).toBe('completed');

    expect(await completeEndedBookings(t.deps)).toBe('completed 0 bookings');
    expect(await completeEndedTrips(t.deps)).toBe('completed 0 trips');
    expect(await status('bookings', going)).toBe('completed');
  });

  it('keeps a trip active while one of its departures is still to come', async () => {
    t.clock.set('2027-01-01T04:00:00Z');
    const trip = await makeTrip(t.deps, { pricePaise: 0, start: '2027-01-05', end: '2027-01-07' });
    await addDeparture(t.deps, trip.tripId, { start: '2027-02-05', end: '2027-02-07' });
    const id = await book(trip);
    t.clock.set('2027-01-10T04:00:00Z');
    await completeEndedBookings(t.deps);
    await completeEndedTrips(t.deps);
    expect(await status('bookings', id)).toBe('completed');
    expect(await status('trips', trip.tripId)).toBe('active');
  });
});
