import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { canManageTrip, managedOrganizerId } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { addMs, HOUR, isoNow } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { paymentsOf, recordUpiPayment, refundsOf } from '../payments/orders.js';
import { findRefund, markRefundProcessed, recordRefund } from '../payments/refunds.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import * as qp from './queries-upi-proofs.js';
import * as lifecycle from './lifecycle.js';
import { offerFreedSeats } from './waitlist.js';
import { moveProofRejected, moveProofVerified } from './move.js';
import { cancelledPercent } from './cancel.js';
import { message } from './messages.js';
// Registers bookings as the payment owner, before any refund of a booking is settled.
import './payment-owner.js';
import { payer } from './rows.js';
import type { RefundDue, VerificationItem } from './types.js';

/**
 * The organizer's verification queue: UPI proofs to verify (the money was found) or reject, and
 * refunds to pay back by hand.
 */

async function proofForOrganizer(deps: Deps, actor: Actor, proofId: number) {
  const p = Number.isSafeInteger(proofId) ? await qp.findProof(deps.db, proofId) : undefined;
  const b = p ? await q.findBooking(deps.db, p.booking_id) : undefined;
  if (!p || !b || !canManageTrip(actor, b)) throw new NotFoundError();
  if (p.status !== 'pending') throw new Conflict(`This payment proof was already ${p.status}.`);
  return { p, b };
}

/** The organizer found the money: confirm the booking. */
export async function verifyUpiProof(deps: Deps, actor: Actor, proofId: number): Promise<void> {
  const { p, b: booking } = await proofForOrganizer(deps, actor, proofId);
  await tx(deps.db, async (trx) => {
    const now = isoNow(deps.clock);
    if (
      !(await qp.decideProof(trx, proofId, { status: 'verified', reason: null, decided_by: actor.id, decided_at: now }))
    )
      throw new Conflict('This payment proof was already decided.');
    if (p.move_id) return moveProofVerified(deps, trx, actor, p);
    const b = (await q.findBooking(trx, p.booking_id))!;
    const upiPayment = { amount: p.amount_paise, utr: p.utr, at: now };
    if (
      b.status === 'confirmed' &&
      (await lifecycle.payBalance(trx, b, { method: 'upi', amount: p.amount_paise, now }))
    ) {
      await recordUpiPayment(trx, payer(b.id), upiPayment);
      await message(deps, trx, ['payment-verified', 'balance-paid'], b.id);
      await audit(trx, deps.clock, {
        actorId: actor.id,
        action: 'upi.balance_verified',
        targetType: 'booking',
        targetId: b.id,
        before: { paid_paise: b.paid_paise },
        after: { proof: proofId, utr: p.utr, amount_paise: p.amount_paise, paid_paise: b.paid_paise + p.amount_paise },
      });
      return;
    }
    if (await lifecycle.confirm(trx, b, { method: 'upi', now, paid: p.amount_paise })) {
      await recordUpiPayment(trx, payer(b.id), upiPayment);
      await message(deps, trx, ['payment-verified', 'booking-confirmed'], b.id);
      await audit(trx, deps.clock, {
        actorId: actor.id,
        action: 'upi.verified',
        targetType: 'booking',
        targetId: b.id,
        after: { proof: proofId, utr: p.utr, amount_paise: p.amount_paise },
      });
      return;
    }
    // The money arrived for a booking that no longer takes it whole: cancelled while the proof
    // waited, or paid online meanwhile. The organizer keeps what the booking lets them keep (all
    // of it if it goes ahead; what the policy left when it was cancelled); whatever else was
    // received, and is not already on its way back, is due now.
    const [payments, refunds] = await Promise.all([paymentsOf(trx, payer(b.id)), refundsOf(trx, payer(b.id))]);
    const receivedBefore = payments
      .filter((x) => x.status === 'paid' || x.status === 'refunded')
      .reduce((n, x) => n + x.amount_paise, 0);
    const refunded = refunds.reduce((n, r) => n + r.amount_paise, 0);
    // What the policy's share applies to: what was paid for the booking, this payment included
    // (a deposit, or all of it), never more than its amount (money paid twice is not kept).
    const base = Math.min(receivedBefore + p.amount_paise, b.amount_paise);
    const keep =
      b.status === 'cancelled' ? base - Math.floor((base * (await cancelledPercent(trx, b))) / 100) : b.amount_paise;
    const due = Math.max(0, Math.min(p.amount_paise, receivedBefore + p.amount_paise - keep - refunded));
    const paidTwice = receivedBefore > 0;
    const pay = await recordUpiPayment(trx, payer(b.id), upiPayment);
    await lifecycle.settle(
      trx,
      b,
      {
        verification_status: 'verified',
        ...(paidTwice ? {} : { payment_status: 'paid' as const, payment_method: 'upi' as const, refund_paise: due }),
      },
      now,
    );
    if (due > 0) {
      await recordRefund(trx, {
        booking_id: b.id,
        payment_id: pay.id,
        amount_paise: due,
        method: 'manual',
        reason: paidTwice
          ? 'Paid twice: online and by UPI'
          : b.cancel_reason === 'proof_expired'
            ? 'Released when the UPI payment was not checked in time'
            : 'Cancelled while the UPI payment was being checked',
        created_at: now,
      });
      await message(deps, trx, 'refund-due', b.id, { refundPaise: due, paidTwice });
    }
    await message(deps, trx, 'payment-verified', b.id, { refundPaise: due });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.verified',
      targetType: 'booking',
      targetId: b.id,
      after: {
        proof: proofId,
        utr: p.utr,
        amount_paise: p.amount_paise,
        booking_status: b.status,
        refund_due_paise: due,
      },
    });
  });
  await bookingChanged(deps, booking);
}

/** The organizer could not find the money: the booking is cancelled and its seats released. */
export async function rejectUpiProof(deps: Deps, actor: Actor, proofId: number, reason: string): Promise<void> {
  const { p, b: booking } = await proofForOrganizer(deps, actor, proofId);
  await tx(deps.db, async (trx) => {
    const now = isoNow(deps.clock);
    if (!(await qp.decideProof(trx, proofId, { status: 'rejected', reason, decided_by: actor.id, decided_at: now })))
      throw new Conflict('This payment proof was already decided.');
    if (p.move_id) return moveProofRejected(deps, trx, actor, p, reason);
    const b = (await q.findBooking(trx, p.booking_id))!;
    // A proof of the balance: the booking stays confirmed, its balance still owed by the due date.
    const balanceProof = b.status === 'confirmed' && (await lifecycle.balanceProofRejected(trx, b, now));
    const released = !balanceProof && (await lifecycle.release(trx, b, 'payment_rejected', now));
    if (released) await offerFreedSeats(trx, deps, b.departure_id);
    else if (!balanceProof) {
      // Cancelled or paid online while the proof waited: nothing else changes, but a refund
      // promised on this proof alone (no refund recorded) is no longer due.
      const promised = b.status === 'cancelled' && (await refundsOf(trx, payer(b.id))).length === 0;
      await lifecycle.settle(
        trx,
        b,
        { verification_status: 'rejected', ...(promised ? { refund_paise: 0 } : {}) },
        now,
      );
    }
    await message(deps, trx, 'payment-rejected', b.id, { reason, bookingStatus: b.status });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.rejected',
      targetType: 'booking',
      targetId: b.id,
      after: { proof: proofId, utr: p.utr, reason },
    });
  });
  await bookingChanged(deps, booking);
}

/** How long a booking stays held after the organizer asks for its UPI proof again. */
export const RESEND_HOURS = 24;

/**
 * The organizer could not match the payment, but it may be a typo (a UTR digit): instead of
 * rejecting the proof, they ask the traveler to send it again, saying what to fix. The booking
 * keeps its seats until RESEND_HOURS from now (then the overdue-proof job releases them); the
 * traveler is told by email and the bell, with a link to the proof form.
 */
export async function askToResendProof(deps: Deps, actor: Actor, proofId: number, fix: string): Promise<void> {
  const { p, b: booking } = await proofForOrganizer(deps, actor, proofId);
  const notHeld = () => new Conflict('This booking no longer holds its seats: verify or reject the payment instead.');
  if (booking.status !== 'pending') throw notHeld();
  await tx(deps.db, async (trx) => {
    const now = deps.clock.now();
    const until = addMs(now, RESEND_HOURS * HOUR).toISOString();
    const decided = { status: 'rejected' as const, reason: fix, decided_by: actor.id, decided_at: now.toISOString() };
    if (!(await qp.decideProof(trx, proofId, { ...decided, resend_by: until })))
      throw new Conflict('This payment proof was already decided.');
    const b = (await q.findBooking(trx, p.booking_id))!;
    if (!(await lifecycle.askResend(trx, b, until, now.toISOString()))) throw notHeld();
    await message(deps, trx, 'proof-resend', b.id, { reason: fix });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.resend_requested',
      targetType: 'booking',
      targetId: b.id,
      after: { proof: proofId, utr: p.utr, fix, resend_by: until },
    });
  });
  await bookingChanged(deps, booking);
}

export async function verificationQueue(
  deps: Deps,
  actor: Actor,
): Promise<{ proofs: VerificationItem[]; refunds: RefundDue[]; resendHours: number }> {
  const org = managedOrganizerId(actor);
  const [proofs, refunds] = await Promise.all([qp.verificationQueue(deps.db, org), qp.manualRefundsDue(deps.db, org)]);
  return {
    proofs: proofs.map((p) => ({
      id: p.id,
      utr: p.utr,
      screenshot: { key: p.screenshot_key, width: p.screenshot_width, height: p.screenshot_height },
      amountPaise: p.amount_paise,
      duplicateUtr: p.duplicate_utr === 1,
      createdAt: p.created_at,
      bookingId: p.booking_id,
      code: p.code,
      guests: p.guests,
      holdExpiresAt: p.hold_expires_at,
      bookingStatus: p.booking_status,
      refundPaise: p.refund_paise,
      title: p.title,
      startDate: p.start_date,
      travelerName: p.traveler_name,
      travelerPhone: p.traveler_phone,
      moveTo: p.move_to,
    })),
    resendHours: RESEND_HOURS,
    refunds: refunds.map((r) => ({
      id: r.id,
      amountPaise: r.amount_paise,
      reason: r.reason,
      method: r.method,
      code: r.code,
      bookingId: r.booking_id,
      travelerName: r.traveler_name,
      travelerPhone: r.traveler_phone,
    })),
  };
}

/** The organizer paid a refund back by hand: a UPI one, or one Razorpay could not send. */
export async function markManualRefund(deps: Deps, actor: Actor, refundId: number): Promise<void> {
  const r = await findRefund(deps.db, refundId);
  const b = r ? await q.findBooking(deps.db, r.booking_id) : undefined;
  const byHand = r && (r.method === 'manual' || (r.method === 'razorpay' && r.status === 'failed'));
  if (!r || !b || !byHand || !canManageTrip(actor, b)) throw new NotFoundError();
  const done = await tx(deps.db, (trx) => markRefundProcessed(deps, trx, refundId, null, actor));
  if (!done) throw new Conflict('This refund is already marked as paid.');
}
