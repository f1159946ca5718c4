import type { Kysely } from 'kysely';

/**
 * Issue 30 item 8: the organizer may ask the traveler to send a UPI proof again (a typo in the
 * UTR) instead of rejecting it for good. Such a proof is decided as `rejected` with the reason
 * (what to fix) and `resend_by`, the deadline for the new proof; its booking stays pending, its
 * seats held until then. Null on every other proof.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upi_proofs').addColumn('resend_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upi_proofs').dropColumn('resend_by').execute();
}
