import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { checkpointAndTruncateWal } from './queries.js';

/**
 * A full disk under DATA_DIR: SQLite answers SQLITE_FULL when a commit cannot append to the
 * WAL (or a checkpoint cannot grow the database file). Nothing of that transaction was written
 * (SQLite rolls it back itself). The user gets a 503 page ("briefly unable to save"), the
 * error is logged once when the episode starts and once when writes succeed again, and
 * /healthz answers 503 meanwhile.
 */
export const isStorageFull = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || (typeof err === 'string' && err.includes('database or disk is full'));
};

export const STORAGE_FULL_MESSAGE =
  'We are briefly unable to save anything. Nothing was changed: please try again in a few minutes.';

interface Episode {
  log: Pick<Logger, 'info' | 'error'>;
  /** Commits since the last failure. */
  commits: number;
}

/**
 * On a nearly full disk small commits can go through while larger ones fail: the episode ends
 * only after this many commits in a row, not at the first small one (which would log it again
 * at the next failure, and so on).
 */
const COMMITS_TO_RECOVER = 20;

/** Per database connection (the better-sqlite3 handle): the episode going on, if any. */
const episodes = new WeakMap<object, Episode>();

/** A write failed for want of space: the first failure of an episode is logged, with the error. */
export function storageFull(connection: object, log: Pick<Logger, 'info' | 'error'>, err: unknown): void {
  const episode = episodes.get(connection);
  if (episode) {
    episode.commits = 0;
    return;
  }
  episodes.set(connection, { log, commits: 0 });
  log.error(
    { err },
    'the database cannot be written: the disk under DATA_DIR is full (writes answer 503 until space returns)',
  );
}

/** A write was committed: an episode, if one was going on, ends after enough of them in a row. */
export function storageWritten(connection: object): void {
  const episode = episodes.get(connection);
  if (!episode || ++episode.commits < COMMITS_TO_RECOVER) return;
  episodes.delete(connection);
  episode.log.info('the database can be written again');
}

export const storageIsFull = (connection: object): boolean => episodes.has(connection);

/**
 * Checkpoints the whole WAL into the database file and truncates it: older versions of pages
 * leave the disk, and the WAL's space goes back to the file system. Another checkpoint running
 * at that moment (the checkpoint thread's, every second) makes SQLite answer "busy" at once
 * instead of waiting, so it tries `tries` times, 50 ms apart (a reader of another process makes
 * each try wait busy_timeout first). False if it never finished: the next checkpoint still
 * overwrites those frames.
 */
export async function emptyWal(db: Kysely<Database>, tries = 40): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 50));
    if (await checkpointAndTruncateWal(db)) return true;
  }
  return false;
}
