import { sql, type Kysely } from 'kysely';

/**
 * The notification centre (issue 16, item 2):
 * - notifications: what a user is told in the app (the bell, /notifications); `link` is the
 *   path of what it is about; `announcement_id` when it is a copy of an announcement.
 * - notification_prefs: a user's choice per message kind (the outbox template) and channel;
 *   no row means the default (on). Messages that must go (security, money) ignore it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(sql`''`))
    .addColumn('link', 'text')
    .addColumn('announcement_id', 'integer')
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();
  await sql`create index notifications_unread on notifications (user_id) where read_at is null`.execute(db);
  await db.schema
    .createTable('notification_prefs')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email','sms','whatsapp','inapp')`))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_prefs_pk', ['user_id', 'kind', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_prefs').execute();
  await db.schema.dropTable('notifications').execute();
}
