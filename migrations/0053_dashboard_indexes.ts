import { sql, type Kysely } from 'kysely';

/**
 * Indexes the dashboards' widgets read by (issue 16, src/dashboards/queries.ts), so each stays
 * an index walk as bookings grow:
 * - an organizer's new bookings, newest first: (organizer, created_at);
 * - the admin's growth chart counts accounts and bookings per month since a date: created_at
 *   of each;
 * - GMV sums booking payments received, subscription revenue the charges paid: a covering
 *   index of each;
 * - an organizer's weekly earnings read each booking's payments from a covering index, and the
 *   window's processed refunds by time;
 * - pending verifications and overdue-proof alerts start from the undecided UPI proofs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('bookings_organizer_created')
    .on('bookings')
    .columns(['organizer_id', 'created_at'])
    .execute();
  await db.schema.createIndex('bookings_created').on('bookings').column('created_at').execute();
  await db.schema.createIndex('users_created').on('users').column('created_at').execute();
  await sql`create index payments_booking_paid on payments(paid_at, amount_paise) where owner = 'booking' and paid_at is not null`.execute(
    db,
  );
  await sql`create index payments_paid_by_booking on payments(booking_id, paid_at, amount_paise) where owner = 'booking' and paid_at is not null`.execute(
    db,
  );
  await sql`create index refunds_processed on refunds(processed_at, booking_id, amount_paise) where status = 'processed'`.execute(
    db,
  );
  await sql`create index upi_proofs_pending on upi_proofs(booking_id, created_at) where status = 'pending'`.execute(db);
  await sql`create index subscription_charges_paid on subscription_charges(settled_at, amount_paise) where status = 'paid'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'upi_proofs_pending',
    'refunds_processed',
    'payments_paid_by_booking',
    'subscription_charges_paid',
    'payments_booking_paid',
    'users_created',
    'bookings_created',
    'bookings_organizer_created',
  ])
    await db.schema.dropIndex(name).execute();
}
