import { sql, type Kysely } from 'kysely';

/**
 * Auto-pay for organizer subscriptions (issue 15).
 * - payments: rebuilt so `booking_id` holds the id of whichever owner the row names (`owner`),
 *   a booking's or a subscription's: its foreign key to bookings goes (a subscription's id is not
 *   a booking's). Every row, id and index is kept; refunds still reference payments.id, checked
 *   at commit (defer_foreign_keys, since foreign_keys cannot be switched inside a transaction).
 * - subscriptions: the mandate's method, max amount and expiry, and the failed attempts counted
 *   against the period being charged.
 * - subscription_charges: what kind of charge (the mandate's first payment, an auto-pay debit,
 *   a pay-now), the terms the charged period takes, and the receipt sent to Razorpay (the
 *   order can be found by it after a crash between creating it and recording its id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(db);
  await db.schema
    .createTable('payments_new')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('razorpay','upi')`))
    .addColumn('amount_paise', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('created','paid','failed','refunded')`))
    .addColumn('razorpay_order_id', 'text', (c) => c.unique())
    .addColumn('razorpay_payment_id', 'text', (c) => c.unique())
    .addColumn('utr', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo('booking'))
    .execute();
  await sql`INSERT INTO payments_new (id, booking_id, method, amount_paise, status, razorpay_order_id,
    razorpay_payment_id, utr, paid_at, created_at, updated_at, owner)
    SELECT id, booking_id, method, amount_paise, status, razorpay_order_id, razorpay_payment_id, utr,
    paid_at, created_at, updated_at, owner FROM payments`.execute(db);
  await db.schema.dropTable('payments').execute();
  await db.schema.alterTable('payments_new').renameTo('payments').execute();
  await db.schema.createIndex('payments_booking').on('payments').columns(['owner', 'booking_id']).execute();
  await db.schema.createIndex('payments_paid_at').on('payments').columns(['status', 'paid_at']).execute();

  for (const [col, type] of [
    ['token_method', 'text'],
    ['token_max_amount_paise', 'integer'],
    ['token_expire_at', 'text'],
  ] as const)
    await db.schema.alterTable('subscriptions').addColumn(col, type).execute();
  await db.schema
    .alterTable('subscriptions')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .alterTable('subscription_charges')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('auto'))
    .execute();
  await db.schema
    .alterTable('subscription_charges')
    .addColumn('period_days', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('subscription_charges')
    .addColumn('listings', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('subscription_charges').addColumn('receipt', 'text').execute();
  await db.schema
    .createIndex('subscription_charges_pending')
    .on('subscription_charges')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('subscription_charges_pending').execute();
  for (const col of ['receipt', 'listings', 'period_days', 'kind'])
    await db.schema.alterTable('subscription_charges').dropColumn(col).execute();
  for (const col of ['failed_attempts', 'token_expire_at', 'token_max_amount_paise', 'token_method'])
    await db.schema.alterTable('subscriptions').dropColumn(col).execute();
  // The foreign key to bookings stays off: an older schema's payments are only ever a booking's.
  await db.schema.dropIndex('payments_booking').execute();
  await db.schema.createIndex('payments_booking').on('payments').column('booking_id').execute();
}
