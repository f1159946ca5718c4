import type { Kysely } from 'kysely';

/**
 * Seat hoarding (issue 18, item 4):
 * - every booking adds up the seats its traveler already holds unpaid on the departure: an
 *   index that answers it alone (traveler, departure, status, seats), instead of walking every
 *   pending booking of a busy departure;
 * - a UPI proof still undecided at its decide-by time reminds the organizer once: the
 *   reminder's time is kept on the proof, so a second run of the job (or a second process)
 *   sends no other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('bookings_held_by')
    .on('bookings')
    .columns(['user_id', 'departure_id', 'status', 'guests'])
    .execute();
  await db.schema.alterTable('upi_proofs').addColumn('reminded_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('upi_proofs').dropColumn('reminded_at').execute();
  await db.schema.dropIndex('bookings_held_by').execute();
}
