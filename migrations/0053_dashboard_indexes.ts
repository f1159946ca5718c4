import { sql, type Kysely } from 'kysely';

/**
 * Indexes the dashboards' widgets read by (issue 16, src/dashboards/queries.ts), so each stays
 * an index walk as bookings grow:
 * - an organizer's new bookings, newest first: (organizer, created_at);
 * - the admin's growth chart counts accounts and bookings per month since a date: created_at
 *   of each;
 * - GMV sums booking payments received, subscription revenue the charges paid: a covering
 *   index of each.
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
  await sql`create index subscription_charges_paid on subscription_charges(settled_at, amount_paise) where status = 'paid'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'subscription_charges_paid',
    'payments_booking_paid',
    'users_created',
    'bookings_created',
    'bookings_organizer_created',
  ])
    await db.schema.dropIndex(name).execute();
}
