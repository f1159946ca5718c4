import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Deps } from '../deps.js';
import { getSetting } from '../lib/settings.js';
import { DAY } from '../lib/clock.js';
import { istDate } from '../lib/time.js';
import { snapshotDatabase } from './snapshot.js';
import { deleteOffsite, listOffsite, offsiteLabel, uploadBackup } from './offsite.js';
import {
  DATABASE,
  FILE_STORES,
  backupsDir,
  databaseFile,
  dateOfStamp,
  exists,
  isStamp,
  linkTree,
  removeTree,
  stampOf,
  treeSize,
} from './files.js';

export type BackupDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'log'>;

export interface Backup {
  /** The folder's name under DATA_DIR/backups: when it was taken (UTC). */
  name: string;
  dir: string;
  databaseBytes: number;
  files: number;
  fileBytes: number;
  durationMs: number;
}

export interface BackupRun extends Backup {
  kept: number;
  removed: string[];
  /** The copy in BACKUP_S3_URL, when one is configured. */
  offsite?: { label: string; bytes: number; kept: number; removed: string[] };
}

/** What a backup folder says about itself, beside the database and the files. */
export const MANIFEST = 'backup.json';

/**
 * Takes a backup into DATA_DIR/backups/<when>/: the database (an online, consistent copy, made
 * and checked with PRAGMA integrity_check on a thread of its own while requests are served) and
 * the stored files, then applies the retention settings. A backup appears under its name only
 * once complete: it is assembled in a `.partial-` folder and renamed at the end.
 */
export async function takeBackup(deps: BackupDeps): Promise<BackupRun> {
  const backup = await writeBackup(deps);
  const { kept, removed } = await pruneBackups(deps);
  const s3 = deps.config.backupS3;
  if (!s3) return { ...backup, kept, removed };
  const bytes = await uploadBackup(s3, backup.dir, backup.name, join(deps.config.dataDir, 'tmp'));
  const { daily, weekly } = await retention(deps);
  const there = await listOffsite(s3);
  const keep = backupsToKeep(there, daily, weekly);
  const gone = there.filter((n) => !keep.has(n));
  await deleteOffsite(s3, gone);
  return {
    ...backup,
    kept,
    removed,
    offsite: { label: offsiteLabel(s3, backup.name), bytes, kept: keep.size, removed: gone },
  };
}

async function writeBackup(deps: BackupDeps): Promise<Backup> {
  const started = performance.now();
  const { dataDir } = deps.config;
  const name = stampOf(deps.clock.now());
  const root = backupsDir(dataDir);
  const dir = join(root, name);
  if (await exists(dir)) throw new Error(`a backup named ${name} already exists`);
  const partial = join(root, `.partial-${name}`);
  await removeTree(partial);
  await mkdir(partial, { recursive: true });
  try {
    // Files first, the database, then files again: a file is stored before the row naming it
    // commits, so every file the copied database names existed by the time of the copy and is
    // caught by one pass or the other (unless deleted again within those seconds).
    for (const store of FILE_STORES) await linkTree(join(dataDir, store), join(partial, store));
    const { bytes } = await snapshotDatabase(databaseFile(dataDir), join(partial, DATABASE));
    let files = 0;
    let fileBytes = 0;
    for (const store of FILE_STORES) await linkTree(join(dataDir, store), join(partial, store));
    for (const store of FILE_STORES) {
      const t = await treeSize(join(partial, store));
      files += t.files;
      fileBytes += t.bytes;
    }
    const backup: Backup = { name, dir, databaseBytes: bytes, files, fileBytes, durationMs: 0 };
    backup.durationMs = Math.round(performance.now() - started);
    await writeFile(
      join(partial, MANIFEST),
      JSON.stringify({ ...backup, dir: undefined, takenAt: dateOfStamp(name).toISOString() }, null, 2),
    );
    await rename(partial, dir);
    return backup;
  } catch (err) {
    await removeTree(partial);
    throw err;
  }
}

/** The names of the complete backups in DATA_DIR/backups, newest first. */
export async function listBackups(dataDir: string): Promise<string[]> {
  const names = await readdir(backupsDir(dataDir)).catch(() => [] as string[]);
  return names.filter(isStamp).sort().reverse();
}

/** The Monday (YYYY-MM-DD) of the week of a date. */
function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}

/**
 * Which backups retention keeps: the newest of each of the last `daily` days that have one, and
 * the newest of each of the last `weekly` weeks (Monday to Sunday) that have one, in India time.
 */
export function backupsToKeep(names: string[], daily: number, weekly: number): Set<string> {
  const keep = new Set<string>();
  const days = new Set<string>();
  const weeks = new Set<string>();
  for (const name of names.filter(isStamp).sort().reverse()) {
    const day = istDate(dateOfStamp(name));
    const week = weekOf(day);
    if (!days.has(day) && days.size < daily) {
      days.add(day);
      keep.add(name);
    }
    if (!weeks.has(week) && weeks.size < weekly) {
      weeks.add(week);
      keep.add(name);
    }
  }
  return keep;
}

export async function retention(deps: Pick<Deps, 'db'>): Promise<{ daily: number; weekly: number }> {
  return {
    daily: Math.max(1, await getSetting(deps.db, 'backupKeepDaily')),
    weekly: Math.max(0, await getSetting(deps.db, 'backupKeepWeekly')),
  };
}

/**
 * Deletes the backups retention does not keep, and what a run that was stopped midway left
 * behind (`.partial-` folders over a day old). Returns how many are kept and the names removed.
 */
export async function pruneBackups(deps: BackupDeps): Promise<{ kept: number; removed: string[] }> {
  const root = backupsDir(deps.config.dataDir);
  const { daily, weekly } = await retention(deps);
  const names = await listBackups(deps.config.dataDir);
  const keep = backupsToKeep(names, daily, weekly);
  const removed = names.filter((n) => !keep.has(n));
  for (const n of removed) await removeTree(join(root, n));
  const dayAgo = deps.clock.now().getTime() - DAY;
  for (const n of await readdir(root).catch(() => [] as string[])) {
    const stamp = n.replace(/^\.partial-/, '');
    if (n !== stamp && isStamp(stamp) && dateOfStamp(stamp).getTime() < dayAgo) await removeTree(join(root, n));
  }
  return { kept: keep.size, removed };
}

/** The newest complete backup in DATA_DIR/backups, as its manifest describes it; null when there is none. */
export async function newestBackup(dataDir: string): Promise<LatestBackup | null> {
  const [name] = await listBackups(dataDir);
  if (!name) return null;
  const dir = join(backupsDir(dataDir), name);
  const manifest = await readFile(join(dir, MANIFEST), 'utf8')
    .then((s) => JSON.parse(s) as Partial<Backup>)
    .catch(() => ({}) as Partial<Backup>);
  return {
    name,
    dir,
    takenAt: dateOfStamp(name).toISOString(),
    bytes: (manifest.databaseBytes ?? 0) + (manifest.fileBytes ?? 0),
  };
}

export interface LatestBackup {
  name: string;
  dir: string;
  takenAt: string;
  /** The database copy and the stored files, as the backup recorded them. */
  bytes: number;
}

/** A backup older than this is overdue: the nightly one failed or did not run. */
export const BACKUP_STALE_MS = 36 * 60 * 60 * 1000;
