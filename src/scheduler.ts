import { Cron } from 'croner';
import type { Deps } from './deps.js';
import { ZONE } from './lib/time.js';
import { logJobError, recordedRun, recordSkip, type Job } from './lib/jobs.js';
import { deliverDue } from './notifications/delivery.js';
import { housekeeping } from './platform/housekeeping.js';
import { purgeStaleAccountData } from './auth/jobs.js';
import * as bookings from './bookings/jobs.js';
import { retryRefunds } from './payments/refunds.js';
import { completeEndedTrips } from './trips/status.js';
import * as billing from './billing/jobs.js';
import { pruneLiveEvents } from './live/jobs.js';
import * as reviews from './reviews/jobs.js';
import * as support from './support/jobs.js';
import * as backups from './backups/jobs.js';
import type { Settings } from './lib/settings.js';

/**
 * The schedule, and nothing else: cron expression (Asia/Kolkata) → a feature's job.
 * Each job is safe to run twice and safe to be killed midway.
 */
export const SCHEDULE: Job[] = [
  // Every 10 seconds: a queued message reaches its recipient within seconds.
  { name: 'outbox', cron: '*/10 * * * * *', run: deliverDue, frequent: true },
  // 03:30 IST: forget old job runs and delivered messages.
  { name: 'housekeeping', cron: '30 3 * * *', run: housekeeping },
  // 03:35 IST: expired sessions, old rate-limit windows and spent one-time tokens.
  { name: 'account-housekeeping', cron: '35 3 * * *', run: purgeStaleAccountData },
  // Every minute: unpaid holds past their time release their seats.
  { name: 'bookings.expire-holds', cron: '* * * * *', run: bookings.expireHolds },
  // Every minute: waitlist offers past their time end; their seats are offered to the next entries.
  { name: 'bookings.waitlist-offers', cron: '* * * * *', run: bookings.expireWaitlistOffers },
  // Every 10 minutes: UPI proofs past their decide-by time remind the organizer, later release the seats.
  { name: 'bookings.overdue-proofs', cron: '*/10 * * * *', run: bookings.chaseOverdueProofs },
  // 18:00 IST: reminders for treks starting tomorrow.
  { name: 'bookings.trip-reminders', cron: '0 18 * * *', run: bookings.sendTripReminders },
  // 10:00 IST: balance reminders (7 and 2 days before the due date); unpaid balances cancelled after the grace.
  { name: 'bookings.balances', cron: '0 10 * * *', run: bookings.chaseBalances },
  // 02:00 IST: bookings and trips whose departures ended yesterday or before become completed.
  { name: 'bookings.complete-ended', cron: '0 2 * * *', run: bookings.completeEndedBookings },
  { name: 'trips.complete-ended', cron: '5 2 * * *', run: completeEndedTrips },
  // Every 10 minutes: refunds the gateway could not take yet.
  { name: 'payments.retry-refunds', cron: '*/10 * * * *', run: retryRefunds },
  // 09:00 IST: trials ending soon are told (7, 3, 1 days before); ended trials close.
  { name: 'billing.trial-notices', cron: '0 9 * * *', run: billing.sendTrialNotices },
  // Every hour at :15: published live events older than a day (past any reconnect).
  { name: 'live.prune-events', cron: '15 * * * *', run: pruneLiveEvents },
  // 10:00 IST: travelers back from a trek are asked for a review, once per booking.
  { name: 'reviews.invites', cron: '0 10 * * *', run: reviews.sendReviewInvites },
  // 02:00 IST: auto-pay charges every subscription due within the lead time (debits settle a day or more later).
  { name: 'billing.charge', cron: '0 2 * * *', run: billing.chargeDueSubscriptions },
  // 10:00 IST: payment reminders (7 and 3 days before a charge) and the pre-debit notice.
  { name: 'billing.reminders', cron: '0 10 * * *', run: billing.sendChargeReminders },
  // Hourly: charges still pending past their window are settled by asking Razorpay.
  { name: 'billing.reconcile', cron: '20 * * * *', run: (deps) => billing.reconcileCharges(deps) },
  // Hourly: tickets waiting on the customer for 7 days close themselves.
  { name: 'support.auto-close', cron: '15 * * * *', run: support.closeStaleTickets },
  // 02:30 IST (the backupTime setting): the database and stored files into DATA_DIR/backups.
  { name: 'backups.nightly', cron: '30 2 * * *', run: backups.nightlyBackup },
];

/** The schedule with the times that settings choose (read once, at start). */
export function scheduleFor(settings: Pick<Settings, 'backupTime'>, jobs: Job[] = SCHEDULE): Job[] {
  return jobs.map((j) => (j.name === 'backups.nightly' ? { ...j, cron: backups.dailyAt(settings.backupTime) } : j));
}

export interface Scheduler {
  /** No new runs start; resolves once the runs in progress have finished. */
  stop(): Promise<void>;
  /** Run one job now (admin "run by hand", tests); recorded like a scheduled run. */
  runNow(name: string): Promise<'ok' | 'failed' | 'skipped'>;
  jobs: Cron[];
}

export function startScheduler(deps: Deps, jobs: Job[] = SCHEDULE): Scheduler {
  const running = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.cron,
        {
          timezone: ZONE,
          name: job.name,
          // croner skips a tick while the previous run is still going; we record the skip.
          protect: () =>
            void recordSkip(deps, job).catch((err) =>
              logJobError(deps, err, job.name, 'could not record a skipped run'),
            ),
          catch: (err) => logJobError(deps, err, job.name, 'job crashed'),
        },
        async () => {
          await track(recordedRun(deps, job, running));
        },
      ),
  );
  return {
    jobs: crons,
    async stop() {
      for (const c of crons) c.stop();
      await Promise.allSettled([...inFlight]);
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return track(recordedRun(deps, job, running));
    },
  };
}
