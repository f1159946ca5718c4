import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { DAY, isoNow } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { audit } from '../lib/audit.js';
import { istDate } from '../lib/time.js';
import { getSettings } from '../lib/settings.js';
import { recordGatewayOrder } from '../payments/orders.js';
import { registerPaymentOwner, type PaymentOwner, type TokenEvent } from '../payments/owners.js';
import { planOf } from './plan.js';
import { notify, receiptLink } from './notices.js';
import { addDays, chargeDateFor, istMidnight } from './periods.js';
import * as q from './queries.js';
import type { ChargeKind, MandateMethod } from './tables.js';
import type { PlanTerms } from './types.js';

type Db = Kysely<Database>;

// Claiming a charge before Razorpay is asked, and settling it when the outcome is known (the
// `subscription` payment owner: payments hands over captures, failures and token events).

const OWNER = 'subscription';
export const payerOf = (sub: { id: number }) => ({ owner: OWNER, id: sub.id });

/** The period the next payment pays for: the one after the running period, or from now once the subscription has lapsed. */
function nextPeriodStart(sub: q.SubscriptionRow, now: string): string {
  const lapsed = sub.status === 'inactive' || sub.status === 'cancelled';
  return lapsed && sub.current_period_end < now ? now : sub.current_period_end;
}

const receiptFor = (subId: number, periodStart: string, attempt: number) =>
  `sub${subId}-${periodStart.slice(0, 10)}-${attempt}`;

/** Claims the charge row (written before Razorpay is asked); null when the key is taken or a charge is pending. */
export async function claimCharge(
  deps: Pick<Deps, 'clock'>,
  trx: Db,
  sub: q.SubscriptionRow,
  kind: ChargeKind,
  plan: PlanTerms,
  actorId: number | null,
): Promise<q.ChargeRow | null> {
  const now = isoNow(deps.clock);
  const periodStart = nextPeriodStart(sub, now);
  const attempt = (await q.chargesForPeriod(trx, sub.id, periodStart)) + 1;
  const charge = await q.insertChargeOnce(trx, {
    subscription_id: sub.id,
    period_start: periodStart,
    amount_paise: plan.amountPaise,
    period_days: plan.periodDays,
    listings: plan.listings,
    status: 'pending',
    attempt,
    kind,
    receipt: receiptFor(sub.id, periodStart, attempt),
    razorpay_order_id: null,
    razorpay_payment_id: null,
    failure_reason: null,
    created_at: now,
    settled_at: null,
  });
  if (!charge) return null;
  await audit(trx, deps.clock, {
    actorId,
    action: 'subscription.charge_started',
    targetType: 'subscription',
    targetId: sub.id,
    after: { charge: charge.id, kind, period_start: periodStart, amount_paise: plan.amountPaise, attempt },
  });
  return charge;
}

/** The order a charge was sent with is recorded on the charge and with payments (webhooks find it by the order). */
export async function recordOrder(deps: Deps, charge: q.ChargeRow, orderId: string) {
  await tx(deps.db, async (trx) => {
    await q.recordChargeIds(trx, charge.id, { razorpay_order_id: orderId });
    await recordGatewayOrder(deps, trx, payerOf({ id: charge.subscription_id }), {
      orderId,
      amount: charge.amount_paise,
    });
  });
}

/** A charge was paid: the period it pays for starts (or is queued after the running one), attempts reset, trips visible. */
async function chargePaid(deps: Deps, trx: Db, charge: q.ChargeRow, paymentId: string): Promise<void> {
  const sub = (await q.findSubscriptionById(trx, charge.subscription_id))!;
  let periodStart = charge.period_start;
  const other = await q.paidChargeFor(trx, sub.id, periodStart);
  if (other && other.id !== charge.id) {
    // That period is paid already (a pay-now and a late capture, say): this payment pays the one after.
    periodStart = sub.current_period_end;
    await q.setChargeFields(trx, charge.id, { period_start: periodStart });
  }
  const now = isoNow(deps.clock);
  if (!(await q.settleChargeRow(trx, charge.id, { status: 'paid', at: now, paymentId }))) return;
  const end = new Date(new Date(periodStart).getTime() + charge.period_days * DAY).toISOString();
  const cancelling = charge.kind === 'auto' ? sub.cancel_at_period_end : 0;
  const autopay = sub.token_status === 'confirmed' && !cancelling;
  const wasOff = sub.status === 'inactive' || sub.status === 'cancelled';
  await q.updateSubscription(trx, sub.id, {
    status: 'active',
    current_period_start: periodStart,
    current_period_end: end,
    amount_paise: charge.amount_paise,
    period_days: charge.period_days,
    listings: charge.listings,
    failed_attempts: 0,
    cancel_at_period_end: cancelling,
    next_charge_at: autopay ? chargeDateFor(end) : null,
    updated_at: now,
  });
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'subscription.charge_paid',
    targetType: 'subscription',
    targetId: sub.id,
    after: { charge: charge.id, kind: charge.kind, payment: paymentId, amount_paise: charge.amount_paise, until: end },
  });
  const contact = await q.contactOf(trx, sub.organizer_id);
  await notify(deps, trx, contact, 'payment-succeeded', {
    amountPaise: charge.amount_paise,
    date: end,
    receipt: receiptLink(deps.config, charge.id),
  });
  if (wasOff) await notify(deps, trx, contact, 'reactivated', { amountPaise: charge.amount_paise, date: end });
}

/**
 * A charge failed. `counted`: an auto-pay debit the bank declined counts as an attempt (retried
 * on a later day, the last one deactivates); a charge that never reached Razorpay, or a
 * Checkout the payer left, does not.
 */
export async function failCharge(
  deps: Deps,
  trx: Db,
  chargeId: number,
  reason: string,
  counted: boolean,
): Promise<void> {
  const now = isoNow(deps.clock);
  if (!(await q.settleChargeRow(trx, chargeId, { status: 'failed', at: now, reason: reason.slice(0, 300) }))) return;
  const charge = (await q.findCharge(trx, chargeId))!;
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'subscription.charge_failed',
    targetType: 'subscription',
    targetId: charge.subscription_id,
    after: { charge: chargeId, kind: charge.kind, reason, counted },
  });
  if (!counted) return;
  const sub = (await q.findSubscriptionById(trx, charge.subscription_id))!;
  const plan = planOf(await getSettings(trx));
  const attempts = sub.failed_attempts + 1;
  const contact = await q.contactOf(trx, sub.organizer_id);
  if (attempts >= plan.chargeAttempts) {
    await q.updateSubscription(trx, sub.id, {
      status: 'inactive',
      failed_attempts: attempts,
      next_charge_at: null,
      updated_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'subscription.deactivated',
      targetType: 'subscription',
      targetId: sub.id,
      after: { attempts },
    });
    await notify(deps, trx, contact, 'deactivated', { amountPaise: charge.amount_paise, date: null });
    return;
  }
  const retryAt = istMidnight(addDays(istDate(deps.clock.now()), plan.chargeRetryDays));
  await q.updateSubscription(trx, sub.id, {
    status: 'past_due',
    failed_attempts: attempts,
    next_charge_at: retryAt,
    updated_at: now,
  });
  // The failure message tells the amount and date of the next attempt: it is that attempt's pre-debit notice.
  await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'pre-debit', about: retryAt, now });
  await notify(deps, trx, contact, 'payment-failed', {
    amountPaise: plan.amountPaise,
    date: retryAt,
    attemptsLeft: plan.chargeAttempts - attempts,
  });
}

/** A token event for one of our customers (webhook, or the tokens fetched after Checkout); true if it was ours. */
export async function tokenChanged(deps: Deps, trx: Db, t: TokenEvent): Promise<boolean> {
  const sub = t.customerId ? await q.subscriptionByCustomer(trx, t.customerId) : undefined;
  if (!sub) return false;
  const now = isoNow(deps.clock);
  if (t.status === 'confirmed') {
    if (sub.token_status === 'confirmed' && sub.razorpay_token_id === t.id) return true;
    if (sub.token_status !== 'pending') return true;
    const autopay = (sub.status === 'active' || sub.status === 'past_due') && !sub.cancel_at_period_end;
    await q.updateSubscription(trx, sub.id, {
      razorpay_token_id: t.id,
      token_status: 'confirmed',
      ...(t.method ? { token_method: t.method as MandateMethod } : {}),
      ...(t.maxAmount ? { token_max_amount_paise: t.maxAmount } : {}),
      next_charge_at: autopay ? chargeDateFor(sub.current_period_end) : sub.next_charge_at,
      updated_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'subscription.mandate_confirmed',
      targetType: 'subscription',
      targetId: sub.id,
      after: { token: t.id, method: t.method, max_amount_paise: t.maxAmount },
    });
    return true;
  }
  if (t.status === 'rejected') {
    if (sub.token_status === 'pending')
      await q.updateSubscription(trx, sub.id, { token_status: 'rejected', updated_at: now });
    return true;
  }
  // paused or cancelled at the bank: only the mandate in use matters, and only once.
  if (sub.razorpay_token_id !== t.id || sub.token_status !== 'confirmed') return true;
  await q.updateSubscription(trx, sub.id, { token_status: t.status, next_charge_at: null, updated_at: now });
  await audit(trx, deps.clock, {
    actorId: null,
    action: `subscription.mandate_${t.status}`,
    targetType: 'subscription',
    targetId: sub.id,
    after: { token: t.id },
  });
  if (await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'mandate-cancelled', about: t.id, now }))
    await notify(deps, trx, await q.contactOf(trx, sub.organizer_id), 'mandate-cancelled', {
      amountPaise: sub.amount_paise,
      date: sub.current_period_end,
    });
  return true;
}

const subscriptionPayments: PaymentOwner = {
  async captured(deps, trx, _order, payment) {
    const charge = await q.chargeByOrder(trx, payment.order_id);
    if (charge) await chargePaid(deps, trx, charge, payment.id);
    return 'confirmed';
  },
  async failed(deps, trx, _order, payment) {
    const charge = await q.chargeByOrder(trx, payment.order_id);
    // A declined Checkout attempt can be tried again on the same order: only a debit's failure settles its charge.
    if (charge?.kind === 'auto')
      await failCharge(deps, trx, charge.id, payment.error_description ?? 'declined by the bank', true);
  },
  tokenChanged,
  // Subscription payments are not refunded through the gateway (yet): nothing of ours to update.
  async refunded() {},
  async refundFailed() {},
};

registerPaymentOwner(OWNER, subscriptionPayments);
