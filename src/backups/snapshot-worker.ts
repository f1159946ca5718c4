/**
 * The backup's thread (snapshot.ts): copies the database with a connection of its own and
 * checks the copy, so neither the copy of a large database nor its integrity check (both
 * seconds of CPU and disk per gigabyte) stops the event loop that serves bookings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { integrityCheck, openFile, vacuumInto } from './queries.js';

export interface SnapshotWorkerData {
  source: string;
  dest: string;
}

export type SnapshotResult = { bytes: number; integrity: string } | { error: string };

const { source, dest } = workerData as SnapshotWorkerData;
let result: SnapshotResult;
try {
  const from = openFile(source, { readonly: true });
  try {
    vacuumInto(from, dest);
  } finally {
    from.close();
  }
  const copy = openFile(dest, { readonly: true });
  try {
    result = { bytes: statSync(dest).size, integrity: integrityCheck(copy) };
  } finally {
    copy.close();
  }
} catch (err) {
  result = { error: err instanceof Error ? err.message : String(err) };
}
parentPort!.postMessage(result);
