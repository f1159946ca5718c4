import { stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BACKUP_STALE_MS, newestBackup } from '../backups/service.js';
import type { Deps } from '../deps.js';
import { sqliteOf } from '../db.js';
import { isoNow } from '../lib/clock.js';
import { emptyWal, isStorageFull, storageFull, storageIsFull } from '../lib/storage.js';
import { installedAt, ping, rewriteProbe } from './queries.js';

export type DbHealth = 'ok' | 'full' | 'unavailable';

const startedAt = Date.now();
/** Seconds since this process loaded. */
export const uptimeSeconds = () => Math.round((Date.now() - startedAt) / 1000);

/** How long an answer of /healthz stands: a monitor polling it often costs one probe a second. */
const CACHE_MS = 1_000;
/** About what a booking's commit appends to the WAL. */
const PROBE_BYTES = 64 * 1024;
/** Room for a burst of commits (a second of bookings) before the next checkpoint. */
const MIN_FREE_BYTES = 1024 * 1024;

const lastAnswer = new WeakMap<Deps['db'], { at: number; health: DbHealth }>();

/**
 * Whether the database answers and can be written: the file system has room left, and a commit
 * goes through (a read, or BEGIN IMMEDIATE and ROLLBACK, succeeds on a full disk; a commit is
 * what fails, also when the database has reached its size limit), so this rewrites the probe
 * row in a transaction of its own (at most once a second). While the disk has been full it
 * first checkpoints and truncates the WAL: once there is room again, that gives the WAL's space
 * back, so the first writes after it do not fill the disk again.
 */
export async function dbHealth(deps: Pick<Deps, 'db' | 'clock' | 'log'>): Promise<DbHealth> {
  // Whether it answers, every time (the benches compare pages with this request's rate).
  try {
    await ping(deps.db);
  } catch {
    return 'unavailable';
  }
  const now = deps.clock.now().getTime();
  const cached = lastAnswer.get(deps.db);
  if (cached && now - cached.at < CACHE_MS) return cached.health;
  const health = await probe(deps);
  lastAnswer.set(deps.db, { at: now, health });
  return health;
}

async function probe(deps: Pick<Deps, 'db' | 'clock' | 'log'>): Promise<DbHealth> {
  const sqlite = sqliteOf(deps.db);
  try {
    // A commit can still go through on a full disk, into WAL space that a checkpoint freed,
    // while the next ones fail: with less than this left, the database cannot take writes.
    const free = sqlite && sqlite.name !== ':memory:' ? await statfs(dirname(sqlite.name)).catch(() => null) : null;
    if (free && free.bavail * free.bsize < MIN_FREE_BYTES) return 'full';
    if (sqlite && storageIsFull(sqlite)) await emptyWal(deps.db, 1).catch(() => false);
    await deps.db.transaction().execute((trx) => rewriteProbe(trx, isoNow(deps.clock), PROBE_BYTES));
    return 'ok';
  } catch (err) {
    if (!isStorageFull(err)) return 'unavailable';
    if (sqlite) storageFull(sqlite, deps.log, err);
    return 'full';
  }
}

export interface StorageStatus {
  databaseBytes: number;
  walBytes: number;
  /** Of the file system DATA_DIR is on; null where it cannot be read. */
  freeBytes: number | null;
  totalBytes: number | null;
}

/** The database file, its WAL, and the room left where DATA_DIR lives. */
export async function storageStatus(deps: Pick<Deps, 'config'>): Promise<StorageStatus> {
  const file = join(deps.config.dataDir, 'trektribe.db');
  const size = (f: string) =>
    stat(f).then(
      (s) => s.size,
      () => 0,
    );
  const [databaseBytes, walBytes, fs] = await Promise.all([
    size(file),
    size(`${file}-wal`),
    statfs(deps.config.dataDir).catch(() => null),
  ]);
  return {
    databaseBytes,
    walBytes,
    freeBytes: fs ? fs.bavail * fs.bsize : null,
    totalBytes: fs ? fs.blocks * fs.bsize : null,
  };
}

export type BackupHealth = 'ok' | 'stale' | 'none';

/**
 * Whether the newest backup is fresh (at most 36 h old). A database set up less than 36 h ago
 * with no backup yet is fine: its first nightly backup has not come round.
 */
export async function backupHealth(deps: Pick<Deps, 'config' | 'db' | 'clock'>): Promise<BackupHealth> {
  const now = deps.clock.now().getTime();
  const newest = await newestBackup(deps.config.dataDir);
  if (newest) return now - Date.parse(newest.takenAt) <= BACKUP_STALE_MS ? 'ok' : 'stale';
  const since = await installedAt(deps.db);
  return since && now - Date.parse(since) > BACKUP_STALE_MS ? 'none' : 'ok';
}
