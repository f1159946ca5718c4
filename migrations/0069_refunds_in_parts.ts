import type { Kysely } from 'kysely';

/**
 * Issue 32 item 3: a payment may be refunded in several parts (the difference of a move to a
 * cheaper date, then a cancellation's share of what is left). The unique index on
 * refunds(payment_id) becomes a plain one; what keeps a payment from being refunded above its
 * amount is the refund's insert itself (payments' queries: `insertRefund`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('refunds_payment').execute();
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('refunds_payment').execute();
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').unique().execute();
}
