import { sql, type Kysely } from 'kysely';

/**
 * Live updates (issue 16, item 1): every event a server publishes is a row here, and every
 * server process's hub reads the rows after the last one it saw (by id). So two processes on
 * one file both deliver every event, and a reconnecting browser gets what it missed
 * (`Last-Event-ID`) from the same rows. AUTOINCREMENT: an id is never reused after the rows
 * are pruned, or a hub's cursor would skip the new ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo(sql`''`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_events_created').on('live_events').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('live_events').execute();
}
