import { sql, type Kysely } from 'kysely';

/**
 * Organizer subscriptions (issue 15).
 * - subscriptions: one per organizer (UNIQUE organizer_id: two first sign-ins at once make one).
 *   amount_paise, period_days and listings are the terms of the period that is running (the
 *   trial included), copied from the settings when it starts: a settings change applies from
 *   the next period. The Razorpay customer and recurring token (the auto-pay mandate) are
 *   filled in when auto-pay is set up.
 * - subscription_charges: one row per attempt to charge one period. The row is written before
 *   the gateway is asked, so it is the claim that stops a second charge: UNIQUE(subscription,
 *   period_start, attempt) stops a job run twice from making the same attempt twice, at most one
 *   charge of a subscription may be pending (Razorpay: no new debit before the last has an
 *   outcome), and at most one may be paid per period.
 * - subscription_notices: every reminder sent, keyed by what it is about (a trial end, a charge
 *   date, and how many days before), so a job run twice sends nothing new.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organizer_id', 'integer', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('trial','active','past_due','inactive','cancelled')`),
    )
    .addColumn('trial_ends_at', 'text', (c) => c.notNull())
    .addColumn('current_period_start', 'text', (c) => c.notNull())
    .addColumn('current_period_end', 'text', (c) => c.notNull())
    .addColumn('next_charge_at', 'text')
    .addColumn('amount_paise', 'integer', (c) => c.notNull())
    .addColumn('period_days', 'integer', (c) => c.notNull())
    .addColumn('listings', 'integer', (c) => c.notNull())
    .addColumn('cancel_at_period_end', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('razorpay_customer_id', 'text')
    .addColumn('razorpay_token_id', 'text')
    .addColumn('token_status', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('subscriptions_trial_end')
    .on('subscriptions')
    .columns(['status', 'trial_ends_at'])
    .execute();
  await db.schema
    .createIndex('subscriptions_next_charge')
    .on('subscriptions')
    .columns(['status', 'next_charge_at'])
    .execute();

  await db.schema
    .createTable('subscription_charges')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('amount_paise', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','paid','failed')`))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('razorpay_order_id', 'text', (c) => c.unique())
    .addColumn('razorpay_payment_id', 'text', (c) => c.unique())
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .addUniqueConstraint('subscription_charges_attempt', ['subscription_id', 'period_start', 'attempt'])
    .execute();
  await db.schema
    .createIndex('subscription_charges_one_pending')
    .on('subscription_charges')
    .column('subscription_id')
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('subscription_charges_one_paid')
    .on('subscription_charges')
    .columns(['subscription_id', 'period_start'])
    .unique()
    .where(sql.ref('status'), '=', 'paid')
    .execute();

  await db.schema
    .createTable('subscription_notices')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('about', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('subscription_notices_once', ['subscription_id', 'kind', 'about'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('subscription_notices').execute();
  await db.schema.dropTable('subscription_charges').execute();
  await db.schema.dropTable('subscriptions').execute();
}
