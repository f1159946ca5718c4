/**
 * The checkpoint thread of checkpointer.ts: its own connection to the database file, a
 * PASSIVE checkpoint every `everyMs`, and a last one when told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  everyMs: number;
}

const { file, everyMs } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = new Database(file);
db.pragma('synchronous = NORMAL');
// Like every connection of ours (db.ts): nothing it frees is left readable in the file.
db.pragma('secure_delete = ON');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (err) {
    port.postMessage({ error: String(err) });
  }
}, everyMs);
port.on('message', () => {
  clearInterval(timer);
  try {
    checkpoint();
  } finally {
    db.close();
    port.close();
  }
});
