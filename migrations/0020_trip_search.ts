import { sql, type Kysely } from 'kysely';

/**
 * Search support for trips: categories as rows (indexed, kept in sync with trips.categories
 * by triggers) and indexes the discovery listing needs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trip_categories')
    .addColumn('trip_id', 'integer', (c) => c.notNull().references('trips.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trip_categories_pk', ['category', 'trip_id'])
    .execute();
  await db.schema.createIndex('trip_categories_trip').on('trip_categories').column('trip_id').execute();
  await sql`insert or ignore into trip_categories(trip_id, category) select t.id, j.value from trips t, json_each(t.categories) j`.execute(
    db,
  );
  await sql`create trigger trip_categories_ai after insert on trips begin
    insert or ignore into trip_categories(trip_id, category) select new.id, value from json_each(new.categories);
  end`.execute(db);
  await sql`create trigger trip_categories_au after update of categories on trips begin
    delete from trip_categories where trip_id = old.id;
    insert or ignore into trip_categories(trip_id, category) select new.id, value from json_each(new.categories);
  end`.execute(db);

  await db.schema.createIndex('trips_status_created').on('trips').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('trips_status_region').on('trips').columns(['status', 'region', 'price_paise']).execute();
  // Open departures by date, with what the listing filters on, so the index alone answers it.
  await sql`create index departures_open_start on departures(start_date, trip_id, capacity, seats_taken) where status = 'open'`.execute(
    db,
  );
  await sql`create index departures_open_trip on departures(trip_id, start_date, capacity, seats_taken) where status = 'open'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index departures_open_trip`.execute(db);
  await sql`drop index departures_open_start`.execute(db);
  await sql`drop index trips_status_region`.execute(db);
  await sql`drop index trips_status_created`.execute(db);
  await sql`drop trigger trip_categories_au`.execute(db);
  await sql`drop trigger trip_categories_ai`.execute(db);
  await db.schema.dropTable('trip_categories').execute();
}
