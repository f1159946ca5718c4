import { sql, type Kysely } from 'kysely';

/**
 * Issue 32 item 3, the money of a move: a traveler's move that costs something (the trip's fee,
 * a higher price today) waits as a `booking_moves` row 'awaiting_payment' with what it costs
 * (`due_paise`) until it is paid, online (`order_id`: the Razorpay order paying it) or by a UPI
 * proof marked with the move it pays (`upi_proofs.move_id`). One such row per booking at a time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('booking_moves')
    .addColumn('due_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('booking_moves').addColumn('order_id', 'text').execute();
  await db.schema
    .alterTable('upi_proofs')
    .addColumn('move_id', 'integer', (c) => c.references('booking_moves.id'))
    .execute();
  await sql`create unique index booking_moves_one_pending on booking_moves (booking_id)
            where status = 'awaiting_payment'`.execute(db);
  await sql`create index booking_moves_order on booking_moves (order_id) where order_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index booking_moves_order`.execute(db);
  await sql`drop index booking_moves_one_pending`.execute(db);
  await db.schema.alterTable('upi_proofs').dropColumn('move_id').execute();
  await db.schema.alterTable('booking_moves').dropColumn('order_id').execute();
  await db.schema.alterTable('booking_moves').dropColumn('due_paise').execute();
}
