import { sql, type Kysely } from 'kysely';

/**
 * Reviews (issue 17, item 3).
 * - reviews: one per booking (UNIQUE booking_id: two posts at once make one review), by its
 *   traveler once the trip is over; stars for the trip and for the organizer, a title, a
 *   comment and tags (JSON). The organizer's one reply sits on the row (replied_at set once).
 *   An admin hides or restores it (status), with the reason and who did it.
 * - review_reports: anyone signed in reports a review once (UNIQUE review_id, user_id); an
 *   admin's decision resolves the open reports.
 * - trip_ratings / organizer_ratings: the count and star total of the visible reviews, rewritten
 *   from reviews in the transaction of every change, so cards, pages and the rating sort read
 *   one row. trip_ratings_rank walks rated trips best first.
 * - review_invites: the "how was your trek?" message, once per booking (the primary key).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().unique().references('bookings.id'))
    .addColumn('trip_id', 'integer', (c) => c.notNull().references('trips.id'))
    .addColumn('organizer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('trip_stars', 'integer', (c) => c.notNull().check(sql`trip_stars between 1 and 5`))
    .addColumn('organizer_stars', 'integer', (c) => c.notNull().check(sql`organizer_stars between 1 and 5`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('visible')
        .check(sql`status in ('visible','hidden')`),
    )
    .addColumn('reply', 'text')
    .addColumn('replied_at', 'text')
    .addColumn('moderation_reason', 'text')
    .addColumn('moderated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('moderated_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_trip').on('reviews').columns(['trip_id', 'status', 'id']).execute();
  await db.schema.createIndex('reviews_organizer').on('reviews').columns(['organizer_id', 'status', 'id']).execute();
  await db.schema.createIndex('reviews_user').on('reviews').columns(['user_id']).execute();

  await db.schema
    .createTable('review_reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('review_reports_once', ['review_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('review_reports_open')
    .on('review_reports')
    .columns(['review_id'])
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();

  for (const [table, key] of [
    ['trip_ratings', 'trip_id'],
    ['organizer_ratings', 'organizer_id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn(key, 'integer', (c) => c.primaryKey().references(key === 'trip_id' ? 'trips.id' : 'users.id'))
      .addColumn('reviews', 'integer', (c) => c.notNull())
      .addColumn('stars_total', 'integer', (c) => c.notNull())
      .execute();
  }
  // Rated trips, best average first, then the most reviewed: the rating sort walks it in order.
  await sql`create index trip_ratings_rank on trip_ratings ((stars_total * 1.0 / reviews) desc, reviews desc, trip_id)
    where reviews > 0`.execute(db);

  await db.schema
    .createTable('review_invites')
    .addColumn('booking_id', 'integer', (c) => c.primaryKey().references('bookings.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('review_invites').execute();
  await db.schema.dropTable('organizer_ratings').execute();
  await db.schema.dropTable('trip_ratings').execute();
  await db.schema.dropTable('review_reports').execute();
  await db.schema.dropTable('reviews').execute();
}
