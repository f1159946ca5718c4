import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { canActAsTraveler, canManageTrip, canSeeBooking } from '../auth/permissions.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import { istDate } from '../lib/time.js';
import { balanceOf } from './deposits.js';
import * as q from './queries.js';
import type { BookingRow } from './queries.js';

/** Who may see or act on a booking (or a departure), and whether a booking can still be paid. */

/** A booking its traveler, its organizer or staff may see; anyone else gets a 404. */
export async function bookingFor(deps: Deps, actor: Actor, id: number): Promise<BookingRow> {
  const b = Number.isSafeInteger(id) ? await q.findBooking(deps.db, id) : undefined;
  if (!b || !canSeeBooking(actor, b)) throw new NotFoundError();
  return b;
}

/** Only the traveler who booked (or an admin) acts on a booking as its traveler. */
export async function ownBooking(deps: Deps, actor: Actor, id: number): Promise<BookingRow> {
  const b = await bookingFor(deps, actor, id);
  if (!canActAsTraveler(actor, b)) throw new NotFoundError();
  return b;
}

/** Still payable (by any means): pending, unpaid, and its hold not run out; or confirmed with its balance outstanding before the trip. */
export function payable(deps: Deps, b: BookingRow) {
  if (balanceOf(b) > 0) {
    if (b.start_date <= istDate(deps.clock.now()))
      throw new Conflict('This trip has started; settle the balance with the organizer.');
    return;
  }
  if (b.status !== 'pending' || b.payment_status === 'paid')
    throw new Conflict(
      b.status === 'confirmed'
        ? 'This booking is already paid.'
        : 'This booking can no longer be paid. Book again if seats are left.',
    );
  if (b.hold_expires_at && b.hold_expires_at <= isoNow(deps.clock))
    throw new Conflict('Your seat hold has expired. Book again if seats are left.');
}

/** A departure of a trip the actor manages (an admin: any); anyone else gets a 404. */
export async function managedDeparture(deps: Deps, actor: Actor, departureId: number) {
  const d = await q.findDeparture(deps.db, departureId);
  if (!d || !canManageTrip(actor, d)) throw new NotFoundError();
  return d;
}
