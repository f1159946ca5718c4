import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, seatsTaken } from './support.js';
import * as lifecycle from '../../src/bookings/lifecycle.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set('2026-12-01T04:00:00Z');
});
afterAll(() => t.close());

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const now = () => t.clock.now().toISOString();

async function book(f: { pricePaise?: number } = {}) {
  const trip = await makeTrip(t.deps, { capacity: 10, ...f });
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie);
  return { id: bookingIdFrom(res), departureId: trip.departureId };
}

/** Runs an illegal move and proves it changed neither the booking nor the seats. */
async function refused(id: number, departureId: number, move: () => Promise<boolean>) {
  const before = await booking(id);
  const seats = await seatsTaken(t.deps, departureId);
  expect(await move()).toBe(false);
  expect(await booking(id)).toEqual(before);
  expect(await seatsTaken(t.deps, departureId)).toBe(seats);
}

describe('booking lifecycle', () => {
  it('a cancelled booking cannot be confirmed, released, cancelled again or completed, and nothing is written', async () => {
    const { id, departureId } = await book();
    const b = await booking(id);
    expect(await lifecycle.cancel(t.db, b, 'traveler', 0, now())).toBe(true);
    const cancelled = await booking(id);
    await refused(id, departureId, () =>
      lifecycle.confirm(t.db, cancelled, { method: 'upi', now: now(), paid: cancelled.amount_paise }),
    );
    await refused(id, departureId, () => lifecycle.release(t.db, cancelled, 'expired', now()));
    await refused(id, departureId, () => lifecycle.cancel(t.db, cancelled, 'organizer', 0, now()));
    await refused(id, departureId, () => lifecycle.complete(t.db, cancelled, now()));
    await refused(id, departureId, () => lifecycle.awaitProof(t.db, cancelled, now(), now()));
  });

  it('a pending booking cannot be completed or settled; a confirmed one cannot be released', async () => {
    const { id, departureId } = await book();
    const pending = await booking(id);
    await refused(id, departureId, () => lifecycle.complete(t.db, pending, now()));
    await refused(id, departureId, () => lifecycle.settle(t.db, pending, { payment_status: 'paid' }, now()));
    expect(await lifecycle.confirm(t.db, pending, { method: 'upi', now: now(), paid: pending.amount_paise })).toBe(
      true,
    );
    const confirmed = await booking(id);
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      verification_status: 'verified',
      hold_expires_at: null,
    });
    await refused(id, departureId, () => lifecycle.release(t.db, confirmed, 'expired', now()));
    await refused(id, departureId, () =>
      lifecycle.confirm(t.db, confirmed, { method: 'online', now: now(), paid: confirmed.amount_paise }),
    );
  });

  it('a verb given a stale booking writes nothing when the row has moved on meanwhile', async () => {
    const { id, departureId } = await book();
    const stale = await booking(id);
    expect(await lifecycle.release(t.db, stale, 'expired', now())).toBe(true);
    // `stale` still says pending; the database says cancelled.
    await refused(id, departureId, () => lifecycle.cancel(t.db, stale, 'traveler', 0, now()));
    await refused(id, departureId, () => lifecycle.release(t.db, stale, 'payment_rejected', now()));
  });

  it('a completed booking cannot be cancelled', async () => {
    const { id, departureId } = await book({ pricePaise: 0 });
    expect(await lifecycle.complete(t.db, await booking(id), now())).toBe(true);
    const done = await booking(id);
    expect(done.status).toBe('completed');
    await refused(id, departureId, () => lifecycle.cancel(t.db, done, 'organizer', 0, now()));
    await refused(id, departureId, () => lifecycle.complete(t.db, done, now()));
  });
});
