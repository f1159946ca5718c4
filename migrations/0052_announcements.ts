import { sql, type Kysely } from 'kysely';

/**
 * Announcements (issue 16, item 4): an admin's message to everyone or to one role, shown as a
 * banner until `until` (or for good) and copied into each recipient's notifications.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('announcements')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('audience', 'text', (c) =>
      c.notNull().check(sql`audience in ('all','traveler','organizer','agent','admin')`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('announcements').execute();
}
