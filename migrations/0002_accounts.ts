import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('email_verified_at', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('phone_verified_at', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('traveler','organizer','agent','admin')`))
    .addColumn('google_sub', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('profile_complete', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('bio', 'text')
    .addColumn('location', 'text')
    .addColumn('photo', 'text')
    .addColumn('org_display_name', 'text')
    .addColumn('org_about', 'text')
    .addColumn('upi_id', 'text')
    .addColumn('first_organizer_login_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_phone').on('users').column('phone').execute();
  await db.schema.createIndex('users_role').on('users').columns(['role', 'status']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('users').execute();
}
