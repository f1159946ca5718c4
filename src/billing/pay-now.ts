import type { Deps } from '../deps.js';
import { Conflict, NotFoundError, Unavailable } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { openOrder, verifyCheckout, type CheckoutReturn } from '../payments/orders.js';
import type { Actor } from '../auth/permissions.js';
import { planSettings } from './plan.js';
import { paidAhead } from './periods.js';
import { claimCharge, failCharge, payerOf } from './settling.js';
import { ownSubscription, refreshMandate } from './autopay.js';
import * as q from './queries.js';
import type { CheckoutStart } from './types.js';

/** "Pay now" / reactivate: a plain order paid through Checkout, for the period the subscription needs next. */
export async function payNow(deps: Deps, actor: Actor): Promise<CheckoutStart> {
  const { db } = deps;
  const sub = await ownSubscription(db, actor);
  const pending = await q.pendingChargeOf(db, sub.id);
  if (pending?.kind === 'manual' && pending.razorpay_order_id)
    return { orderId: pending.razorpay_order_id, chargeId: pending.id };
  if (paidAhead(sub, deps.clock.now()))
    throw new Conflict(
      sub.current_period_start > deps.clock.now().toISOString()
        ? 'Your next period is already paid: there is nothing to pay now.'
        : 'Auto-pay charges your subscription before each period: there is nothing to pay now.',
    );
  if (pending)
    throw new Conflict(
      'An auto-pay debit of your subscription is on its way (banks take up to a day and a half): wait for its outcome before paying again.',
    );
  const plan = await planSettings(deps);
  const charge = await tx(db, (trx) => claimCharge(deps, trx, sub, 'manual', plan, actor.id));
  if (!charge) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  let orderId;
  try {
    orderId = await openOrder(deps, actor, payerOf(sub), {
      amount: charge.amount_paise,
      receipt: charge.receipt!,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
  } catch {
    await tx(db, (trx) => failCharge(deps, trx, charge.id, 'not sent', false));
    throw new Unavailable(
      'We could not reach the payment service. Nothing was charged; please try again in a few minutes.',
    );
  }
  await q.recordChargeIds(db, charge.id, { razorpay_order_id: orderId });
  return { orderId, chargeId: charge.id };
}

/** What Checkout needs to open a charge's order (the real Razorpay page). */
export async function checkoutOf(deps: Deps, actor: Actor, chargeId: number) {
  const sub = await ownSubscription(deps.db, actor);
  const charge = await q.findCharge(deps.db, chargeId);
  if (!charge || charge.subscription_id !== sub.id || charge.status !== 'pending' || !charge.razorpay_order_id)
    throw new NotFoundError();
  const contact = await q.contactOf(deps.db, sub.organizer_id);
  return {
    orderId: charge.razorpay_order_id,
    amountPaise: charge.amount_paise,
    recurring: charge.kind === 'mandate',
    customerId: charge.kind === 'mandate' ? sub.razorpay_customer_id : null,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
  };
}

/** Checkout came back: the signature and the payment are checked by payments, the charge settles, the token is looked up. */
export async function confirmCheckout(deps: Deps, actor: Actor, r: CheckoutReturn): Promise<'paid' | 'waiting'> {
  const sub = await ownSubscription(deps.db, actor);
  await verifyCheckout(deps, payerOf(sub), r);
  const charge = await q.chargeByOrder(deps.db, r.orderId);
  if (charge?.kind === 'mandate') await refreshMandate(deps, sub.id);
  return charge && (await q.findCharge(deps.db, charge.id))?.status === 'paid' ? 'paid' : 'waiting';
}
