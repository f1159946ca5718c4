import type { Deps } from '../deps.js';
import { BACKUP_STALE_MS, newestBackup } from '../backups/service.js';
import { outboxStatusCounts } from '../notifications/service.js';
import { storageStatus, uptimeSeconds } from '../platform/service.js';
import { SCHEDULE } from '../scheduler.js';
import { VERSION } from '../version.js';
import { jobsOverview } from './jobs.js';
import type { SystemOverview } from './types.js';

/** The nightly backup's job name (src/scheduler.ts). */
const BACKUP_JOB = 'backups.nightly';
/** Free space below this is flagged: a day of bookings, the WAL and a backup need room. */
const LOW_DISK_BYTES = 1024 ** 3;

/** What an operator checks on /admin/system: storage, backups, the outbox, the jobs, the version. */
export async function systemOverview(deps: Deps): Promise<SystemOverview> {
  const [storage, backup, outbox, { jobs }] = await Promise.all([
    storageStatus(deps),
    newestBackup(deps.config.dataDir),
    outboxStatusCounts(deps),
    jobsOverview(deps, SCHEDULE),
  ]);
  const backupRun = jobs.find((j) => j.name === BACKUP_JOB)?.last ?? null;
  const age = backup ? deps.clock.now().getTime() - Date.parse(backup.takenAt) : null;
  const backupWarning =
    backupRun?.outcome === 'failed'
      ? `The last backup run failed: ${backupRun.detail ?? 'see /admin/jobs'}.`
      : !backup
        ? 'No backup has been taken yet.'
        : age! > BACKUP_STALE_MS
          ? `The newest backup is ${Math.floor(age! / 3_600_000)} hours old: the nightly one has not run.`
          : null;
  return {
    version: VERSION,
    uptimeSeconds: uptimeSeconds(),
    storage,
    lowDisk: storage.freeBytes !== null && storage.freeBytes < LOW_DISK_BYTES,
    backup,
    backupRun,
    backupWarning,
    outbox,
    jobs,
  };
}
