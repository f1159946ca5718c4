import type { Deps } from '../deps.js';
import * as q from './queries.js';
import { sqliteOf } from '../db.js';
import { isStorageFull, storageFull } from './storage.js';

export interface Job {
  name: string;
  /** croner expression, read in Asia/Kolkata (six fields = with seconds). */
  cron: string;
  /** Runs every few seconds: its fine runs are left out of the admin's list of all runs. */
  frequent?: boolean;
  /** Returns a short note for the job_runs row ("sent 4, failed 1"). */
  run(deps: Deps): Promise<string | void>;
}

/**
 * Lets waiting requests in between two items of a job. better-sqlite3 is synchronous, so a
 * job that loops over rows (the outbox into the dev mailbox, expiring holds) would otherwise
 * run to its end in one go and stall every request behind it: 1,000 queued messages held
 * bookings up for seconds.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a job and records it in job_runs. A run that finds the same job still running is
 * recorded as skipped; a throwing run is recorded as failed and never stops the schedule.
 */
export async function recordedRun(deps: Deps, job: Job, running: Set<string>): Promise<'ok' | 'failed' | 'skipped'> {
  const { db, clock } = deps;
  const started = clock.now().toISOString();
  if (running.has(job.name)) {
    await recordSkip(deps, job);
    return 'skipped';
  }
  running.add(job.name);
  const id = await q.insertJobRun(db, {
    name: job.name,
    startedAt: started,
    finishedAt: null,
    outcome: 'running',
    detail: null,
  });
  try {
    const detail = await job.run(deps);
    await q.finishJobRun(db, id, { finishedAt: clock.now().toISOString(), outcome: 'ok', detail: detail ?? null });
    return 'ok';
  } catch (err) {
    logJobError(deps, err, job.name, 'job failed');
    const message = err instanceof Error ? err.message : String(err);
    await q.finishJobRun(db, id, {
      finishedAt: clock.now().toISOString(),
      outcome: 'failed',
      detail: message.slice(0, 2000),
    });
    return 'failed';
  } finally {
    running.delete(job.name);
  }
}

/**
 * A job's error in the log. On a full disk every run of every job fails (the outbox's every
 * 10 s): that is one episode, logged once with the requests' failures (lib/storage.ts).
 */
export function logJobError(deps: Pick<Deps, 'db' | 'log'>, err: unknown, job: string, msg: string): void {
  const sqlite = isStorageFull(err) ? sqliteOf(deps.db) : undefined;
  if (sqlite) storageFull(sqlite, deps.log, err);
  else deps.log.error({ err, job }, msg);
}

/** Records a run that did not start because the previous one was still going. */
export async function recordSkip(deps: Pick<Deps, 'db' | 'clock'>, job: Pick<Job, 'name'>): Promise<void> {
  const at = deps.clock.now().toISOString();
  await q.insertJobRun(deps.db, {
    name: job.name,
    startedAt: at,
    finishedAt: at,
    outcome: 'skipped',
    detail: 'previous run still in progress',
  });
}

/** Forgets runs older than the cut-offs (ISO): uneventful ones sooner than failures. */
export async function pruneJobRuns(
  db: Deps['db'],
  o: { uneventfulBefore: string; failedBefore: string },
): Promise<number> {
  return q.deleteJobRuns(db, o);
}
