import type { Kysely } from 'kysely';

/**
 * Issue 32: a booking may have two Razorpay orders open at once for different things (its balance,
 * and a move paid for). An order made for one purpose ("move:<id>") is reused only for that
 * purpose; a booking's own orders have none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('purpose', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('purpose').execute();
}
