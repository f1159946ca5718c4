import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { addMs, DAY } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import { istDate } from '../lib/time.js';
import { paymentRecordsOf } from '../payments/orders.js';
import * as q from './queries.js';
import { payer, toReviewable, toSummary } from './rows.js';
import type { BookingSummary, PaymentRecord, ReviewableBooking } from './types.js';

/** What other features ask of bookings: who may review which booking (reviews), a customer's bookings (support, the CRM). */

/**
 * The booking its own traveler may review now: theirs (anyone else's is a 404, an admin's view
 * included), its trip over and the booking completed. Otherwise a Conflict that says why.
 */
export async function reviewableBooking(deps: Deps, actor: Actor, bookingId: number): Promise<ReviewableBooking> {
  const b = Number.isSafeInteger(bookingId) ? await q.findBooking(deps.db, bookingId) : undefined;
  if (!b || b.user_id !== actor.id) throw new NotFoundError();
  if (b.status === 'cancelled' || b.status === 'pending')
    throw new Conflict(
      b.status === 'cancelled'
        ? 'This booking was cancelled, so there is no trip to review.'
        : 'This booking was never paid, so there is no trip to review.',
    );
  if (b.end_date >= istDate(deps.clock.now())) throw new Conflict('You can review this trip once it has ended.');
  if (b.status !== 'completed')
    throw new Conflict('Your booking is marked completed the night after the trip ends; you can review it then.');
  return toReviewable(b);
}

/** The traveler's completed bookings, latest trip first. */
export async function completedBookingsOf(deps: Pick<Deps, 'db'>, userId: number): Promise<ReviewableBooking[]> {
  const rows = await q.bookingsOfUser(deps.db, userId);
  return rows.filter((b) => b.status === 'completed').map(toReviewable);
}

/** Completed bookings whose trip ended in the last `days` days (up to yesterday, India time). */
export async function recentlyCompletedBookings(
  deps: Pick<Deps, 'db' | 'clock'>,
  days: number,
): Promise<ReviewableBooking[]> {
  const now = deps.clock.now();
  const rows = await q.completedEndedBetween(deps.db, istDate(addMs(now, -days * DAY)), istDate(now));
  return rows.map(toReviewable);
}

/** A customer's bookings and each one's payments, newest trip first (an agent's customer page). */
export async function customerBookings(
  deps: Pick<Deps, 'db'>,
  userId: number,
): Promise<{ booking: BookingSummary; payments: PaymentRecord[] }[]> {
  const rows = await q.bookingsOfUser(deps.db, userId);
  return Promise.all(
    rows.map(async (b) => ({ booking: toSummary(b), payments: await paymentRecordsOf(deps.db, payer(b.id)) })),
  );
}

/** The user a booking code belongs to, or null (codes are matched in upper case). */
export async function customerOfBookingCode(deps: Pick<Deps, 'db'>, code: string): Promise<number | null> {
  return (await q.userOfBookingCode(deps.db, code.trim().toUpperCase()))?.user_id ?? null;
}
