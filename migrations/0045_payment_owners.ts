import type { Kysely } from 'kysely';

/**
 * Payments serve more than one payer (issue 14): each order records whose it is, so a webhook
 * hands its event to the feature that owns the order. Every order so far is a booking's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('payments')
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo('booking'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('owner').execute();
}
