import { sql, type Kysely } from 'kysely';

/**
 * Issue 32 item 2: the waitlist of a departure. An entry waits in order (`id`); when seats come
 * free they are offered to the first entry whose group fits: its seats are taken off sale
 * (`departures.seats_taken` counts them, so nobody else sees or books them) until
 * `offer_expires_at`; accepting turns them into that traveler's booking (`booking_id`).
 * One live entry (waiting or offered) per traveler per departure. A cancelled departure closes its
 * live entries (`closed`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('waitlist_entries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('departure_id', 'integer', (c) => c.notNull().references('departures.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('guests', 'integer', (c) => c.notNull().check(sql`guests between 1 and 10`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('waiting', 'offered', 'accepted', 'expired', 'left', 'closed')`),
    )
    .addColumn('offered_at', 'text')
    .addColumn('offer_expires_at', 'text')
    .addColumn('booking_id', 'integer', (c) => c.references('bookings.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create unique index waitlist_one_live_entry on waitlist_entries (departure_id, user_id)
            where status in ('waiting', 'offered')`.execute(db);
  await sql`create index waitlist_queue on waitlist_entries (departure_id, status, id)`.execute(db);
  await sql`create index waitlist_offers_due on waitlist_entries (offer_expires_at) where status = 'offered'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('waitlist_entries').execute();
}
