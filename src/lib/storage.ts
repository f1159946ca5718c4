import type { Logger } from 'pino';

/**
 * A full disk under DATA_DIR: SQLite answers SQLITE_FULL when a commit cannot append to the
 * WAL (or a checkpoint cannot grow the database file). Nothing of that transaction was written
 * (SQLite rolls it back itself). The user gets a 503 page ("briefly unable to save"), the
 * error is logged once when the episode starts and once when a write succeeds again, and
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
}

/** Per database connection (the better-sqlite3 handle): the episode going on, if any. */
const episodes = new WeakMap<object, Episode>();

/** A write failed for want of space: the first failure of an episode is logged, with the error. */
export function storageFull(connection: object, log: Pick<Logger, 'info' | 'error'>, err: unknown): void {
  if (episodes.has(connection)) return;
  episodes.set(connection, { log });
  log.error(
    { err },
    'the database cannot be written: the disk under DATA_DIR is full (writes answer 503 until space returns)',
  );
}

/** A write was committed: an episode, if one was going on, is over. */
export function storageWritten(connection: object): void {
  const episode = episodes.get(connection);
  if (!episode) return;
  episodes.delete(connection);
  episode.log.info('the database can be written again');
}

export const storageIsFull = (connection: object): boolean => episodes.has(connection);
