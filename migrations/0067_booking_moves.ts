import type { Kysely } from 'kysely';

/**
 * Issue 32 item 3: moving a confirmed booking to another departure of the same trip. The trip
 * says until how many days before the start a traveler may move (`move_cutoff_days`, also the
 * last day participants' details can be edited) and what a move costs them (`move_fee_paise`,
 * per booking, 0 by default; an organizer's move is free). Every move is a row of
 * `booking_moves`: 'done' when the booking changed departure (in the same transaction), or
 * 'awaiting_payment' while a price difference is to be paid and the booking stays where it is
 * ('cancelled' when the traveler gave up on it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('trips')
    .addColumn('move_cutoff_days', 'integer', (c) => c.notNull().defaultTo(2))
    .execute();
  await db.schema
    .alterTable('trips')
    .addColumn('move_fee_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('booking_moves')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id').onDelete('cascade'))
    .addColumn('from_departure_id', 'integer', (c) => c.notNull().references('departures.id'))
    .addColumn('to_departure_id', 'integer', (c) => c.notNull().references('departures.id'))
    .addColumn('guests', 'integer', (c) => c.notNull())
    .addColumn('fee_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('difference_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('moved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('by_organizer', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .execute();
  await db.schema.createIndex('booking_moves_booking').on('booking_moves').columns(['booking_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('booking_moves').execute();
  await db.schema.alterTable('trips').dropColumn('move_fee_paise').execute();
  await db.schema.alterTable('trips').dropColumn('move_cutoff_days').execute();
}
