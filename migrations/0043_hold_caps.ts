import type { Kysely } from 'kysely';

/**
 * A UPI proof still undecided at its decide-by time reminds the organizer once: the reminder's
 * time is kept on the proof, so a second run of the job (or a second process) sends no other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upi_proofs').addColumn('reminded_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upi_proofs').dropColumn('reminded_at').execute();
}
