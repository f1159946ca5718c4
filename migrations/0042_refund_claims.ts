import type { Kysely } from 'kysely';

/**
 * While a Razorpay refund is being sent, its row is claimed until a time: the retry job (or
 * another process) leaves it alone until then, instead of asking Razorpay, finding nothing yet,
 * and sending it a second time. A failed attempt gives the claim back at once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refunds').addColumn('claimed_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refunds').dropColumn('claimed_until').execute();
}
