import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { audit } from '../lib/audit.js';
import { breathe } from '../lib/jobs.js';
import { GatewayRejected } from '../payments/gateway.js';
import { planSettings } from './plan.js';
import { notify } from './notices.js';
import { NOT_SENT_AFTER_MS } from './periods.js';
import { claimCharge, failCharge, recordOrder } from './settling.js';
import { reconcileCharges } from './reconcile.js';
import * as q from './queries.js';
import type { PlanTerms } from './types.js';

/** How many subscriptions one charge run asks Razorpay about at once. */
export const CHARGE_CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await fn(items[next++]);
      // Waiting requests go between two charges (better-sqlite3 is synchronous; see lib/jobs.ts).
      await breathe();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type ChargeOutcome = 'asked' | 'skipped' | 'unreachable' | 'declined';

/** One subscription's auto-pay debit: the charge row claimed first, then the order, then the debit. */
async function chargeOne(deps: Deps, subscriptionId: number, plan: PlanTerms): Promise<ChargeOutcome> {
  const claimed = await tx(deps.db, async (trx) => {
    const sub = await q.findSubscriptionById(trx, subscriptionId);
    const now = isoNow(deps.clock);
    // Still due now that we hold the write lock (another process may have charged it meanwhile).
    if (
      !sub ||
      (sub.status !== 'active' && sub.status !== 'past_due') ||
      sub.token_status !== 'confirmed' ||
      sub.cancel_at_period_end ||
      !sub.next_charge_at ||
      sub.next_charge_at > now
    )
      return null;
    const charge = await claimCharge(deps, trx, sub, 'auto', plan, null);
    return charge && { sub, charge, contact: await q.contactOf(trx, sub.organizer_id) };
  });
  if (!claimed) return 'skipped';
  const { sub, charge, contact } = claimed;
  let orderId: string;
  try {
    orderId = (
      await deps.payments.createOrder({
        amount: charge.amount_paise,
        receipt: charge.receipt!,
        notes: { subscription: String(sub.id), charge: String(charge.id) },
      })
    ).id;
  } catch (e) {
    if (e instanceof GatewayRejected) {
      await tx(deps.db, (trx) => failCharge(deps, trx, charge.id, `order refused: ${e.message}`, false));
      return 'declined';
    }
    // Maybe made, maybe not: the reconcile job looks the order up by its receipt.
    return 'unreachable';
  }
  await recordOrder(deps, charge, orderId);
  try {
    const r = await deps.payments.createRecurringPayment({
      email: contact.email,
      contact: contact.phone ?? '',
      amount: charge.amount_paise,
      orderId,
      customerId: sub.razorpay_customer_id!,
      tokenId: sub.razorpay_token_id!,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
    await q.recordChargeIds(deps.db, charge.id, { razorpay_payment_id: r.razorpay_payment_id });
    return 'asked';
  } catch (e) {
    if (e instanceof GatewayRejected) {
      // Razorpay said no outright (token no longer active, amount above the mandate): a failed attempt.
      await tx(deps.db, (trx) => failCharge(deps, trx, charge.id, e.message, true));
      return 'declined';
    }
    return 'unreachable';
  }
}

/**
 * The 02:00 job: settles what is overdue first (reconcile), closes periods that ended with
 * nothing more to charge, then charges every subscription due within the lead time. Safe to
 * run twice and in two processes at once: each charge is claimed by its row before Razorpay is
 * asked, and no subscription gets a second debit while one is pending.
 */
export async function chargeDueSubscriptions(deps: Deps): Promise<string> {
  const settled = await reconcileCharges(deps, NOT_SENT_AFTER_MS);
  const closed = await closeEndedPeriods(deps);
  const plan = await planSettings(deps);
  const counts: Record<ChargeOutcome, number> = { asked: 0, skipped: 0, unreachable: 0, declined: 0 };
  let after = 0;
  for (;;) {
    const due = await q.dueForCharge(deps.db, isoNow(deps.clock), 500, after);
    if (due.length === 0) break;
    after = due[due.length - 1].id;
    await pool(due, CHARGE_CONCURRENCY, async (s) => {
      counts[await chargeOne(deps, s.id, plan)]++;
    });
  }
  return `charged ${counts.asked}, declined ${counts.declined}, unreachable ${counts.unreachable}, skipped ${counts.skipped}; ${settled}; closed ${closed}`;
}

/** Periods that ended with no mandate to charge: cancelled ones close, the others go inactive (trips hidden), told. */
async function closeEndedPeriods(deps: Deps): Promise<number> {
  let n = 0;
  for (const sub of await q.periodsEndedUnpaid(deps.db, isoNow(deps.clock))) {
    await tx(deps.db, async (trx) => {
      const to = sub.cancel_at_period_end ? 'cancelled' : 'inactive';
      if (!(await q.setStatusFrom(trx, sub.id, sub.status, to, isoNow(deps.clock)))) return;
      n++;
      await audit(trx, deps.clock, {
        actorId: null,
        action: to === 'cancelled' ? 'subscription.ended' : 'subscription.deactivated',
        targetType: 'subscription',
        targetId: sub.id,
        after: { period_end: sub.current_period_end },
      });
      if (to === 'inactive')
        await notify(deps, trx, await q.contactOf(trx, sub.organizer_id), 'deactivated', {
          amountPaise: sub.amount_paise,
          date: null,
        });
    });
  }
  return n;
}
