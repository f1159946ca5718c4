import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { DAY, type Clock } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import type { Actor } from '../auth/permissions.js';
import { getAccount } from '../auth/service.js';
import { audit } from '../lib/audit.js';
import { subscriptionChanged } from '../live/service.js';
import { breathe } from '../lib/jobs.js';
import { daysBetween, istDate } from '../lib/time.js';
import { getSettings, putSetting, type SettingKey, type Settings } from '../lib/settings.js';
import { enqueue } from '../notifications/outbox.js';
import * as q from './queries.js';
import type { PlanInput } from './schemas.js';
import type { ChargeStatus, SubscriptionStatus } from './tables.js';
import {
  trialEndedHtml,
  trialEndedSms,
  trialEndedText,
  trialEndingHtml,
  trialEndingSms,
  trialEndingText,
} from '../../views/billing/emails.js';

type Db = Kysely<Database>;
type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

export const SUBSCRIPTION_PAGE = '/organizer/subscription';

/** What a period of the plan costs and gives. */
export interface PlanTerms {
  amountPaise: number;
  periodDays: number;
  listings: number;
}

/** The plan as an admin sets it (settings), with the trial and the auto-pay rules. */
export interface PlanSettings extends PlanTerms {
  trialDays: number;
  chargeAttempts: number;
  chargeRetryDays: number;
  chargeReminderDays: number[];
  trialNoticeDays: number[];
}

/** Where each part of the plan is kept in the settings. */
const SETTING_OF = {
  amountPaise: 'planAmountPaise',
  periodDays: 'planPeriodDays',
  listings: 'planListings',
  trialDays: 'trialDays',
  chargeAttempts: 'chargeAttempts',
  chargeRetryDays: 'chargeRetryDays',
  chargeReminderDays: 'chargeReminderDays',
  trialNoticeDays: 'trialNoticeDays',
} as const satisfies Record<keyof PlanSettings, SettingKey>;

const PLAN_KEYS = Object.keys(SETTING_OF) as (keyof PlanSettings)[];

const planOf = (s: Settings): PlanSettings =>
  Object.fromEntries(PLAN_KEYS.map((k) => [k, s[SETTING_OF[k]]])) as unknown as PlanSettings;

export async function planSettings(deps: Pick<Deps, 'db'>): Promise<PlanSettings> {
  return planOf(await getSettings(deps.db));
}

/** The organizer's trips are shown to travelers in these states (past due: while charges are retried). */
const GOOD_STANDING: readonly SubscriptionStatus[] = ['trial', 'active', 'past_due'];

// ---------------------------------------------------------------- trial

/**
 * Starts the organizer's free trial, unless they have a subscription already. Called at
 * every organizer sign-in, in the caller's transaction; the unique organizer_id makes two
 * sign-ins at once start one trial. An organizer who signed in before billing existed gets
 * their trial at their next sign-in.
 */
export async function startTrial(db: Db, clock: Clock, organizerId: number): Promise<boolean> {
  if (await q.findSubscription(db, organizerId)) return false;
  const plan = planOf(await getSettings(db));
  const now = clock.now();
  const ends = new Date(now.getTime() + plan.trialDays * DAY).toISOString();
  return q.insertSubscriptionOnce(db, {
    organizer_id: organizerId,
    status: 'trial',
    trial_ends_at: ends,
    current_period_start: now.toISOString(),
    current_period_end: ends,
    next_charge_at: null,
    // The trial is the first period: free, as long as the trial setting, with the plan's listings.
    amount_paise: 0,
    period_days: plan.trialDays,
    listings: plan.listings,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  });
}

// ---------------------------------------------------------------- the organizer's page

export interface ChargeItem {
  id: number;
  periodStart: string;
  amountPaise: number;
  status: ChargeStatus;
  attempt: number;
  createdAt: string;
  settledAt: string | null;
}

export interface SubscriptionView {
  status: SubscriptionStatus;
  trialEndsAt: string;
  /** The trial's end has passed but the daily job has not closed it yet. */
  trialOver: boolean;
  periodStart: string;
  periodEnd: string;
  /** India calendar days until the running period ends (0 on its last day). */
  daysLeft: number;
  nextChargeAt: string | null;
  /** The terms of the running period. */
  running: PlanTerms;
  /** The terms the next period would start on (the settings now). */
  next: PlanTerms;
  charges: ChargeItem[];
}

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
    daysLeft: Math.max(0, daysBetween(istDate(now), istDate(new Date(sub.current_period_end)))),
    nextChargeAt: sub.next_charge_at,
    running: { amountPaise: sub.amount_paise, periodDays: sub.period_days, listings: sub.listings },
    next: { amountPaise: plan.amountPaise, periodDays: plan.periodDays, listings: plan.listings },
    charges: charges.map((c) => ({
      id: c.id,
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

// ---------------------------------------------------------------- listings

/**
 * Refuses one more active trip beyond what the organizer's running period includes, and
 * any while their subscription is not in good standing. `activeTrips` is how many they have
 * active now (the trips feature counts its own). Without a subscription (signed in before
 * billing existed), the plan's listings apply.
 */
export async function ensureListingRoom(db: Db, organizerId: number, activeTrips: number): Promise<void> {
  const sub = await q.findSubscription(db, organizerId);
  if (sub && !GOOD_STANDING.includes(sub.status)) {
    throw new Conflict(
      'Your subscription is not active, so travelers cannot see your trips and no trip can be published.',
    ).withLink(SUBSCRIPTION_PAGE, 'See your subscription');
  }
  const included = sub ? sub.listings : (await getSettings(db)).planListings;
  if (activeTrips >= included) {
    throw new Conflict(
      `Your plan includes ${included} active ${included === 1 ? 'trip' : 'trips'} and you have ${activeTrips}. Deactivate one first to publish this one.`,
    ).withLink(SUBSCRIPTION_PAGE, 'See your plan');
  }
}

// ---------------------------------------------------------------- admin: plan settings

/** Saves the plan settings; running periods keep their terms, the next ones take these. Audited. */
export async function changePlan(deps: Pick<Deps, 'db' | 'clock'>, actorId: number, input: PlanInput): Promise<void> {
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const before = planOf(await getSettings(trx));
    const after: PlanSettings = input;
    const changed = PLAN_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    for (const k of changed) await putSetting(trx, clock, SETTING_OF[k], after[k] as never);
    await audit(trx, clock, {
      actorId,
      action: 'settings.plan_changed',
      targetType: 'settings',
      targetId: 'plan',
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  });
}

// ---------------------------------------------------------------- trial notices (job)

/**
 * The daily trial job: tells each organizer whose trial ends soon (the configured days
 * before, each once), and closes the trials that have ended. Without auto-pay set up (none
 * can be yet) an ended trial makes the subscription inactive, which hides the organizer's
 * trips from travelers; their bookings stay as they are. Safe to run twice: a notice is
 * recorded under a unique key in the transaction that queues it, and a trial is closed by a
 * conditional update.
 */
export async function sendTrialNotices(deps: Ctx): Promise<string> {
  const { db, clock } = deps;
  const plan = await planSettings(deps);
  const now = clock.now();
  const horizon = new Date(now.getTime() + (Math.max(0, ...plan.trialNoticeDays) + 1) * DAY).toISOString();
  let told = 0;
  let ended = 0;
  for (const trial of await q.trialsEndingBefore(db, horizon)) {
    if (trial.trial_ends_at <= now.toISOString()) {
      const closed = await endTrial(deps, trial);
      if (closed) await subscriptionChanged(deps, trial.organizer_id);
      ended += Number(closed);
    } else told += Number(await noticeTrialEnding(deps, trial, plan.trialNoticeDays));
    await breathe();
  }
  return `sent ${told} trial notices, ended ${ended} trials`;
}

/**
 * The notice due now: the nearest configured day at or after the days left (a day the job
 * missed is made up by the next notice, never by several at once).
 */
function dueNotice(daysLeft: number, noticeDays: number[]): number | null {
  const due = noticeDays.filter((d) => d >= daysLeft);
  return due.length ? Math.min(...due) : null;
}

async function noticeTrialEnding(deps: Ctx, trial: q.TrialRow, noticeDays: number[]): Promise<boolean> {
  const { db, clock, config } = deps;
  const daysLeft = daysBetween(istDate(clock.now()), istDate(new Date(trial.trial_ends_at)));
  const due = dueNotice(daysLeft, noticeDays);
  if (due === null) return false;
  return db.transaction().execute(async (trx) => {
    if (
      !(await q.recordNotice(trx, {
        subscriptionId: trial.id,
        kind: 'trial-ending',
        about: `${trial.trial_ends_at}/${due}`,
        now: clock.now().toISOString(),
      }))
    )
      return false;
    const p = {
      name: trial.name,
      endsAt: trial.trial_ends_at,
      daysLeft,
      link: `${config.publicUrl}${SUBSCRIPTION_PAGE}`,
    };
    await tell(trx, clock, trial, 'trial-ending', {
      subject: `Your TrekTribe trial ends ${daysLeft <= 0 ? 'today' : `in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}`}`,
      text: trialEndingText(p),
      html: trialEndingHtml(p),
      sms: trialEndingSms(p),
    });
    return true;
  });
}

/** Closes an ended trial. Auto-pay does not exist yet, so every ended trial goes inactive. */
async function endTrial(deps: Ctx, trial: q.TrialRow): Promise<boolean> {
  const { db, clock, config } = deps;
  return db.transaction().execute(async (trx) => {
    const now = clock.now().toISOString();
    if (!(await q.setStatusFrom(trx, trial.id, 'trial', 'inactive', now))) return false;
    if (await q.recordNotice(trx, { subscriptionId: trial.id, kind: 'trial-ended', about: trial.trial_ends_at, now })) {
      const p = { name: trial.name, endsAt: trial.trial_ends_at, link: `${config.publicUrl}${SUBSCRIPTION_PAGE}` };
      await tell(trx, clock, trial, 'trial-ended', {
        subject: 'Your TrekTribe trial has ended',
        text: trialEndedText(p),
        html: trialEndedHtml(p),
        sms: trialEndedSms(p),
      });
    }
    return true;
  });
}

/** Email, and an SMS when the organizer's phone is verified; nothing to a closed account. */
async function tell(
  trx: Db,
  clock: Clock,
  to: q.TrialRow,
  template: string,
  m: { subject: string; text: string; html: string; sms: string },
) {
  if (to.user_status !== 'active') return;
  await enqueue(trx, clock, {
    channel: 'email',
    to: to.email,
    template,
    subject: m.subject,
    text: m.text,
    html: m.html,
  });
  if (to.phone && to.phone_verified_at)
    await enqueue(trx, clock, { channel: 'sms', to: to.phone, template, text: m.sms });
}
