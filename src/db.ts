import Sqlite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  SqliteDialect,
  SqliteDriver,
  CompiledQuery,
  type Compilable,
  type DatabaseConnection,
  type Migration,
  type MigrationResultSet,
  type QueryResult,
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
  // Each write of a shared commit runs in a savepoint. SQLite keeps the undo copies of the
  // pages a savepoint changes in a sub-journal: in memory up to 64 KiB, then in a temp file
  // in /var/tmp (a write() per page) until the transaction ends. In memory throughout, the
  // statements of a booking take a quarter less time (0.29 → 0.22 ms). Temporary tables and
  // large sorts then stay in memory too, and so would a plain VACUUM's copy of the whole
  // database: compact with `VACUUM INTO` a file instead.
  sqlite.pragma('temp_store = MEMORY');
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
 * file costs nothing). Its copy of the database goes to a temporary file, not to memory, and
 * the old pages it leaves in the WAL are checkpointed and the WAL emptied.
 */
function scrubFreeSpaceOnce(sqlite: Sqlite.Database): void {
  if ((sqlite.pragma('user_version', { simple: true }) as number) >= SCRUBBED) return;
  sqlite.pragma('temp_store = FILE');
  try {
    sqlite.exec('VACUUM');
    sqlite.pragma(`user_version = ${SCRUBBED}`);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.pragma('temp_store = MEMORY');
  }
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

/** The connection under each Kysely that openDatabase made, and its statements (nothing between them and SQLite). */
const connections = new WeakMap<DB, { sqlite: Sqlite.Database; statements: SqliteDatabase }>();
/** The better-sqlite3 connection under a Kysely that openDatabase made. */
export const sqliteOf = (db: DB): Sqlite.Database | undefined => connections.get(db)?.sqlite;

/** The transactions of shared commits while they run, with the statements they may use directly. */
const owned = new WeakMap<DB, SqliteDatabase>();

/**
 * What Kysely's SQLite connection answers for a statement, without the executor, connection
 * provider and result layers around it (half a dozen promises a query; a booking runs ten
 * statements in its savepoint; in process this took its creation from 0.51–0.54 to 0.41–0.49 ms
 * of CPU).
 */
function runDirect(statements: SqliteDatabase, sql: string, parameters: readonly unknown[]): QueryResult<any> {
  const stmt = statements.prepare(sql);
  if (stmt.reader) return { rows: stmt.all(parameters) };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * The connection of `db` when nobody holds it: no transaction is open on it. A transaction
 * (Kysely's own, or a shared commit) holds the one connection from its BEGIN to its COMMIT,
 * and a statement of someone else must wait for it, as Kysely's connection mutex makes it
 * wait. Between transactions a single statement runs in autocommit, all at once (better-sqlite3
 * is synchronous), which is all Kysely would have done after its mutex and promises.
 */
function idle(db: DB): SqliteDatabase | undefined {
  const c = connections.get(db);
  return c && !c.sqlite.inTransaction ? c.statements : undefined;
}

/**
 * A compiled query on `db`: straight to SQLite inside a running shared commit or when the
 * connection is idle (a booking's reads before its commit), else through Kysely.
 */
function execute<R>(db: DB, query: CompiledQuery<R>): QueryResult<R> | Promise<QueryResult<R>> {
  const direct = owned.get(db) ?? idle(db);
  return direct ? runDirect(direct, query.sql, query.parameters) : db.executeQuery(query);
}

/** Stands in for a named value while a query is compiled; each call puts its own value there. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query Kysely builds and compiles once, then runs with each call's values as parameters.
 * Building and compiling is most of what Kysely costs per query (on booking creation, about
 * 0.3 ms of CPU, where SQLite's own work was under 0.2 ms), so the queries run on every
 * booking are written this way. `build` gets the values as named
 * stand-ins and must use them only as values (never in an `if`), and only scalar ones: a list
 * compiles to one parameter per item. Inside a shared commit (the transaction holds the one
 * connection until it ends), or on `db` itself while no transaction is open, the statement
 * goes to SQLite directly.
 */
export function precompiled<A extends Record<string, unknown>, R>(
  build: (db: DB, values: A) => Compilable<R>,
): (db: DB, values: A) => Promise<QueryResult<R>> {
  let compiled: CompiledQuery<R> | undefined;
  return async (db, values) => {
    if (!compiled) {
      const built = build(db, new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as A).compile();
      // A value the build did not read by name (spread from the stand-ins, say) compiles
      // as undefined, and would quietly be bound as NULL on every call.
      if (built.parameters.some((p) => p === undefined))
        throw new Error(`precompiled query: a value was not read by name in ${built.sql}`);
      compiled = built;
    }
    const parameters = compiled.parameters.map((p) => {
      if (!(p instanceof Slot)) return p;
      if (values[p.name] === undefined) throw new Error(`precompiled query: no value for ${p.name}`);
      return values[p.name];
    });
    return execute(db, { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters });
  };
}

interface Queued {
  fn: (trx: DB) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const batches = new WeakMap<DB, Queued[]>();
const SAVEPOINT = CompiledQuery.raw('savepoint shared_commit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to shared_commit');
const RELEASE = CompiledQuery.raw('release shared_commit');
/** At most this many writes share one commit; the rest wait for the next. */
const MAX_BATCH = 64;

/**
 * A write transaction that shares its commit with the others asked for in the same turn of
 * the event loop (group commit). On SQLite the commit is the dearest part of a small write
 * transaction: it appends every page the transaction touched to the WAL (~0.12 ms for a
 * booking, more than all of its statements). Under load many bookings arrive in one turn;
 * they now run one after the other inside one IMMEDIATE transaction, each in a savepoint of
 * its own, and are committed together.
 *
 * Each `fn` is still all-or-nothing: one that throws is rolled back to its savepoint and gets
 * its error; the others go on. A promise settles only after the commit, so nobody is told
 * "done" before it is durable; if the commit itself fails, every `fn` of the batch gets that
 * error and nothing of theirs was written. Use it only for short work that waits on nothing
 * but the database: the batch holds the write lock while its transactions run.
 */
export function inSharedCommit<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = batches.get(db);
    if (!queue) {
      queue = [];
      batches.set(db, queue);
      setImmediate(() => void commitBatch(db));
    }
    queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
  });
}

async function commitBatch(db: DB): Promise<void> {
  const queued = batches.get(db) ?? [];
  batches.delete(db);
  const batch = queued.slice(0, MAX_BATCH);
  for (const rest of queued.slice(MAX_BATCH)) void inSharedCommit(db, rest.fn).then(rest.resolve, rest.reject);
  const outcomes: { ok: boolean; value: unknown }[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      // The transaction holds the connection until it ends: while it runs, our statements
      // (and the precompiled queries of its writes) may go to SQLite directly.
      const direct = connections.get(db);
      if (direct) owned.set(trx, direct.statements);
      try {
        for (const item of batch) {
          await execute(trx, SAVEPOINT);
          try {
            outcomes.push({ ok: true, value: await item.fn(trx) });
          } catch (err) {
            // SQLite gave up the whole transaction (SQLITE_FULL, say): the batch fails with that error.
            if (direct && !direct.sqlite.inTransaction) throw err;
            await execute(trx, ROLLBACK_TO);
            outcomes.push({ ok: false, value: err });
          }
          await execute(trx, RELEASE);
        }
      } finally {
        owned.delete(trx);
      }
    });
  } catch (err) {
    for (const item of batch) item.reject(err);
    return;
  }
  batch.forEach((item, i) => (outcomes[i].ok ? item.resolve(outcomes[i].value) : item.reject(outcomes[i].value)));
}

export function openDatabase(file: string): { db: DB; sqlite: Sqlite.Database } {
  const sqlite = openSqlite(file);
  const statements = reusingStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: statements }, sqlite) });
  connections.set(db, { sqlite, statements });
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
