import type { Actor } from '../auth/permissions.js';
import * as billing from '../billing/listings.js';
import type { DB } from '../db.js';
import { DomainError, NotFoundError } from '../lib/errors.js';
import { canManageTrip } from '../auth/permissions.js';
import * as q from './queries/trips.js';

/** What must hold before an organizer's change to a trip goes through. */

/** The trip if the actor may manage it; otherwise 404 (another organizer's trip is not revealed). */
export async function ownTrip(db: DB, actor: Actor, id: number) {
  const trip = await q.findTrip(db, id);
  if (!trip || !canManageTrip(actor, trip)) throw new NotFoundError();
  return trip;
}

export async function requireUpcomingDeparture(db: DB, id: number, now: string) {
  const deps = await q.tripDepartures(db, id);
  if (!deps.some((d) => d.status === 'open' && d.start_date >= now))
    throw new DomainError('Add an upcoming departure before publishing this trip.', 'departures');
}

/** A trip an admin deactivated (admin console moderation) comes back only when an admin reactivates it. */
export function requireNotModerated(trip: { moderated_at: string | null; moderation_reason: string | null }) {
  if (trip.moderated_at)
    throw new DomainError(
      `An admin deactivated this trip: ${trip.moderation_reason}. Contact the platform to have it reactivated.`,
      'form',
    );
}

/** An organizer's plan caps their active trips (billing says how many); an admin's own trips have no plan. */
export async function requireListingRoom(db: DB, actor: Actor, organizerId: number) {
  if (actor.role === 'admin' && organizerId === actor.id) return;
  await billing.ensureListingRoom(db, organizerId, await q.countActiveTrips(db, organizerId));
}
