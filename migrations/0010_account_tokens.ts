import { sql, type Kysely } from 'kysely';

/**
 * Single-use secrets sent to a person: email verification links, password reset links and
 * phone one-time codes. Only a hash is stored; `target` is the address the secret was sent
 * to, so a secret stops working once the email or phone changes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) =>
      c.notNull().check(sql`purpose in ('verify-email','reset-password','phone-otp')`),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();

  // The stored size of the profile photo (its widths are capped by the original's width).
  await db.schema.alterTable('users').addColumn('photo_width', 'integer').execute();
  await db.schema.alterTable('users').addColumn('photo_height', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('photo_height').execute();
  await db.schema.alterTable('users').dropColumn('photo_width').execute();
  await db.schema.dropTable('account_tokens').execute();
}
