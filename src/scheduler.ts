import { Cron } from 'croner';
import type { Deps } from './deps.js';
import { ZONE } from './lib/time.js';
import { recordedRun, type Job } from './lib/jobs.js';
import * as bookings from './bookings/jobs.js';

/**
 * The schedule, and nothing else: cron expression (Asia/Kolkata) → a feature's job.
 * Each job is safe to run twice and safe to be killed midway.
 */
export const SCHEDULE: Job[] = [
  { name: 'bookings.expire-holds', cron: '* * * * *', run: bookings.expireHolds },
  { name: 'bookings.trip-reminders', cron: '0 18 * * *', run: bookings.sendTripReminders },
  { name: 'bookings.retry-refunds', cron: '*/10 * * * *', run: bookings.retryRefunds },
];

export interface Scheduler {
  stop(): void;
  /** Run one job now (admin "run by hand", tests); recorded like a scheduled run. */
  runNow(name: string): Promise<void>;
  jobs: Cron[];
}

export function startScheduler(deps: Deps, jobs: Job[] = SCHEDULE): Scheduler {
  const running = new Set<string>();
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.cron,
        { timezone: ZONE, protect: true, name: job.name, catch: (err) => deps.log.error({ err, job: job.name }, 'job crashed') },
        async () => {
          await recordedRun(deps, job, running);
        },
      ),
  );
  return {
    jobs: crons,
    stop() {
      for (const c of crons) c.stop();
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      await recordedRun(deps, job, running);
    },
  };
}
