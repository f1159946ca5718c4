import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { Conflict } from '../lib/errors.js';
import { getSettings, type RefundRule } from '../lib/settings.js';
import { daysBetween, istDate } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import { refundAcross, refundableOf, sendPendingRefunds } from '../payments/refunds.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import * as qp from './queries-upi-proofs.js';
import type { BookingRow } from './queries.js';
import * as lifecycle from './lifecycle.js';
import { closeWaitlist, offerFreedSeats } from './waitlist.js';
import { managedDeparture, ownBooking } from './access.js';
import { message, type BookingMessage } from './messages.js';
// Registers bookings as the payment owner, before any refund of a booking is settled.
import './payment-owner.js';
import { dueNow } from './deposits.js';
import { payer, toDetails } from './rows.js';
import type { DepartureToCancel, RefundPreview } from './types.js';

/**
 * Cancellations and the refund policy: the traveler cancelling (and the refund they would get
 * now), the organizer cancelling a departure or a whole trip.
 */

/** What the traveler's cancel page shows: the refund they would get now under the policy; null when it can no longer be cancelled. */
export async function cancellation(deps: Deps, actor: Actor, id: number) {
  const b = await ownBooking(deps, actor, id);
  if (!cancellable(b, deps.clock.now())) return null;
  const policy = policyOf(b.refund_policy, (await getSettings(deps.db)).refundPolicy);
  return { booking: toDetails(b), preview: refundPreview(b, policy, deps.clock.now()), policy };
}

// ---------------------------------------------------------------- refund policy

/** The trip's own policy (JSON {days|minDays, percent}[]) or the platform default. */
export function policyOf(json: string | null, fallback: RefundRule[]): RefundRule[] {
  if (!json) return fallback;
  try {
    const rules = (JSON.parse(json) as { days?: number; minDays?: number; percent: number }[]).map((r) => ({
      minDays: Number(r.minDays ?? r.days ?? 0),
      percent: Number(r.percent),
    }));
    return rules.length ? rules : fallback;
  } catch {
    return fallback;
  }
}

/** What a traveler cancelling now gets back: the first rule whose minDays the notice meets, applied to what was paid. */
export function refundPreview(
  b: Pick<BookingRow, 'start_date' | 'amount_paise' | 'paid_paise' | 'deposit_paise' | 'status' | 'payment_status'> &
    Partial<Pick<BookingRow, 'verification_status'>>,
  policy: RefundRule[],
  now: Date,
): RefundPreview {
  const daysBefore = daysBetween(istDate(now), b.start_date);
  const rule = [...policy].sort((a, c) => c.minDays - a.minDays).find((r) => daysBefore >= r.minDays);
  const percent = rule?.percent ?? 0;
  // A UPI payment still being checked counts as paid: it comes back once the organizer finds it.
  const paid = b.paid_paise + (b.verification_status === 'pending' ? dueNow(b) : 0);
  return { daysBefore, percent, paid, refund: Math.floor((paid * percent) / 100) };
}

/** The percent the trip's refund policy (or the platform's default) gives back when cancelling at `at`. */
export async function policyPercent(trx: Kysely<Database>, b: BookingRow, at: Date): Promise<number> {
  return refundPreview(b, policyOf(b.refund_policy, (await getSettings(trx)).refundPolicy), at).percent;
}

export const cancellable = (b: Pick<BookingRow, 'status' | 'start_date'>, now: Date) =>
  (b.status === 'pending' || b.status === 'confirmed') && b.start_date > istDate(now);

/** The share a cancelled booking gives back: all of it when the organizer cancelled, the trip's policy on the day when the traveler did. */
export async function cancelledPercent(trx: Kysely<Database>, b: BookingRow): Promise<number> {
  return b.cancel_reason === 'traveler' && b.cancelled_at ? policyPercent(trx, b, new Date(b.cancelled_at)) : 100;
}

// ---------------------------------------------------------------- cancellation

/** Cancels inside a transaction: status, seats, refund row, messages. Returns the refund in paise. */
async function cancelInTx(
  deps: Deps,
  trx: Kysely<Database>,
  actor: Actor | null,
  bookingId: number,
  reason: lifecycle.CancelReason,
  refundPercent: number | null,
  note?: string,
): Promise<number> {
  const b = await q.findBooking(trx, bookingId);
  if (!b || (b.status !== 'pending' && b.status !== 'confirmed')) return -1;
  const now = isoNow(deps.clock);
  // What was actually paid (a deposit, or all of it) and not already given back (a move's
  // difference, say): the refund is a share of it.
  const received = await refundableOf(trx, payer(bookingId));
  // A UPI payment the organizer has not checked yet may well have left the traveler's account:
  // its proof stays in the organizer's queue, and verifying it then records the refund due
  // (verifyUpiProof), worked out here like a paid one's.
  // Only while the booking still owes it: a proof beside a booking paid in full is money paid twice (verifyUpiProof).
  const proof = received < b.amount_paise ? await qp.pendingProofOf(trx, bookingId) : undefined;
  const percent = refundPercent ?? (await policyPercent(trx, b, deps.clock.now()));
  const refund = Math.floor(((received + (proof?.amount_paise ?? 0)) * percent) / 100);
  if (!(await lifecycle.cancel(trx, b, reason, refund, now))) return -1;
  await offerFreedSeats(trx, deps, b.departure_id);
  // The share of the money received goes back against its payments, the latest first (a refund
  // through Razorpay is made per payment, never above what is left of that payment).
  const parts = await refundAcross(trx, payer(bookingId), Math.floor((received * percent) / 100), {
    reason:
      reason === 'organizer'
        ? 'Cancelled by the organizer'
        : reason === 'balance_unpaid'
          ? `Balance unpaid (${percent}% of what was paid under the policy)`
          : `Cancelled by the traveler (${percent}% under the policy)`,
    created_at: now,
  });
  for (const part of parts)
    if (part.method === 'manual') await message(deps, trx, 'refund-due', bookingId, { refundPaise: part.amountPaise });
  const told: BookingMessage[] =
    reason === 'balance_unpaid'
      ? ['balance-unpaid-cancelled', 'balance-unpaid-organizer']
      : [reason === 'organizer' ? 'trip-cancelled' : 'booking-cancelled'];
  await message(deps, trx, told, bookingId, { refundPaise: refund, reason: note, upiBeingChecked: !!proof });
  await audit(trx, deps.clock, {
    actorId: actor?.id ?? null,
    action: 'booking.cancelled',
    targetType: 'booking',
    targetId: bookingId,
    before: { status: b.status, payment_status: b.payment_status, paid_paise: b.paid_paise },
    after: { status: 'cancelled', reason, refund_paise: refund, percent },
  });
  return refund;
}

/** The traveler cancels; the refund follows the trip's policy at this moment. */
export async function cancelBooking(deps: Deps, actor: Actor, bookingId: number): Promise<{ refund: number }> {
  const b = await ownBooking(deps, actor, bookingId);
  if (!cancellable(b, deps.clock.now()))
    throw new Conflict(
      b.status === 'cancelled'
        ? 'This booking is already cancelled.'
        : 'This trip has started or ended; it can no longer be cancelled here.',
    );
  const refund = await tx(deps.db, (trx) => cancelInTx(deps, trx, actor, bookingId, 'traveler', null));
  if (refund < 0) throw new Conflict('This booking is already cancelled.');
  await bookingChanged(deps, b);
  await sendPendingRefunds(deps, bookingId);
  return { refund };
}

/** The organizer cancels a departure that has bookings: it closes, and every booking on it is cancelled and refunded in full. */
export async function cancelDepartureBookings(
  deps: Deps,
  actor: Actor,
  departureId: number,
  note: string,
): Promise<{ bookings: number }> {
  await managedDeparture(deps, actor, departureId);
  const ids = await tx(deps.db, async (trx) => {
    if (Number((await q.closeDeparture(trx, departureId)).numUpdatedRows) !== 1)
      throw new Conflict('This departure is already cancelled.');
    const active = await q.activeBookingsOfDeparture(trx, departureId);
    for (const b of active) await cancelInTx(deps, trx, actor, b.id, 'organizer', 100, note);
    await closeWaitlist(trx, deps, departureId);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'departure.cancelled',
      targetType: 'departure',
      targetId: departureId,
      after: { bookings: active.length, note },
    });
    return active.map((b) => b.id);
  });
  for (const id of ids) await sendPendingRefunds(deps, id);
  return { bookings: ids.length };
}

/** For the trips feature: cancelling a trip cancels all its open departures and their bookings. */
export async function cancelTripBookings(
  deps: Deps,
  actor: Actor,
  tripId: number,
  note = '',
): Promise<{ bookings: number }> {
  let total = 0;
  for (const d of await q.openDepartureIdsOfTrip(deps.db, tripId))
    total += (await cancelDepartureBookings(deps, actor, d.id, note)).bookings;
  return { bookings: total };
}

/** The departure an organizer is about to cancel, with how many bookings it touches. */
export async function departureForOrganizer(
  deps: Deps,
  actor: Actor,
  departureId: number,
): Promise<{ departure: DepartureToCancel; active: number }> {
  const d = await managedDeparture(deps, actor, departureId);
  if (d.status !== 'open') throw new Conflict('This departure is already cancelled.');
  return {
    departure: { id: d.id, title: d.title, startDate: d.start_date },
    active: (await q.activeBookingsOfDeparture(deps.db, departureId)).length,
  };
}

/**
 * For the balance job: a booking whose balance went unpaid past its grace is cancelled under the
 * trip's refund policy on what was paid, its seats released, both sides told; inside the caller's
 * transaction. The refund in paise, or -1 when it was no longer owing (paid or cancelled meanwhile).
 */
export async function cancelUnpaidBalance(deps: Deps, trx: Kysely<Database>, bookingId: number): Promise<number> {
  const b = await q.findBooking(trx, bookingId);
  if (!b || b.status !== 'confirmed' || b.payment_status !== 'pending' || b.verification_status === 'pending')
    return -1;
  return cancelInTx(deps, trx, null, bookingId, 'balance_unpaid', null);
}
