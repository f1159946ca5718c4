import { sql, type Kysely } from 'kysely';

/**
 * Signed-in users are no longer kept between requests (every request looks its session up),
 * so the counter of 0041 and the triggers that kept it go.
 */
const TRIGGERS = [
  ['users_changed', 'update', 'users'],
  ['users_removed', 'delete', 'users'],
  ['sessions_changed', 'update', 'sessions'],
  ['sessions_removed', 'delete', 'sessions'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name] of TRIGGERS) await sql.raw(`drop trigger ${name}`).execute(db);
  await db.schema.dropTable('auth_generation').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
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
