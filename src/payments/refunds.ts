import type { Insertable, Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { addMs, isoNow, MINUTE } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { GatewayRejected } from './gateway.js';
import { paymentOwner, type PaymentRow, type RefundRow } from './owners.js';
import * as q from './queries.js';

type Db = Kysely<Database>;

/**
 * A refund is recorded, still to be sent (razorpay) or paid back by hand (manual). A payment may
 * be refunded in parts, never above its amount: undefined (nothing recorded) when it would be.
 */
export function recordRefund(
  db: Db,
  r: Pick<
    Insertable<Database['refunds']>,
    'booking_id' | 'payment_id' | 'amount_paise' | 'method' | 'reason' | 'created_at'
  >,
) {
  return q.insertRefund(db, r);
}

/** One part of a refund spread over a payer's payments. */
export interface RefundPart {
  paymentId: number;
  amountPaise: number;
  method: 'razorpay' | 'manual';
}

/**
 * Records `totalPaise` going back to a payer against its paid payments, the latest first, each
 * never above what is left of it (its amount minus its earlier refunds): a Razorpay refund is
 * made per payment. What could not be placed (more than is left in all) is not recorded.
 */
export async function refundAcross(
  db: Db,
  payer: { owner: string; id: number },
  totalPaise: number,
  r: { reason: string; created_at: string },
): Promise<RefundPart[]> {
  const parts: RefundPart[] = [];
  let left = totalPaise;
  const paid = (await q.refundLeftOf(db, payer.owner, payer.id)).filter((p) => p.status === 'paid');
  for (const p of paid.reverse()) {
    if (left <= 0) break;
    const amount = Math.min(left, Number(p.left_paise));
    if (amount <= 0) continue;
    const method = p.method === 'razorpay' ? 'razorpay' : 'manual';
    if (!(await q.insertRefund(db, { booking_id: payer.id, payment_id: p.id, amount_paise: amount, method, ...r })))
      continue;
    parts.push({ paymentId: p.id, amountPaise: amount, method });
    left -= amount;
  }
  return parts;
}

/** What is left to refund of a payer's paid payments in all (what they paid, less what went back). */
export async function refundableOf(db: Db, payer: { owner: string; id: number }): Promise<number> {
  return (await q.refundLeftOf(db, payer.owner, payer.id))
    .filter((p) => p.status === 'paid')
    .reduce((n, p) => n + Math.max(0, Number(p.left_paise)), 0);
}

export const findRefund = (db: Db, id: number): Promise<RefundRow | undefined> => q.findRefund(db, id);

/** The money is back with the payer; its owner is told. False when it was already recorded so. */
export async function markRefundProcessed(
  deps: Deps,
  trx: Db,
  refundId: number,
  razorpayId: string | null,
  actor: Actor | null,
): Promise<boolean> {
  const r = await q.findRefund(trx, refundId);
  if (!r || r.status === 'processed') return false;
  return refundProcessed(deps, trx, r, await q.findPayment(trx, r.payment_id), razorpayId, actor);
}

/** markRefundProcessed for a refund and its payment the caller has just read in this transaction. */
export async function refundProcessed(
  deps: Deps,
  trx: Db,
  r: RefundRow,
  pay: PaymentRow,
  razorpayId: string | null,
  actor: Actor | null,
): Promise<boolean> {
  if (r.status === 'processed') return false;
  const now = isoNow(deps.clock);
  await q.markRefundRowProcessed(trx, r.id, razorpayId ?? r.razorpay_refund_id, now);
  // Refunded in parts (a move's difference, then a cancellation): refunded once all of it has come back.
  if (r.amount_paise === pay.amount_paise || (await q.processedOfPayment(trx, r.payment_id)) >= pay.amount_paise)
    await q.markPaymentRefunded(trx, r.payment_id, now);
  await paymentOwner(pay.owner)?.refunded(deps, trx, r, { actor, razorpayId });
  return true;
}

const FAILED_BY_RAZORPAY = 'Razorpay reported the refund failed';

/**
 * Razorpay could not send a refund (the payer's card or account closed, say): it becomes a
 * refund to pay back by hand, and its owner says who does it.
 */
export async function markRefundFailed(
  deps: Deps,
  trx: Db,
  refundId: number,
  razorpayId: string | null,
  why = FAILED_BY_RAZORPAY,
): Promise<void> {
  if (!(await q.markRefundRowFailed(trx, refundId, why, razorpayId))) return;
  const r = (await q.findRefund(trx, refundId))!;
  await told(deps, trx, r, await q.findPayment(trx, r.payment_id), razorpayId);
}

/** markRefundFailed (as Razorpay reported it) for a refund and its payment the caller has just read in this transaction. */
export async function refundFailed(
  deps: Deps,
  trx: Db,
  r: RefundRow,
  pay: PaymentRow,
  razorpayId: string | null,
): Promise<void> {
  if (!(await q.markRefundRowFailed(trx, r.id, FAILED_BY_RAZORPAY, razorpayId))) return;
  // The row as the update left it.
  const failed: RefundRow = {
    ...r,
    status: 'failed',
    last_error: FAILED_BY_RAZORPAY,
    razorpay_refund_id: razorpayId ?? r.razorpay_refund_id,
  };
  await told(deps, trx, failed, pay, razorpayId);
}

/** A failed refund's owner is told, and the failure audited. */
async function told(deps: Deps, trx: Db, r: RefundRow, pay: PaymentRow, razorpayId: string | null) {
  await paymentOwner(pay.owner)?.refundFailed(deps, trx, r);
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'refund.failed',
    targetType: 'refund',
    targetId: r.id,
    after: { booking_id: r.booking_id, amount_paise: r.amount_paise, razorpay_refund_id: razorpayId },
  });
}

/**
 * How long one attempt holds a refund: well past the gateway's 15 s timeout, so an attempt
 * still waiting for Razorpay is never taken over; after a crash the refund is retried then.
 */
const REFUND_CLAIM_MS = 2 * MINUTE;

/**
 * Sends Razorpay refunds that are recorded but not yet sent. Each attempt claims its refund
 * first, so two senders (the cancel request and the retry job, or two processes) never send
 * one at once. A retry asks Razorpay whether an earlier attempt got through (by our reference
 * in the notes), so a crash between "sent" and "recorded" never refunds twice.
 */
export async function sendPendingRefunds(deps: Deps, bookingId?: number): Promise<number> {
  let sent = 0;
  for (const r of await q.refundsToSend(deps.db, bookingId)) {
    const now = deps.clock.now();
    const claimed = await tx(deps.db, (trx) =>
      q.claimRefund(trx, r, now.toISOString(), addMs(now, REFUND_CLAIM_MS).toISOString()),
    );
    if (!claimed || !r.razorpay_payment_id) continue;
    const ref = `tt_refund_${r.id}`;
    try {
      let done =
        r.attempts > 0
          ? (await deps.payments.refundsOf(r.razorpay_payment_id)).find(
              (x) => !Array.isArray(x.notes) && x.notes?.ref === ref,
            )
          : undefined;
      done ??= await deps.payments.refund(r.razorpay_payment_id, r.amount_paise, ref);
      await tx(deps.db, async (trx) => {
        if (done.status === 'processed') await markRefundProcessed(deps, trx, r.id, done.id, null);
        else if (done.status === 'failed') await markRefundFailed(deps, trx, r.id, done.id);
        else await q.markRefundInitiated(trx, r.id, done.id);
      });
      sent++;
    } catch (e) {
      if (e instanceof GatewayRejected && e.statusCode >= 400 && e.statusCode < 500) {
        // Refused outright (not down, not a timeout): retrying would be refused again. A person pays it back.
        deps.log.warn({ err: e, refund: r.id }, 'razorpay refused the refund');
        await tx(deps.db, (trx) =>
          markRefundFailed(deps, trx, r.id, null, `Razorpay refused the refund: ${e.message}`),
        );
        continue;
      }
      deps.log.warn({ err: e, refund: r.id }, 'refund not sent yet');
      await q.giveBackRefundClaim(deps.db, r.id, e instanceof Error ? e.message : 'failed');
    }
  }
  return sent;
}

/** Refunds that could not reach Razorpay earlier. */
export async function retryRefunds(deps: Deps): Promise<string> {
  return `sent ${await sendPendingRefunds(deps)}`;
}
