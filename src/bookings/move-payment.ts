import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, DomainError, Unavailable } from '../lib/errors.js';
import { getSettings } from '../lib/settings.js';
import { formatDay } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import { GatewayRejected, GatewayUnavailable } from '../payments/gateway.js';
import { openOrder, openOrderId, verifyCheckout, type CheckoutReturn } from '../payments/orders.js';
import { sendPendingRefunds } from '../payments/refunds.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import type { BookingRow } from './queries.js';
import * as qm from './queries-moves.js';
import * as qp from './queries-upi-proofs.js';
import * as qr from './queries-upi-retries.js';
import { ownBooking } from './access.js';
import { message } from './messages.js';
// Registers bookings as the payment owner, before any order of a move is settled.
import './payment-owner.js';
import { pendingMoveFor } from './move.js';
import { payer, toPayable, toProofRecord } from './rows.js';
import { keep, keptFor, toKept, upiLink } from './upi-proofs.js';
import type { KeptScreenshot, PayableBooking, PayerContact, PendingMove } from './types.js';

/**
 * Paying for a move that costs something (./move.ts makes it wait as 'awaiting_payment'): its
 * pay page, online through a Razorpay order of the booking (the payment owner makes the move
 * when it is captured), or by a UPI proof marked with the move for the organizer's queue
 * (./verification.ts); and the traveler giving up on it. The booking stays where it is until paid.
 */

/** The booking as a payable of its pending move: what the shared pay page shows. */
const asPayable = (b: BookingRow, m: PendingMove): PayableBooking => ({
  ...toPayable(b),
  amountPaise: m.duePaise,
  totalPaise: m.duePaise,
  balance: false,
  holdExpiresAt: null,
});

const noneWaiting = () => new Conflict('No move of this booking is waiting for payment.');
const proofWaiting = (m: PendingMove) =>
  new Conflict(
    `Your UPI payment for the move to ${formatDay(m.toStart)} is with the organizer; wait for their answer.`,
  );

async function ownPendingMove(deps: Deps, actor: Actor, bookingId: number) {
  const b = await ownBooking(deps, actor, bookingId);
  const m = await pendingMoveFor(deps.db, b);
  if (!m) throw noneWaiting();
  return { b, m };
}

/** The pay page of the booking's pending move; null when none waits (the page sends the traveler back). */
export async function movePaymentPage(deps: Deps, actor: Actor, bookingId: number) {
  const b = await ownBooking(deps, actor, bookingId);
  const m = await pendingMoveFor(deps.db, b);
  if (!m) return null;
  const proofs = (await q.proofsOf(deps.db, b.id)).filter((p) => p.move_id === m.id).map(toProofRecord);
  return {
    booking: asPayable(b, m),
    move: m,
    upiLink: upiLink(b, m.duePaise),
    pendingProof: proofs.find((x) => x.status === 'pending') ?? null,
    rejectedProof: null,
    gatewayMode: deps.payments.mode,
    proofHoldMinutes: (await getSettings(deps.db)).proofHoldMinutes,
    kept: await keptFor(deps, actor, b.id),
  };
}

/** A move's orders are the booking's, for that move alone: never reused for its balance or another move. */
const moveOrderPayer = (bookingId: number, moveId: number) => ({ ...payer(bookingId), purpose: `move:${moveId}` });

/** The Razorpay order paying the pending move (the open one, or a new one), tied to the move. */
export async function startMovePayment(deps: Deps, actor: Actor, bookingId: number): Promise<string> {
  const { b, m } = await ownPendingMove(deps, actor, bookingId);
  if (m.proofPending) throw proofWaiting(m);
  if (deps.payments.mode === 'off') throw new Conflict('Online payment is not available here. Please pay by UPI.');
  try {
    const orderId = await openOrder(deps, actor, moveOrderPayer(b.id, m.id), {
      amount: m.duePaise,
      receipt: b.code,
      notes: { booking_id: String(b.id), booking_code: b.code, move_id: String(m.id) },
    });
    await qm.setMoveOrder(deps.db, m.id, orderId);
    return orderId;
  } catch (e) {
    if (e instanceof GatewayUnavailable || e instanceof GatewayRejected) {
      deps.log.warn({ err: e, bookingId }, 'razorpay order for a move failed');
      throw new Unavailable(
        'The payment service is not answering right now, so nothing was charged and your booking stays on its date. Please try again in a minute, or pay by UPI.',
      );
    }
    throw e;
  }
}

/** The order Razorpay Checkout opens for the pending move: the one startMovePayment made. */
export async function openMoveCheckout(
  deps: Deps,
  actor: Actor,
  bookingId: number,
): Promise<{ orderId: string; booking: PayableBooking; traveler: PayerContact } | null> {
  const { b, m } = await ownPendingMove(deps, actor, bookingId);
  const orderId = await openOrderId(deps.db, moveOrderPayer(b.id, m.id), m.duePaise);
  const traveler = { name: b.traveler_name, email: b.traveler_email, phone: b.traveler_phone };
  return orderId ? { orderId, booking: asPayable(b, m), traveler } : null;
}

/**
 * Checkout came back: payments checks it with Razorpay and the payment owner settles the move
 * (the webhook may have done it first: then nothing happens twice). What became of the move.
 */
export async function confirmMoveCheckout(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  r: CheckoutReturn,
): Promise<{ moved: boolean; toStart: string }> {
  const b = await ownBooking(deps, actor, bookingId);
  const out = await verifyCheckout(deps, payer(b.id), r);
  await bookingChanged(deps, b);
  if (out === 'refunding') await sendPendingRefunds(deps, b.id);
  const m = await qm.moveByOrder(deps.db, r.orderId);
  if (!m) throw noneWaiting();
  const to = await qm.departureOf(deps.db, m.to_departure_id);
  return { moved: m.status === 'done', toStart: to.start_date };
}

const lost = () => new DomainError('Your earlier screenshot is no longer kept. Choose it again.', 'screenshot');

/**
 * The traveler paid the move by UPI: the proof (marked with the move) goes to the organizer's
 * queue; verifying it makes the move, rejecting it cancels the move. Nothing else changes meanwhile.
 */
export async function submitMoveProof(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  utr: string,
  screenshot: File | { kept: string },
): Promise<{ duplicate: boolean; toStart: string }> {
  const { b, m } = await ownPendingMove(deps, actor, bookingId);
  if (!b.upi_id) throw new Conflict('This organizer does not take UPI payments. Please pay online.');
  if (m.proofPending) throw new Conflict('Your payment proof is already with the organizer.', 'utr');
  const img =
    screenshot instanceof File
      ? await keep(deps, actor.id, b.id, screenshot)
      : await qr.keptScreenshot(deps.db, screenshot.kept, b.id, actor.id, isoNow(deps.clock));
  if (!img) throw lost();
  const duplicate = await tx(deps.db, async (trx) => {
    const cur = await qm.pendingMoveOf(trx, b.id);
    if (!cur || cur.id !== m.id) throw new Conflict('This move is no longer waiting for payment.');
    // Again inside the transaction: two submissions at once (a double tap) make one proof.
    if (await qp.pendingMoveProof(trx, m.id))
      throw new Conflict('Your payment proof is already with the organizer.', 'utr');
    if (!(await qr.deleteKeptScreenshot(trx, img.id))) throw lost();
    const dup = !!(await qp.utrUsedElsewhere(trx, utr, b.id));
    const now = isoNow(deps.clock);
    await qp.insertProof(trx, {
      booking_id: b.id,
      move_id: m.id,
      utr,
      screenshot_key: img.screenshot_key,
      screenshot_width: img.screenshot_width,
      screenshot_height: img.screenshot_height,
      amount_paise: m.duePaise,
      duplicate_utr: dup ? 1 : 0,
      reason: null,
      decided_by: null,
      decided_at: null,
      created_at: now,
    });
    const x = { duplicateUtr: dup, moveTo: m.toStart, refundPaise: m.duePaise };
    await message(deps, trx, 'payment-proof-received', b.id, x);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.proof_submitted',
      targetType: 'booking',
      targetId: b.id,
      after: { utr, amount_paise: m.duePaise, move: m.id, duplicate: dup },
    });
    return dup;
  });
  await bookingChanged(deps, b);
  return { duplicate, toStart: m.toStart };
}

/** The screenshot of a move's proof form sent back with errors, kept for the next try; null when no move takes a proof now. */
export async function keepMoveProofScreenshot(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  file: File,
): Promise<KeptScreenshot | null> {
  const b = await ownBooking(deps, actor, bookingId);
  if (!b.upi_id || !(await pendingMoveFor(deps.db, b))) return null;
  return toKept(await keep(deps, actor.id, b.id, file));
}

/** The traveler gives up on the move waiting for payment: the booking stays where it is. */
export async function cancelPendingMove(deps: Deps, actor: Actor, bookingId: number): Promise<void> {
  const { b } = await ownPendingMove(deps, actor, bookingId);
  await tx(deps.db, async (trx) => {
    const m = await pendingMoveFor(trx, (await q.findBooking(trx, b.id))!);
    if (!m) throw noneWaiting();
    if (m.proofPending) throw proofWaiting(m);
    await qm.closePendingMove(trx, m.id, 'cancelled', isoNow(deps.clock));
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'booking.move_cancelled',
      targetType: 'booking',
      targetId: b.id,
      after: { move: m.id, to_start: m.toStart, due_paise: m.duePaise },
    });
  });
}
