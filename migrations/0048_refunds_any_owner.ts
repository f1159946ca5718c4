import { sql, type Kysely } from 'kysely';

/**
 * refunds: rebuilt so `booking_id` holds the id of whichever owner its payment names (a
 * booking's or a subscription's), as payments' did in 0047: a second capture on a paid
 * subscription order goes back in full, and its refund row must not need a booking. Every
 * row, id and index is kept; the foreign key to payments stays.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(db);
  await db.schema
    .createTable('refunds_new')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull())
    .addColumn('payment_id', 'integer', (c) => c.notNull().references('payments.id'))
    .addColumn('amount_paise', 'integer', (c) => c.notNull().check(sql`amount_paise > 0`))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('razorpay','manual')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','initiated','processed','failed')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('razorpay_refund_id', 'text', (c) => c.unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('processed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .execute();
  await sql`INSERT INTO refunds_new (id, booking_id, payment_id, amount_paise, method, status, reason,
    razorpay_refund_id, attempts, last_error, processed_at, created_at, claimed_until)
    SELECT id, booking_id, payment_id, amount_paise, method, status, reason, razorpay_refund_id, attempts,
    last_error, processed_at, created_at, claimed_until FROM refunds`.execute(db);
  await db.schema.dropTable('refunds').execute();
  await db.schema.alterTable('refunds_new').renameTo('refunds').execute();
  await db.schema.createIndex('refunds_status').on('refunds').columns(['status', 'method']).execute();
  // One refund per payment: a retry can never refund twice.
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').unique().execute();
}

export async function down(): Promise<void> {
  // The foreign key to bookings stays off: an older schema's refunds are only ever a booking's.
}
