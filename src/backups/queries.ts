import Sqlite from 'better-sqlite3';

// A backup works on database files rather than through the app's Kysely connection: each
// statement here takes a better-sqlite3 connection of its own to the file it is about.

/** Opens an existing database file; a missing file is an error, never a new empty database. */
export const openFile = (file: string, opts: { readonly?: boolean } = {}) =>
  new Sqlite(file, { fileMustExist: true, readonly: opts.readonly ?? false, timeout: 5000 });

/**
 * A consistent copy of the database as of one moment, compacted, into `dest` (which must not
 * exist). It reads in one read transaction: in WAL mode writers go on meanwhile, and the copy
 * holds every commit made before it began, those still in the WAL included.
 */
export function vacuumInto(source: Sqlite.Database, dest: string): void {
  source.prepare('VACUUM INTO ?').run(dest);
}

/** 'ok', or SQLite's list of the problems it found. */
export function integrityCheck(db: Sqlite.Database): string {
  const rows = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
  return rows.join('; ');
}

/** The names of the migrations applied to the database (none when it was never migrated). */
export function appliedMigrations(db: Sqlite.Database): string[] {
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'")
    .pluck()
    .get();
  if (!table) return [];
  return db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
}

/**
 * Whether some connection (a running server, its checkpoint thread, a CLI) has the database
 * open. Every connection to a WAL database holds a shared lock on the file for as long as it
 * is open, and the operating system drops it when the process ends, however it ends: an
 * exclusive lock is only granted when nobody else has the file open.
 */
export function inUse(file: string): boolean {
  const db = new Sqlite(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    db.close();
  }
}
