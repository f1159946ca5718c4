import { copyFile, mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import { migrations } from '../../migrations/index.js';
import { appliedMigrations, inUse, integrityCheck, openFile } from './queries.js';
import {
  DATABASE,
  FILE_STORES,
  backupsDir,
  databaseFile,
  exists,
  linkTree,
  moveIfThere,
  removeTree,
  isStamp,
  stampOf,
} from './files.js';
import { downloadBackup, offsiteLabel } from './offsite.js';

/** A restore that was refused; its message says why and what to do. Nothing was changed. */
export class RestoreRefused extends Error {}

export interface Restored {
  from: string;
  /** Where the files the backup replaced were moved (null when there were none). */
  replacedDir: string | null;
  files: number;
}

/**
 * Where a backup given on the command line is: a backup folder (a path, or a name under
 * DATA_DIR/backups), or a database file on its own.
 */
async function locate(dataDir: string, given: string): Promise<{ db: string; dir: string | null }> {
  for (const path of [given, join(backupsDir(dataDir), given)]) {
    const s = await stat(path).catch(() => null);
    if (s?.isDirectory()) {
      if (!(await exists(join(path, DATABASE))))
        throw new RestoreRefused(`${path} is not a backup: it has no ${DATABASE}.`);
      return { db: join(path, DATABASE), dir: path };
    }
    if (s?.isFile()) return { db: path, dir: null };
  }
  throw new RestoreRefused(`There is no backup ${given} (neither that path nor ${join(backupsDir(dataDir), given)}).`);
}

/** Refuses a database that is damaged, not a database at all, or made by newer code than ours. */
function checkBackupDatabase(file: string, shownAs: string): void {
  let db;
  try {
    db = openFile(file);
  } catch (err) {
    throw new RestoreRefused(`${shownAs} cannot be opened: ${(err as Error).message}.`);
  }
  try {
    let integrity: string;
    let applied: string[];
    try {
      integrity = integrityCheck(db);
      applied = appliedMigrations(db);
    } catch (err) {
      throw new RestoreRefused(
        `${shownAs} is not a usable database (${(err as Error).message}): refusing to restore it.`,
      );
    }
    if (integrity !== 'ok')
      throw new RestoreRefused(
        `${shownAs} failed its integrity check (${integrity.replace(/\s+/g, ' ').slice(0, 500)}): refusing to restore it.`,
      );
    if (applied.length === 0)
      throw new RestoreRefused(
        `${shownAs} is not a TrekTribe database (it has no migrations): refusing to restore it.`,
      );
    const unknown = applied.filter((name) => !(name in migrations));
    if (unknown.length > 0)
      throw new RestoreRefused(
        `${shownAs} was made by a newer version of TrekTribe (its schema has ${unknown.join(', ')}, which this code does not know). Restore it with that version or a later one.`,
      );
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the current data: checks the backup (integrity, schema version),
 * refuses while anything has the database open, moves the current database (with its -wal and
 * -shm) and stored files aside to DATA_DIR/replaced-<when>/ (never deletes them), then puts
 * the backup's database and files in their place. The next start runs any pending migrations.
 */
export async function restoreBackup(
  config: Pick<Config, 'dataDir' | 'backupS3'>,
  clock: Clock,
  given: string,
): Promise<Restored> {
  if (given.startsWith('s3:')) return restoreFromOffsite(config, clock, given.slice(3));
  const { dataDir } = config;
  const source = await locate(dataDir, given);
  const live = databaseFile(dataDir);
  const scratch = join(dataDir, 'tmp', `restore-${stampOf(clock.now())}`);
  await removeTree(scratch);
  await mkdir(scratch, { recursive: true });
  try {
    // Checked as a copy: opening a database may write beside it, and the backup stays as it is.
    const candidate = join(scratch, DATABASE);
    await copyFile(source.db, candidate);
    checkBackupDatabase(candidate, source.dir ? `The backup ${basename(source.dir)}` : source.db);

    if ((await exists(live)) && inUse(live))
      throw new RestoreRefused(
        `The database ${live} is in use: a TrekTribe server (or another program, such as a backup) has it open. Stop the server, then run the restore again.`,
      );

    let replacedDir: string | null = join(dataDir, `replaced-${stampOf(clock.now())}`);
    await mkdir(replacedDir, { recursive: true });
    let moved = false;
    for (const name of [DATABASE, `${DATABASE}-wal`, `${DATABASE}-shm`, ...FILE_STORES])
      moved = (await moveIfThere(join(dataDir, name), join(replacedDir, name))) || moved;
    if (!moved) {
      await removeTree(replacedDir);
      replacedDir = null;
    }

    await moveIfThere(candidate, live);
    let files = 0;
    if (source.dir)
      for (const store of FILE_STORES) files += (await linkTree(join(source.dir, store), join(dataDir, store))).files;
    return { from: source.dir ?? source.db, replacedDir, files };
  } finally {
    await removeTree(scratch);
  }
}

/** `s3:<name>`: downloads the backup from BACKUP_S3_URL into DATA_DIR/tmp, then restores it from there. */
async function restoreFromOffsite(
  config: Pick<Config, 'dataDir' | 'backupS3'>,
  clock: Clock,
  name: string,
): Promise<Restored> {
  const s3 = config.backupS3;
  if (!s3) throw new RestoreRefused(`s3:${name} needs BACKUP_S3_URL (and its keys) to be set; it is not.`);
  if (!isStamp(name))
    throw new RestoreRefused(`s3:${name} is not the name of a backup (those look like s3:2026-12-07T21-00-00Z).`);
  const dir = join(config.dataDir, 'tmp', `s3-${name}`);
  await removeTree(dir);
  try {
    await downloadBackup(s3, name, dir);
  } catch (err) {
    throw new RestoreRefused(`Could not fetch it: ${(err as Error).message}.`);
  }
  try {
    return {
      ...(await restoreBackup({ dataDir: config.dataDir, backupS3: undefined }, clock, dir)),
      from: offsiteLabel(s3, name),
    };
  } finally {
    await removeTree(dir);
  }
}
