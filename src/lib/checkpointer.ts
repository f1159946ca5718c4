import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { spawnWorker, workerModule } from './worker.js';
import type Sqlite from 'better-sqlite3';
import type { Logger } from 'pino';
import type { CheckpointWorkerData } from './checkpoint-worker.js';
import { isStorageFull, storageFull } from './storage.js';

/**
 * WAL checkpoints on a thread of their own. SQLite appends each commit to the WAL, and by
 * default the connection that commits past 1,000 pages copies the WAL back into the database
 * and fsyncs both, there and then: with better-sqlite3 that is the event loop, stopped for
 * ~11 ms every ~80 bookings (over half of all the time spent committing). This thread's own
 * connection checkpoints every `everyMs` instead, PASSIVE (it never waits for or blocks a
 * writer), so the fsyncs happen off the event loop and on the other core.
 *
 * The request connection keeps an automatic checkpoint, only much later (SAFETY_PAGES), so
 * the WAL stays bounded should this thread ever stop; a WAL larger than JOURNAL_LIMIT is cut
 * back to it once checkpointed.
 */
const SAFETY_PAGES = 20_000;
const JOURNAL_LIMIT = 64 * 1024 * 1024;
/**
 * Once a second. A checkpoint copies each page changed since the last one once, however
 * often it changed, and fsyncs: every 200 ms, the pages every booking touches (its departure's
 * seat count, the tails of the indexes) were copied and synced five times as often, on the core
 * the event loop shares with everything else; at 1 s bench/compare.ts gave 5–18 % more
 * bookings per second with 50 clients.
 * The price: with `synchronous = NORMAL` (db.ts) SQLite syncs the WAL only when it
 * checkpoints, so a power cut or a crash of the OS (not of this process: the OS keeps its
 * writes) can take back the commits of the last second at most, instead of 200 ms.
 */
const EVERY_MS = 1000;

/** The thread's code: checkpoint-worker.js next to this file in the build, checkpoint-worker.ts in the source. */
const WORKER = workerModule(import.meta.url, 'checkpoint-worker');

/**
 * Below this much free space on the database's file system, the WAL is kept small. Between two
 * checkpoints of the thread the WAL holds a second of commits (at 20 bookings a second, about
 * 2 MB), and it is reused from its start only once a checkpoint has copied all of it into the
 * database file, which must grow for that. On a nearly full disk the WAL took whatever space
 * there was, the checkpoint then had no room to grow the database, and every commit failed
 * until far more space was freed.
 */
const LOW_SPACE_BYTES = 64 * 1024 * 1024;
/** On low space, the committing connection checkpoints itself once the WAL passes this (256 KB). */
const LOW_SPACE_PAGES = 64;

/**
 * Checks the free space every `everyMs` and switches the request connection's automatic
 * checkpoint between its normal value (SAFETY_PAGES: the thread does the work) and
 * LOW_SPACE_PAGES (each commit past 256 KB of WAL checkpoints there and then, so the WAL
 * restarts from its start instead of growing). A statfs costs microseconds, off the event loop.
 */
function watchFreeSpace(sqlite: Sqlite.Database, everyMs: number, pages: { normal: number }): NodeJS.Timeout {
  let low = false;
  const check = async () => {
    const s = await statfs(dirname(sqlite.name)).catch(() => null);
    if (!s || !sqlite.open) return;
    const nowLow = s.bavail * s.bsize < LOW_SPACE_BYTES;
    if (nowLow === low) return;
    low = nowLow;
    sqlite.pragma(`wal_autocheckpoint = ${low ? LOW_SPACE_PAGES : pages.normal}`);
  };
  void check();
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return timer;
}

export interface Checkpointer {
  /** Last checkpoint, then the thread ends; resolves when it has. */
  stop(): Promise<void>;
}

/** Checkpoints the database file `sqlite` has open (its `name`), from a connection of the thread's own. */
export function startCheckpointer(
  sqlite: Sqlite.Database,
  log: Pick<Logger, 'error' | 'info'>,
  everyMs = EVERY_MS,
): Checkpointer {
  const worker = spawnWorker(WORKER, { file: sqlite.name, everyMs } satisfies CheckpointWorkerData);
  sqlite.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  sqlite.pragma(`journal_size_limit = ${JOURNAL_LIMIT}`);
  const pages = { normal: SAFETY_PAGES };
  const watch = watchFreeSpace(sqlite, everyMs, pages);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Should the thread fail, the request connection checkpoints as often as SQLite's default.
  const fallBack = (err: unknown) => {
    log.error({ err }, 'WAL checkpoint thread failed; checkpointing on the main thread');
    pages.normal = 1000;
    if (sqlite.open && (sqlite.pragma('wal_autocheckpoint', { simple: true }) as number) > 1000)
      sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  // On a full disk the checkpoint fails every second: that is the same episode as the failed
  // writes, logged once (lib/storage.ts).
  worker.on('message', (m: { error?: string }) => {
    if (!m.error) return;
    if (isStorageFull(m.error)) storageFull(sqlite, log, m.error);
    else log.error({ err: m.error }, 'WAL checkpoint failed');
  });
  return {
    async stop() {
      clearInterval(watch);
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await worker.terminate();
    },
  };
}
