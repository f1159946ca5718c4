import { sql, type Kysely } from 'kysely';

/**
 * A counter of changes to users and sessions, kept by triggers: whichever process or tool
 * updates or deletes a user or a session (this server, a second one on the same file,
 * `npm run setup`, an operator's sqlite3 shell) moves it on, in the same transaction. The
 * server keeps the signed-in users it has looked up for as long as the counter stands still
 * (src/auth/session.ts): one read of one row per request instead of the session query.
 * New rows need no trigger: nobody has a cached copy of them.
 */
const TRIGGERS = [
  ['users_changed', 'update', 'users'],
  ['users_removed', 'delete', 'users'],
  ['sessions_changed', 'update', 'sessions'],
  ['sessions_removed', 'delete', 'sessions'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('auth_generation').values({ id: 1, n: 0 }).execute();
  for (const [name, event, table] of TRIGGERS) {
    await sql
      .raw(
        `create trigger ${name} after ${event} on ${table} begin update auth_generation set n = n + 1 where id = 1; end`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of TRIGGERS) await sql.raw(`drop trigger ${name}`).execute(db);
  await db.schema.dropTable('auth_generation').execute();
}
