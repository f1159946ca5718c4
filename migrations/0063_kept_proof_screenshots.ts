import type { Kysely } from 'kysely';

/**
 * Issue 30 item 7: a UPI payment screenshot that arrived with a form the server sent back (a bad
 * UTR) is kept, so the traveler's next try needs no second upload over a weak network. The id is
 * the opaque reference the form carries; it counts only for the same booking and the same user,
 * until `expires_at`. The files sit in the private proofs store; the nightly screenshot tidy-up
 * deletes expired rows with their files.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kept_proof_screenshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('screenshot_key', 'text', (c) => c.notNull())
    .addColumn('screenshot_width', 'integer', (c) => c.notNull())
    .addColumn('screenshot_height', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('kept_proof_screenshots_booking')
    .on('kept_proof_screenshots')
    .columns(['booking_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('kept_proof_screenshots_expires')
    .on('kept_proof_screenshots')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('kept_proof_screenshots').execute();
}
