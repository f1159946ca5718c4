import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { DAY, type Clock } from '../lib/clock.js';
import { breathe } from '../lib/jobs.js';
import { daysBetween, istDate } from '../lib/time.js';
import { getSettings } from '../lib/settings.js';
import { subscriptionChanged } from '../live/service.js';
import { planOf, planSettings, SUBSCRIPTION_PAGE } from './plan.js';
import { dueNotice, tell } from './notices.js';
import * as q from './queries.js';
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
    await tell(trx, deps, trial, 'trial-ending', {
      subject: `Your TrekTribe trial ends ${daysLeft <= 0 ? 'today' : `in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}`}`,
      text: trialEndingText(p),
      html: trialEndingHtml(p),
      sms: trialEndingSms(p),
    });
    return true;
  });
}

/** Closes an ended trial that nobody paid for (a first payment through auto-pay set-up makes the subscription active before). */
async function endTrial(deps: Ctx, trial: q.TrialRow): Promise<boolean> {
  const { db, clock, config } = deps;
  return db.transaction().execute(async (trx) => {
    const now = clock.now().toISOString();
    if (!(await q.setStatusFrom(trx, trial.id, 'trial', 'inactive', now))) return false;
    if (await q.recordNotice(trx, { subscriptionId: trial.id, kind: 'trial-ended', about: trial.trial_ends_at, now })) {
      const p = { name: trial.name, endsAt: trial.trial_ends_at, link: `${config.publicUrl}${SUBSCRIPTION_PAGE}` };
      await tell(trx, deps, trial, 'trial-ended', {
        subject: 'Your TrekTribe trial has ended',
        text: trialEndedText(p),
        html: trialEndedHtml(p),
        sms: trialEndedSms(p),
      });
    }
    return true;
  });
}
