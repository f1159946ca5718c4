import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { cancelDepartureBookings } from '../bookings/cancel.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import * as q from './queries/trips.js';
import { today } from './rows.js';
import { ownTrip, requireListingRoom, requireNotModerated, requireUpcomingDeparture } from './rules.js';

/** A trip's and a departure's status: publish, deactivate, cancel, and the nightly completion. */

/** Makes a draft or inactive trip visible to travelers. */
export async function publishTrip(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await ownTrip(trx, actor, id);
    if (trip.status === 'active') return;
    if (trip.status !== 'draft' && trip.status !== 'inactive')
      throw new DomainError(`A ${trip.status} trip cannot be published.`);
    requireNotModerated(trip);
    await requireUpcomingDeparture(trx, id, today(deps));
    await requireListingRoom(trx, actor, trip.organizer_id);
    await q.setTripStatus(trx, id, 'active', deps.clock.now().toISOString());
  });
}

/** Hides an active trip from travelers; its bookings stay as they are. */
export async function deactivateTrip(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await ownTrip(trx, actor, id);
    if (trip.status === 'inactive' || trip.status === 'draft') return;
    if (trip.status !== 'active') throw new DomainError(`A ${trip.status} trip cannot be deactivated.`);
    await q.setTripStatus(trx, id, 'inactive', deps.clock.now().toISOString());
  });
}

/**
 * Cancels a trip and its departures. Departures with seats taken go through the bookings
 * feature first: every booking on them is cancelled with a full refund and its traveler told.
 */
export async function cancelTrip(deps: Deps, actor: Actor, id: number): Promise<void> {
  const trip = await ownTrip(deps.db, actor, id);
  if (trip.status === 'cancelled') return;
  if (trip.status === 'completed') throw new DomainError('A completed trip cannot be cancelled.');
  // The trip takes bookings until its status changes, last: a departure that was empty a moment
  // ago may have been booked while the others' bookings were being cancelled (and refunded, over
  // the network). Then its bookings go the same way, in another round.
  for (let round = 0; round < 5; round++) {
    for (const d of await q.tripDepartures(deps.db, id)) {
      if (d.status === 'open' && d.seats_taken > 0)
        await cancelDepartureBookings(deps, actor, d.id, 'The organizer cancelled this trip.');
    }
    const done = await deps.db.transaction().execute(async (trx) => {
      const open = (await q.tripDepartures(trx, id)).filter((d) => d.status === 'open');
      if (open.some((d) => d.seats_taken > 0)) return false;
      for (const d of open) await q.cancelUnbookedDeparture(trx, d.id, id);
      await q.setTripStatus(trx, id, 'cancelled', deps.clock.now().toISOString());
      await audit(trx, deps.clock, {
        actorId: actor.id,
        action: 'trip.cancelled',
        targetType: 'trip',
        targetId: id,
        before: { status: trip.status },
        after: { status: 'cancelled' },
      });
      return true;
    });
    if (done) return;
  }
  throw new Conflict('New bookings kept arriving while this trip was being cancelled. Try again.');
}

/** Cancels one departure; bookings on it are cancelled with full refunds by the bookings feature. */
export async function cancelDeparture(deps: Deps, actor: Actor, tripId: number, departureId: number): Promise<void> {
  await ownTrip(deps.db, actor, tripId);
  const dep = (await q.tripDepartures(deps.db, tripId)).find((d) => d.id === departureId);
  if (!dep) throw new NotFoundError();
  if (dep.status === 'cancelled') return;
  if (dep.seats_taken > 0) {
    await cancelDepartureBookings(deps, actor, departureId, 'The organizer cancelled this departure.');
    return;
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await q.cancelUnbookedDeparture(trx, departureId, tripId)))
      throw new Conflict('This departure changed while you were cancelling it. Try again.');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'departure.cancelled',
      targetType: 'departure',
      targetId: departureId,
    });
  });
}

/** Nightly: active trips whose every departure has ended become completed. Safe to run twice. */
export async function completeEndedTrips(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  let completed = 0;
  for (const id of await q.endedTripIds(deps.db, today(deps))) {
    if (await q.completeTrip(deps.db, id, deps.clock.now().toISOString())) completed++;
  }
  return `completed ${completed} trips`;
}
