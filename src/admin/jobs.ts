import { Cron } from 'croner';
import type { Deps } from '../deps.js';
import { DAY } from '../lib/clock.js';
import { audit } from '../lib/audit.js';
import { NotFoundError, Unavailable } from '../lib/errors.js';
import { ZONE } from '../lib/time.js';
import type { Job } from '../lib/jobs.js';
import { failuresSince, lastRuns, recentRuns, type JobRunRow } from './jobs-queries.js';

export interface JobSummary {
  name: string;
  cron: string;
  nextRun: string | null;
  last: JobRunRow | null;
  failuresToday: number;
}

/** Every scheduled job with its next and last run, and the latest runs (of one job, if named). */
export async function jobsOverview(deps: Deps, schedule: Job[], only?: string) {
  const now = deps.clock.now();
  const [last, failures, runs] = await Promise.all([
    lastRuns(deps.db),
    failuresSince(deps.db, new Date(now.getTime() - DAY).toISOString()),
    recentRuns(
      deps.db,
      100,
      only ? { name: only } : { hideOkOf: schedule.filter((j) => j.frequent).map((j) => j.name) },
    ),
  ]);
  const jobs: JobSummary[] = schedule.map((j) => ({
    name: j.name,
    cron: j.cron,
    nextRun: new Cron(j.cron, { timezone: ZONE, paused: true }).nextRun(now)?.toISOString() ?? null,
    last: last.find((r) => r.name === j.name) ?? null,
    failuresToday: failures.find((f) => f.name === j.name)?.n ?? 0,
  }));
  return { jobs, runs, hidden: only ? [] : schedule.filter((j) => j.frequent).map((j) => j.name) };
}

/** How long "run now" waits for the outcome before answering "still running". */
const WAIT_MS = 5_000;

/**
 * Runs a job by hand through the scheduler (so it is recorded and never overlaps a
 * scheduled run), and audits who asked. Returns the outcome, or 'running' if it is long.
 */
export async function runJobNow(
  deps: Deps,
  actorId: number,
  schedule: Job[],
  name: string,
): Promise<'ok' | 'failed' | 'skipped' | 'running'> {
  if (!schedule.some((j) => j.name === name)) throw new NotFoundError();
  if (!deps.runJob) throw new Unavailable('The scheduler is not running in this process.');
  await audit(deps.db, deps.clock, { actorId, action: 'job.run_by_hand', targetType: 'job', targetId: name });
  const run = deps.runJob(name);
  const timeout = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), WAIT_MS).unref());
  return Promise.race([run, timeout]);
}
