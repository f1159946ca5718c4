import type { Deps } from '../deps.js';
import { NotFoundError } from '../lib/errors.js';
import { daysBetween, istDate } from '../lib/time.js';
import type { Actor } from '../auth/permissions.js';
import { getAccount } from '../auth/accounts.js';
import { planSettings } from './plan.js';
import { paidAhead } from './periods.js';
import * as q from './queries.js';
import type { SubscriptionView } from './types.js';

/** The organizer's subscription as their page shows it; null if they have none yet. */
export async function subscriptionOf(
  deps: Pick<Deps, 'db' | 'clock'>,
  organizerId: number,
): Promise<SubscriptionView | null> {
  const { db, clock } = deps;
  const sub = await q.findSubscription(db, organizerId);
  if (!sub) return null;
  const [plan, charges] = await Promise.all([planSettings(deps), q.chargesOf(db, sub.id)]);
  const now = clock.now();
  return {
    status: sub.status,
    trialEndsAt: sub.trial_ends_at,
    trialOver: sub.status === 'trial' && sub.trial_ends_at <= now.toISOString(),
    periodStart: sub.current_period_start,
    periodEnd: sub.current_period_end,
    startsLater: sub.current_period_start > now.toISOString(),
    daysLeft: Math.max(0, daysBetween(istDate(now), istDate(new Date(sub.current_period_end)))),
    nextChargeAt: sub.next_charge_at,
    running: { amountPaise: sub.amount_paise, periodDays: sub.period_days, listings: sub.listings },
    next: { amountPaise: plan.amountPaise, periodDays: plan.periodDays, listings: plan.listings },
    mandate: sub.token_status
      ? { method: sub.token_method, maxAmountPaise: sub.token_max_amount_paise, status: sub.token_status }
      : null,
    needsNewMandate: (sub.token_status === 'paused' || sub.token_status === 'cancelled') && !sub.cancel_at_period_end,
    cancelAtPeriodEnd: sub.cancel_at_period_end === 1,
    failedAttempts: sub.failed_attempts,
    pending: charges.some((c) => c.status === 'pending'),
    payNowOffered: !paidAhead(sub, now) && !charges.some((c) => c.status === 'pending'),
    charges: charges.map((c) => ({
      id: c.id,
      kind: c.kind,
      periodStart: c.period_start,
      amountPaise: c.amount_paise,
      status: c.status,
      attempt: c.attempt,
      createdAt: c.created_at,
      settledAt: c.settled_at,
    })),
  };
}

/**
 * What /organizer/subscription shows: the organizer's own subscription, or, for an admin,
 * that of the organizer they name (none named: the plan alone).
 */
export async function subscriptionPage(deps: Pick<Deps, 'db' | 'clock'>, viewer: Actor, organizer: string | undefined) {
  const plan = await planSettings(deps);
  const terms = { amountPaise: plan.amountPaise, periodDays: plan.periodDays, listings: plan.listings };
  if (viewer.role !== 'admin') return { organizerName: null, sub: await subscriptionOf(deps, viewer.id), plan: terms };
  if (!organizer) return { organizerName: null, sub: null, plan: terms };
  const account = await getAccount(deps, Number(organizer) || 0);
  if (account.role !== 'organizer') throw new NotFoundError();
  return {
    organizerName: account.org_display_name ?? account.name,
    sub: await subscriptionOf(deps, account.id),
    plan: terms,
  };
}
