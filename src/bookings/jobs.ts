import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { addMs, DAY, HOUR, isoNow, MINUTE } from '../lib/clock.js';
import { breathe } from '../lib/jobs.js';
import { getSetting } from '../lib/settings.js';
import { addDays, daysBetween, istDate } from '../lib/time.js';
import { sendPendingRefunds } from '../payments/refunds.js';
import { cancelUnpaidBalance } from './cancel.js';
import { BALANCE_GRACE_DAYS, BALANCE_REMINDER_DAYS } from './deposits.js';
import { tx } from '../lib/transaction.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import * as qj from './queries-jobs.js';
import * as qp from './queries-upi-proofs.js';
import * as qr from './queries-upi-retries.js';
import * as lifecycle from './lifecycle.js';
import { offerFreedSeats } from './waitlist.js';
export { expireWaitlistOffers } from './waitlist.js';
import { message } from './messages.js';

/**
 * The bookings feature's scheduled work, registered in src/scheduler.ts. Each job is
 * idempotent (conditional updates inside one transaction per booking): safe to run twice
 * and safe to be killed midway.
 */

/** The audit of seats a job released: no actor; why, how many seats, the amount, and `extra`. */
const auditRelease = (
  deps: Deps,
  trx: Kysely<Database>,
  b: { id: number; guests: number; amount_paise: number },
  reason: string,
  extra: Record<string, unknown>,
) =>
  audit(trx, deps.clock, {
    actorId: null,
    action: 'booking.hold_released',
    targetType: 'booking',
    targetId: b.id,
    after: { reason, guests: b.guests, amount_paise: b.amount_paise, ...extra },
  });

/** Releases unpaid holds whose time is up and warns those about to expire. Safe to run twice. */
export async function expireHolds(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  let expired = 0;
  let warned = 0;
  for (const { id } of await qj.expiredHolds(deps.db, now.toISOString())) {
    const done = await tx(deps.db, async (trx) => {
      const b = await q.findBooking(trx, id);
      if (
        !b ||
        b.status !== 'pending' ||
        !b.hold_expires_at ||
        b.hold_expires_at > now.toISOString() ||
        b.verification_status !== null
      )
        return null;
      if (!(await lifecycle.release(trx, b, 'expired', now.toISOString()))) return null;
      await offerFreedSeats(trx, deps, b.departure_id);
      await message(deps, trx, 'hold-expired', id);
      await auditRelease(deps, trx, b, 'expired', { hold_expires_at: b.hold_expires_at });
      return b;
    });
    if (done) {
      expired++;
      await bookingChanged(deps, done);
    }
    await breathe();
  }
  for (const { id } of await qj.holdsExpiringBefore(
    deps.db,
    now.toISOString(),
    addMs(now, 10 * MINUTE).toISOString(),
  )) {
    const done = await tx(deps.db, async (trx) => {
      if (!(await qj.markExpiryWarned(trx, id, now.toISOString()))) return false;
      await message(deps, trx, 'hold-expiring', id);
      return true;
    });
    if (done) warned++;
    await breathe();
  }
  return `expired ${expired}, warned ${warned}`;
}

/**
 * UPI proofs still undecided at their decide-by time (the end of the booking's hold): the
 * organizer is reminded once; `proofReleaseHours` after that time the booking is cancelled, its
 * seats go back on sale and both sides are told. The proof stays in the organizer's queue, so
 * money that did arrive is still found: verifying it then records the payment and a full
 * refund due (verifyUpiProof). A booking whose proof the organizer asked for again
 * (askToResendProof) and which got none by its deadline is released too. Safe to run twice.
 */
export async function chaseOverdueProofs(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  const releaseHours = await getSetting(deps.db, 'proofReleaseHours');
  const releaseBefore = releaseHours === null ? null : addMs(now, -releaseHours * HOUR).toISOString();
  let reminded = 0;
  let released = 0;
  for (const p of await qp.overdueProofs(deps.db, now.toISOString())) {
    if (!p.reminded_at) {
      const done = await tx(deps.db, async (trx) => {
        if (!(await qp.markProofReminded(trx, p.proof_id, now.toISOString()))) return false;
        await message(deps, trx, 'proof-overdue', p.booking_id, { releaseHours });
        return true;
      });
      if (done) reminded++;
    }
    if (
      releaseBefore !== null &&
      p.hold_expires_at! <= releaseBefore &&
      (await tx(deps.db, (trx) => releaseOverdueProof(deps, trx, p.proof_id, p.booking_id, releaseBefore)))
    )
      released++;
    await breathe();
  }
  for (const { id } of await qr.resendsOverdue(deps.db, now.toISOString())) {
    const done = await tx(deps.db, (trx) => releaseUnsentProof(deps, trx, id, now.toISOString()));
    if (done) {
      released++;
      await bookingChanged(deps, done);
    }
    await breathe();
  }
  return `reminded ${reminded}, released ${released}`;
}

/** Cancels a booking whose UPI proof, asked for again, did not come by its deadline; null when that is not (or no longer) so. */
async function releaseUnsentProof(deps: Deps, trx: Kysely<Database>, bookingId: number, nowIso: string) {
  const b = await q.findBooking(trx, bookingId);
  if (
    !b ||
    b.status !== 'pending' ||
    b.verification_status !== 'rejected' ||
    !b.hold_expires_at ||
    b.hold_expires_at > nowIso
  )
    return null;
  if (!(await lifecycle.release(trx, b, 'proof_not_resent', nowIso))) return null;
  await offerFreedSeats(trx, deps, b.departure_id);
  await message(deps, trx, 'proof-not-resent', bookingId, { resendBy: b.hold_expires_at });
  await auditRelease(deps, trx, b, 'proof_not_resent', { resend_by: b.hold_expires_at });
  return b;
}

/** Cancels a booking whose UPI proof went undecided past `releaseBefore`, unless it was decided or cancelled meanwhile. */
async function releaseOverdueProof(
  deps: Deps,
  trx: Kysely<Database>,
  proofId: number,
  bookingId: number,
  releaseBefore: string,
): Promise<boolean> {
  const b = await q.findBooking(trx, bookingId);
  const proof = await qp.pendingProofOf(trx, bookingId);
  if (
    !b ||
    !proof ||
    proof.id !== proofId ||
    b.verification_status !== 'pending' ||
    !b.hold_expires_at ||
    b.hold_expires_at > releaseBefore
  )
    return false;
  const now = isoNow(deps.clock);
  // Found later, the money goes back in full (verifyUpiProof): the traveler did nothing wrong.
  if (!(await lifecycle.release(trx, b, 'proof_expired', now, proof.amount_paise))) return false;
  await offerFreedSeats(trx, deps, b.departure_id);
  await message(deps, trx, ['proof-released', 'proof-released-organizer'], bookingId, {
    refundPaise: proof.amount_paise,
  });
  await auditRelease(deps, trx, b, 'proof_not_decided', { proof: proofId, decide_by: b.hold_expires_at });
  return true;
}

/** The day before a departure (run in the evening, IST): remind its confirmed travelers once. */
export async function sendTripReminders(deps: Deps): Promise<string> {
  const tomorrow = istDate(addMs(deps.clock.now(), DAY));
  let sent = 0;
  for (const { id } of await qj.confirmedStartingOn(deps.db, tomorrow)) {
    const done = await tx(deps.db, async (trx) => {
      if (!(await qj.markReminderSent(trx, id, isoNow(deps.clock)))) return false;
      await message(deps, trx, 'trip-reminder', id);
      return true;
    });
    if (done) sent++;
    await breathe();
  }
  return `reminded ${sent}`;
}

/** Nightly: confirmed bookings whose trip has ended become completed (reviews ask for it). Safe to run twice. */
export async function completeEndedBookings(deps: Deps): Promise<string> {
  const today = istDate(deps.clock.now());
  let completed = 0;
  for (const b of await qj.confirmedEndedBefore(deps.db, today)) {
    if (await lifecycle.complete(deps.db, b, isoNow(deps.clock))) completed++;
    await breathe();
  }
  return `completed ${completed} bookings`;
}

/**
 * Daily (10:00 IST): balances still owed on confirmed bookings. Each is reminded once
 * BALANCE_REMINDER_DAYS[0] (7) days before its due date and once BALANCE_REMINDER_DAYS[1] (2)
 * days before (email + SMS); a booking still owing BALANCE_GRACE_DAYS after its due date is
 * cancelled under the trip's refund policy on what was paid, its seats released, the traveler
 * and the organizer told. Not while a UPI proof of the balance waits for the organizer. Safe to
 * run twice and to be killed midway (one transaction per booking, conditional updates).
 */
export async function chaseBalances(deps: Deps): Promise<string> {
  const today = istDate(deps.clock.now());
  const [first, second] = BALANCE_REMINDER_DAYS;
  let reminded = 0;
  let cancelled = 0;
  for (const b of await qj.balancesDueBy(deps.db, addDays(today, first))) {
    const daysLeft = daysBetween(today, b.balance_due_on!);
    const n = daysLeft < 0 ? 0 : daysLeft <= second ? 2 : 1;
    if (n > b.balance_reminders) {
      const done = await tx(deps.db, async (trx) => {
        if (!(await qj.markBalanceReminded(trx, b.id, n))) return false;
        await message(deps, trx, 'balance-reminder', b.id);
        return true;
      });
      if (done) reminded++;
    }
    if (today > addDays(b.balance_due_on!, BALANCE_GRACE_DAYS)) {
      const refund = await tx(deps.db, (trx) => cancelUnpaidBalance(deps, trx, b.id));
      if (refund >= 0) {
        cancelled++;
        const row = await q.findBooking(deps.db, b.id);
        if (row) await bookingChanged(deps, row);
        await sendPendingRefunds(deps, b.id);
      }
    }
    await breathe();
  }
  return `reminded ${reminded}, cancelled ${cancelled}`;
}
