import type { Deps } from '../deps.js';
import { sqliteOf } from '../db.js';
import { isoNow } from '../lib/clock.js';
import { isStorageFull, storageFull, storageIsFull } from '../lib/storage.js';
import { ping, rewriteProbe, truncateWal } from './queries.js';

export type DbHealth = 'ok' | 'full' | 'unavailable';

/** How long an answer of /healthz stands: a monitor polling it often costs one probe a second. */
const CACHE_MS = 1_000;
/** About what a booking's commit appends to the WAL. */
const PROBE_BYTES = 64 * 1024;

const lastAnswer = new WeakMap<Deps['db'], { at: number; health: DbHealth }>();

/**
 * Whether the database answers and can be written. Only a commit shows whether the disk has
 * room for the WAL to grow (a read, or BEGIN IMMEDIATE and ROLLBACK, succeeds on a full disk),
 * so this rewrites the probe row in a transaction of its own. While the disk has been full it
 * first checkpoints and truncates the WAL: once there is room again, that gives the WAL's space
 * back, so the first writes after it do not fill the disk again.
 */
export async function dbHealth(deps: Pick<Deps, 'db' | 'clock' | 'log'>): Promise<DbHealth> {
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
    await ping(deps.db);
    if (sqlite && storageIsFull(sqlite)) await truncateWal(deps.db).catch(() => undefined);
    await deps.db.transaction().execute((trx) => rewriteProbe(trx, isoNow(deps.clock), PROBE_BYTES));
    return 'ok';
  } catch (err) {
    if (!isStorageFull(err)) return 'unavailable';
    if (sqlite) storageFull(sqlite, deps.log, err);
    return 'full';
  }
}
