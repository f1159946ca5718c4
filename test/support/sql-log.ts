import type Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../src/schema.js';
import { openSqlite } from '../../src/db.js';

/**
 * A Kysely over an existing database file (opened with the app's pragmas) that records the SQL of every statement it runs:
 * to count commits, or to ask SQLite for the plan of what a query function sent.
 */
export function recordingDb(file: string): { db: Kysely<Database>; sqlite: Sqlite.Database; seen: string[] } {
  const seen: string[] = [];
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (e) => void seen.push(e.query.sql),
  });
  return { db, sqlite, seen };
}
