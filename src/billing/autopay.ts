import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, Unavailable } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { audit } from '../lib/audit.js';
import type { Actor } from '../auth/permissions.js';
import { planSettings } from './plan.js';
import { claimCharge, failCharge, recordOrder, tokenChanged } from './settling.js';
import * as q from './queries.js';
import type { MandateMethod } from './tables.js';
import type { CheckoutStart } from './types.js';

type Db = Kysely<Database>;

/** The most a mandate lets us debit at once: twice the plan, within Razorpay's ₹15,000 no-approval limit. */
const mandateMax = (amountPaise: number) => Math.min(amountPaise * 2, 15_000_00);
const MANDATE_YEARS = 10;

/** The acting organizer's subscription; anyone else is refused. */
export async function ownSubscription(db: Db, actor: Actor): Promise<q.SubscriptionRow> {
  const sub = actor.role === 'organizer' ? await q.findSubscription(db, actor.id) : undefined;
  if (!sub) throw new Conflict('Only an organizer with a subscription can do this.');
  return sub;
}

/**
 * Starts auto-pay (item 3): a Razorpay customer, an authorisation order carrying the token's
 * terms and the method, paid through Checkout with `recurring: 1`. The payment pays the next
 * period (the first one after the trial); the token is saved once Razorpay reports it confirmed.
 */
export async function startAutopay(deps: Deps, actor: Actor, method: MandateMethod): Promise<CheckoutStart> {
  const { db } = deps;
  let sub = await ownSubscription(db, actor);
  if (sub.token_status === 'confirmed' && !sub.cancel_at_period_end) throw new Conflict('Auto-pay is already set up.');
  const pending = await q.pendingChargeOf(db, sub.id);
  if (pending?.kind === 'mandate' && pending.razorpay_order_id)
    return { orderId: pending.razorpay_order_id, chargeId: pending.id };
  if (pending) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  const contact = await q.contactOf(db, sub.organizer_id);
  if (!contact.phone)
    throw new Conflict('Auto-pay needs your phone number: add it to your profile first.').withLink(
      '/me',
      'Your profile',
    );
  const plan = await planSettings(deps);
  const unreachable = () =>
    new Unavailable('We could not reach the payment service. Nothing was charged; please try again in a few minutes.');
  if (!sub.razorpay_customer_id) {
    let customer;
    try {
      customer = await deps.payments.createCustomer({
        name: contact.name,
        email: contact.email,
        contact: contact.phone,
      });
    } catch {
      throw unreachable();
    }
    await q.updateSubscription(db, sub.id, { razorpay_customer_id: customer.id, updated_at: isoNow(deps.clock) });
    sub = { ...sub, razorpay_customer_id: customer.id };
  }
  const charge = await tx(db, (trx) => claimCharge(deps, trx, sub, 'mandate', plan, actor.id));
  if (!charge) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  const maxAmount = mandateMax(plan.amountPaise);
  let order;
  try {
    order = await deps.payments.createAuthorisationOrder({
      amount: charge.amount_paise,
      receipt: charge.receipt!,
      customerId: sub.razorpay_customer_id!,
      method,
      maxAmount,
      expireAt: Math.floor(deps.clock.now().getTime() / 1000) + MANDATE_YEARS * 365 * 86_400,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
  } catch {
    // No money moves without the payer in Checkout: the claim is given up, nothing counted.
    await tx(db, (trx) => failCharge(deps, trx, charge.id, 'not sent', false));
    throw unreachable();
  }
  await recordOrder(deps, charge, order.id);
  await q.updateSubscription(db, sub.id, {
    token_status: sub.token_status === 'confirmed' ? 'confirmed' : 'pending',
    token_method: method,
    token_max_amount_paise: maxAmount,
    updated_at: isoNow(deps.clock),
  });
  return { orderId: order.id, chargeId: charge.id };
}

/** Asks Razorpay for the customer's tokens and saves a confirmed one (when the token.confirmed webhook is late or lost). */
export async function refreshMandate(deps: Deps, subscriptionId: number): Promise<void> {
  const sub = await q.findSubscriptionById(deps.db, subscriptionId);
  if (!sub?.razorpay_customer_id || sub.token_status === 'confirmed') return;
  let tokens;
  try {
    tokens = await deps.payments.fetchTokens(sub.razorpay_customer_id);
  } catch (err) {
    deps.log.warn({ err, subscriptionId }, 'could not fetch the tokens; the token.confirmed webhook will do');
    return;
  }
  const t = tokens.filter((x) => x.recurring_details?.status === 'confirmed').at(-1);
  if (!t) return;
  await tx(deps.db, (trx) =>
    tokenChanged(deps, trx, {
      id: t.id,
      customerId: sub.razorpay_customer_id,
      method: t.method,
      maxAmount: t.max_amount ?? null,
      status: 'confirmed',
    }),
  );
}

/** Cancels at the end of the paid period: nothing more is charged, and the mandate is cancelled at Razorpay. */
export async function cancelSubscription(deps: Deps, actor: Actor): Promise<void> {
  const sub = await ownSubscription(deps.db, actor);
  if (sub.cancel_at_period_end || sub.status === 'cancelled')
    throw new Conflict('Your subscription is already cancelled.');
  if (sub.status === 'inactive') throw new Conflict('Your subscription is not active: there is nothing to cancel.');
  const hadToken = sub.token_status === 'confirmed' ? sub.razorpay_token_id : null;
  await tx(deps.db, async (trx) => {
    await q.updateSubscription(trx, sub.id, {
      cancel_at_period_end: 1,
      next_charge_at: null,
      // Marked before Razorpay is told, so its token.cancelled webhook is not mistaken for the bank's.
      ...(hadToken ? { token_status: 'cancelled' as const } : {}),
      updated_at: isoNow(deps.clock),
    });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'subscription.cancelled',
      targetType: 'subscription',
      targetId: sub.id,
      after: { active_until: sub.current_period_end, token: hadToken },
    });
  });
  if (hadToken && sub.razorpay_customer_id)
    await deps.payments
      .cancelToken(sub.razorpay_customer_id, hadToken)
      .catch((err) =>
        deps.log.error(
          { err, subscription: sub.id },
          'could not cancel the mandate at Razorpay; nothing will be charged on it',
        ),
      );
}
