import Sqlite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  SqliteDialect,
  SqliteDriver,
  CompiledQuery,
  type DatabaseConnection,
  type Migration,
  type MigrationResultSet,
  type SqliteDatabase,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from '../migrations/index.js';
import { storageWritten } from './lib/storage.js';
import type { Database } from './schema.js';

export type DB = Kysely<Database>;

/**
 * Kysely begins SQLite transactions as DEFERRED; a second process holding a read lock can
 * then make our write fail half-way. IMMEDIATE takes the write lock up front, and
 * busy_timeout makes the other writer wait instead of failing.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    cfg: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly sqlite: Sqlite.Database,
  ) {
    super(cfg);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    storageWritten(this.sqlite);
  }

  /**
   * After some errors (SQLITE_FULL at commit, say) SQLite has already rolled the transaction
   * back itself: a ROLLBACK would then fail with "cannot rollback - no transaction is active",
   * and Kysely would throw that instead of the error that says what happened.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly sqlite: Sqlite.Database,
  ) {
    super(cfg);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.cfg, this.sqlite);
  }
}

export function openSqlite(file: string): Sqlite.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // What SQLite deletes stays in the file until something happens to overwrite it: a deleted
  // or moved row's bytes in its page's free space, whole pages on the freelist. A delivered
  // message pruned by the nightly job, a rate-limit counter keyed by an email, an old version
  // of a row could be read back from the file long after an erasure. With secure_delete on,
  // every delete (and every row, index entry or full-text segment moved elsewhere) overwrites
  // what it frees with zeros; FAST would leave freelist pages as they were. Every connection
  // that writes needs it: one without it leaves copies again.
  sqlite.pragma('secure_delete = ON');
  if (file !== ':memory:') scrubFreeSpaceOnce(sqlite);
  return sqlite;
}

/** `user_version` once the file has been rebuilt by a connection with secure_delete on. */
const SCRUBBED = 1;

/**
 * A file written before secure_delete was on may hold anything ever deleted in its free space:
 * the first time this version opens it, VACUUM rebuilds it from its live rows alone (a fresh
 * file costs nothing). Its copy of the database goes to a temporary file (SQLite's default
 * temp store), and the old pages it leaves in the WAL are checkpointed and the WAL emptied.
 */
function scrubFreeSpaceOnce(sqlite: Sqlite.Database): void {
  if ((sqlite.pragma('user_version', { simple: true }) as number) >= SCRUBBED) return;
  sqlite.exec('VACUUM');
  sqlite.pragma(`user_version = ${SCRUBBED}`);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Kysely prepares every query it runs, and SQLite compiles the SQL text each time: on booking
 * creation that was a tenth of the request. The same text always compiles to the same
 * statement, so keep the last `max` of them (least recently used goes first; SQLite itself
 * re-prepares a statement when the schema changes under it). Safe because Kysely runs one
 * statement at a time on this connection and we never stream rows.
 */
export function reusingStatements(sqlite: Sqlite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/** The better-sqlite3 connection under each Kysely that openDatabase made. */
const connections = new WeakMap<DB, Sqlite.Database>();
/** The better-sqlite3 connection under a Kysely that openDatabase made. */
export const sqliteOf = (db: DB): Sqlite.Database | undefined => connections.get(db);

export function openDatabase(file: string): { db: DB; sqlite: Sqlite.Database } {
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: reusingStatements(sqlite) }, sqlite),
  });
  connections.set(db, sqlite);
  return { db, sqlite };
}

/**
 * Migrations are listed statically (FileMigrationProvider cannot import .ts under vitest)
 * and each runs inside its own transaction, because SQLite DDL under Kysely's migrator is
 * otherwise applied statement by statement.
 */
export function migrator(db: Kysely<any>, list: Record<string, Migration> = migrations): Migrator {
  const wrapped: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(list)) {
    wrapped[name] = {
      up: (d) => d.transaction().execute((trx) => m.up(trx)),
      down: m.down ? (d) => d.transaction().execute((trx) => m.down!(trx)) : undefined,
    };
  }
  return new Migrator({ db, provider: { getMigrations: async () => wrapped } });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return result;
}

export async function migrateToLatest(db: Kysely<any>, list?: Record<string, Migration>) {
  return check(await migrator(db, list).migrateToLatest());
}

export async function migrateDown(db: Kysely<any>, list?: Record<string, Migration>) {
  return check(await migrator(db, list).migrateDown());
}
