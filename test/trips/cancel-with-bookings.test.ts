import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { follow, idFrom, tripForm } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

async function bookedTrip() {
  const org = await signedIn(t.deps, { role: 'organizer' });
  const id = idFrom(await t.post('/organizer/trips/new', tripForm(), org.cookie));
  const dep = await t.db.selectFrom('departures').select('id').where('trip_id', '=', id).executeTakeFirstOrThrow();
  const email = `meera${id}@example.test`;
  const traveler = await signedIn(t.deps, { role: 'traveler', email });
  expect((await t.post(`/trips/${id}/book`, bookingForm(dep.id, 2), traveler.cookie)).status).toBe(303);
  expect(
    (await t.db.selectFrom('departures').select('seats_taken').where('id', '=', dep.id).executeTakeFirstOrThrow())
      .seats_taken,
  ).toBe(2);
  return { id, depId: dep.id, org, email };
}

describe('an organizer cancelling a trip or departure that has bookings', () => {
  it('cancelling the trip cancels every booking on it, releases the seats and tells the traveler', async () => {
    const b = await bookedTrip();
    const res = await t.post(`/organizer/trips/${b.id}/cancel`, {}, b.org.cookie);
    expect(await follow(t, res, b.org.cookie)).toContain('The trip is cancelled.');
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()).status,
    ).toBe('cancelled');
    expect(
      await t.db.selectFrom('departures').select(['status', 'seats_taken']).where('trip_id', '=', b.id).execute(),
    ).toEqual([{ status: 'cancelled', seats_taken: 0 }]);
    expect(
      (await t.db.selectFrom('bookings').select('status').where('departure_id', '=', b.depId).execute()).map(
        (r) => r.status,
      ),
    ).toEqual(['cancelled']);
    const mail = await t.db.selectFrom('outbox').select('template').where('recipient', '=', b.email).execute();
    expect(mail.map((m) => m.template)).toContain('trip-cancelled');
  });

  it('cancelling one departure from the trip editor does the same for that departure only', async () => {
    const b = await bookedTrip();
    const res = await t.post(`/organizer/trips/${b.id}/departures/${b.depId}/cancel`, {}, b.org.cookie);
    expect(await follow(t, res, b.org.cookie)).toContain('The departure is cancelled.');
    expect(
      (await t.db.selectFrom('departures').select('status').where('id', '=', b.depId).executeTakeFirstOrThrow()).status,
    ).toBe('cancelled');
    expect(
      (await t.db.selectFrom('bookings').select('status').where('departure_id', '=', b.depId).execute()).map(
        (r) => r.status,
      ),
    ).toEqual(['cancelled']);
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()).status,
    ).toBe('active');
  });

  it('another organizer cannot cancel it', async () => {
    const b = await bookedTrip();
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.post(`/organizer/trips/${b.id}/cancel`, {}, other.cookie)).status).toBe(404);
    expect(
      (await t.db.selectFrom('bookings').select('status').where('departure_id', '=', b.depId).execute()).map(
        (r) => r.status,
      ),
    ).toEqual(['pending']);
  });
});
