import { spawnWorker, workerModule } from '../lib/worker.js';
import type { SnapshotResult, SnapshotWorkerData } from './snapshot-worker.js';

const WORKER = workerModule(import.meta.url, 'snapshot-worker');

/**
 * Copies the database file `source` to `dest` (online and consistent: see vacuumInto) and
 * checks the copy, on a thread of its own. Resolves with the copy's size once it is checked.
 */
export function snapshotDatabase(source: string, dest: string): Promise<{ bytes: number }> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(WORKER, { source, dest } satisfies SnapshotWorkerData);
    let answered = false;
    worker.once('message', (r: SnapshotResult) => {
      answered = true;
      if ('error' in r) reject(new Error(`the database could not be copied: ${r.error}`));
      else if (r.integrity !== 'ok')
        reject(new Error(`the copy of the database failed its integrity check: ${r.integrity}`));
      else resolve({ bytes: r.bytes });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the backup thread stopped (exit code ${code}) before the copy was done`));
    });
  });
}
