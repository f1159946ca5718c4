import type { Kysely } from 'kysely';

/**
 * An admin's deactivation of a trip (moderation): when it happened and the reason the
 * organizer was sent. A moderated trip stays inactive until an admin reactivates it; the
 * organizer cannot publish it again themselves.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trips').addColumn('moderated_at', 'text').execute();
  await db.schema.alterTable('trips').addColumn('moderation_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trips').dropColumn('moderation_reason').execute();
  await db.schema.alterTable('trips').dropColumn('moderated_at').execute();
}
