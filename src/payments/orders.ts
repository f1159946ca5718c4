import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { BadRequest, Conflict, Unavailable } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { GatewayUnavailable } from './gateway.js';
import { paymentOwner, type CapturedPayment, type FailedPayment, type PaymentRow, type RefundRow } from './owners.js';
import { recordRefund } from './refunds.js';
import * as q from './queries.js';
import type { PaymentRecord, RefundRecord } from './types.js';

type Db = Kysely<Database>;

/** Whose order: the owner's registered name and the id of what is paid for. */
export interface Payer {
  owner: string;
  id: number;
  /** An order for something other than the owner's own payment ("move:12"): never reused for another. */
  purpose?: string;
}

export type Applied = 'confirmed' | 'already' | 'refunding' | 'unknown' | 'mismatch';

export const paymentsOf = (db: Db, payer: Payer): Promise<PaymentRow[]> => q.paymentsOf(db, payer.owner, payer.id);
export const refundsOf = (db: Db, payer: Payer): Promise<RefundRow[]> => q.refundsOf(db, payer.owner, payer.id);
export const paymentRecordsOf = async (db: Db, payer: Payer): Promise<PaymentRecord[]> =>
  (await paymentsOf(db, payer)).map((p) => ({
    method: p.method,
    amountPaise: p.amount_paise,
    status: p.status,
    paidAt: p.paid_at,
    utr: p.utr,
    razorpayPaymentId: p.razorpay_payment_id,
    createdAt: p.created_at,
  }));

export const refundRecordsOf = async (db: Db, payer: Payer): Promise<RefundRecord[]> =>
  (await refundsOf(db, payer)).map((r) => ({
    amountPaise: r.amount_paise,
    method: r.method,
    status: r.status,
    reason: r.reason,
    processedAt: r.processed_at,
    createdAt: r.created_at,
  }));

export const paidPaymentOf = (db: Db, payer: Payer): Promise<PaymentRow | undefined> =>
  q.paidPaymentOf(db, payer.owner, payer.id);

/** Money that arrived outside the gateway (a UPI transfer the organizer found). */
export function recordUpiPayment(db: Db, payer: Payer, p: { amount: number; utr: string; at: string }) {
  return q.insertPayment(db, {
    booking_id: payer.id,
    owner: payer.owner,
    method: 'upi',
    amount_paise: p.amount,
    status: 'paid',
    razorpay_order_id: null,
    razorpay_payment_id: null,
    utr: p.utr,
    paid_at: p.at,
    created_at: p.at,
    updated_at: p.at,
  });
}

/** The Razorpay order still open for this amount, if one was made. */
export async function openOrderId(db: Db, payer: Payer, amount: number): Promise<string | null> {
  return (await q.openOrderOf(db, payer.owner, payer.id, amount, payer.purpose ?? null))?.razorpay_order_id ?? null;
}

/**
 * The Razorpay order to pay `amount` with: the open one, or a new one. The gateway's errors
 * (GatewayUnavailable, GatewayRejected) reach the caller, who knows what to tell the payer.
 */
export async function openOrder(
  deps: Deps,
  actor: Actor,
  payer: Payer,
  o: { amount: number; receipt: string; notes: Record<string, string> },
): Promise<string> {
  const open = await openOrderId(deps.db, payer, o.amount);
  if (open) return open;
  const order = await deps.payments.createOrder(o);
  const now = isoNow(deps.clock);
  await tx(deps.db, async (trx) => {
    await q.insertPayment(trx, {
      booking_id: payer.id,
      owner: payer.owner,
      method: 'razorpay',
      amount_paise: o.amount,
      status: 'created',
      razorpay_order_id: order.id,
      razorpay_payment_id: null,
      utr: null,
      paid_at: null,
      purpose: payer.purpose ?? null,
      created_at: now,
      updated_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'payment.order_created',
      targetType: payer.owner,
      targetId: payer.id,
      after: { order: order.id, amount_paise: o.amount },
    });
  });
  return order.id;
}

/**
 * A captured payment for one of our orders: recorded, then handed to the order's owner. A
 * second payment on an order already paid is recorded under its own id and goes back in full.
 * Idempotent; 'unknown' for an order we did not make or whose owner is not registered.
 */
export async function applyCaptured(deps: Deps, trx: Db, p: CapturedPayment): Promise<Applied> {
  return applyCapturedTo(deps, trx, await q.paymentByOrder(trx, p.order_id), p);
}

/** applyCaptured for the order's payment row the caller has just read in this transaction (undefined: not ours). */
export async function applyCapturedTo(
  deps: Deps,
  trx: Db,
  pay: PaymentRow | undefined,
  p: CapturedPayment,
): Promise<Applied> {
  const owner = pay && paymentOwner(pay.owner);
  if (!pay || !owner) return 'unknown';
  const now = isoNow(deps.clock);
  if (pay.status === 'paid' || pay.status === 'refunded') {
    if (!pay.razorpay_payment_id || pay.razorpay_payment_id === p.id || (await q.paymentByRazorpayId(trx, p.id)))
      return 'already';
    // A late authorisation, say: a second payment captured on an order already paid.
    const second = await q.insertPayment(trx, {
      booking_id: pay.booking_id,
      owner: pay.owner,
      method: 'razorpay',
      amount_paise: p.amount,
      status: 'paid',
      razorpay_order_id: null,
      razorpay_payment_id: p.id,
      utr: null,
      paid_at: now,
      created_at: now,
      updated_at: now,
    });
    await recordRefund(trx, {
      booking_id: pay.booking_id,
      payment_id: second.id,
      amount_paise: p.amount,
      method: 'razorpay',
      reason: 'Paid twice on the same order',
      created_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'payment.auto_refund',
      targetType: pay.owner,
      targetId: pay.booking_id,
      after: { order: p.order_id, payment: p.id, amount_paise: p.amount, reason: 'second payment on the order' },
    });
    return 'refunding';
  }
  if (pay.amount_paise !== p.amount) return refundMismatch(deps, trx, pay, p);
  await q.markPaymentPaid(trx, pay.id, p.id, now);
  return owner.captured(deps, trx, pay, p);
}

/**
 * Money captured for another amount than the order asked: it buys nothing (the order stays
 * open, its owner is not told it was paid). It is recorded under its own id and real amount as
 * `mismatch`, refunded in full, and audited. The same payment seen again (a replay, or order.paid
 * after payment.captured) changes nothing: 'already'.
 */
async function refundMismatch(deps: Deps, trx: Db, order: PaymentRow, p: CapturedPayment): Promise<Applied> {
  if (await q.paymentByRazorpayId(trx, p.id)) return 'already';
  const now = isoNow(deps.clock);
  const row = await q.insertPayment(trx, {
    booking_id: order.booking_id,
    owner: order.owner,
    method: 'razorpay',
    amount_paise: p.amount,
    status: 'mismatch',
    razorpay_order_id: null,
    razorpay_payment_id: p.id,
    utr: null,
    // Not received as a payment for anything: kept out of what was paid (GMV, earnings).
    paid_at: null,
    created_at: now,
    updated_at: now,
  });
  if (p.amount > 0)
    await recordRefund(trx, {
      booking_id: order.booking_id,
      payment_id: row.id,
      amount_paise: p.amount,
      method: 'razorpay',
      reason: 'The amount paid did not match the order',
      created_at: now,
    });
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'payment.amount_mismatch',
    targetType: order.owner,
    targetId: order.booking_id,
    after: { order: p.order_id, payment: p.id, amount_paise: p.amount, order_amount_paise: order.amount_paise },
  });
  return 'mismatch';
}

export interface CheckoutReturn {
  orderId: string;
  paymentId: string;
  signature: string;
}

/** Checkout came back: check the signature, ask Razorpay that it is captured for the right amount, apply it. */
export async function verifyCheckout(deps: Deps, payer: Payer, r: CheckoutReturn): Promise<Applied> {
  if (!deps.payments.checkoutSignatureValid(r.orderId, r.paymentId, r.signature))
    throw new BadRequest('That payment could not be verified.');
  const pay = await q.paymentByOrder(deps.db, r.orderId);
  if (!pay || pay.owner !== payer.owner || pay.booking_id !== payer.id)
    throw new BadRequest('That payment does not belong to this booking.');
  if (pay.status === 'paid') return 'already';
  let fetched;
  try {
    fetched = await deps.payments.fetchPayment(r.paymentId);
  } catch (e) {
    if (e instanceof GatewayUnavailable)
      throw new Unavailable(
        'We could not reach the payment service to confirm your payment. If you paid, your booking is confirmed automatically as soon as it answers; reload this page in a minute.',
      );
    throw new BadRequest('That payment could not be verified.');
  }
  if (fetched.order_id !== r.orderId || fetched.amount !== pay.amount_paise)
    throw new BadRequest('That payment does not match this booking.');
  if (fetched.status === 'authorized')
    throw new Conflict(
      'Razorpay is still completing your payment. Your booking is confirmed as soon as it is done: reload this page in a minute, and do not pay again.',
    );
  if (fetched.status !== 'captured')
    throw new Conflict('The payment did not go through. Nothing was charged; you can try again.');
  return tx(deps.db, (trx) =>
    applyCaptured(deps, trx, { order_id: r.orderId, id: r.paymentId, amount: fetched.amount }),
  );
}

/**
 * Records an order a payer made at the gateway itself (an auto-pay authorisation order or a
 * recurring debit's order), so its webhooks reach the payer through the owners registry.
 * Idempotent on the order id.
 */
export async function recordGatewayOrder(
  deps: Pick<Deps, 'clock'>,
  trx: Db,
  payer: Payer,
  o: { orderId: string; amount: number },
): Promise<void> {
  if (await q.paymentByOrder(trx, o.orderId)) return;
  const now = isoNow(deps.clock);
  await q.insertPayment(trx, {
    booking_id: payer.id,
    owner: payer.owner,
    method: 'razorpay',
    amount_paise: o.amount,
    status: 'created',
    razorpay_order_id: o.orderId,
    razorpay_payment_id: null,
    utr: null,
    paid_at: null,
    created_at: now,
    updated_at: now,
  });
}

/** A payment on one of our orders failed: the order's row is marked failed and its owner told. Idempotent for the row. */
export async function applyFailed(deps: Deps, trx: Db, p: FailedPayment): Promise<'ok' | 'unknown'> {
  const order = await q.paymentByOrder(trx, p.order_id);
  const owner = order && paymentOwner(order.owner);
  if (!order || !owner) return 'unknown';
  const failed = await q.markOrderFailed(trx, p.order_id, isoNow(deps.clock));
  await owner.failed?.(deps, trx, order, p);
  if (failed)
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'payment.failed',
      targetType: failed.owner,
      targetId: failed.booking_id,
      after: { order: p.order_id, payment: p.id, reason: p.error_description ?? null },
    });
  return 'ok';
}
