import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trips')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organizer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('price_paise', 'integer', (c) => c.notNull().check(sql`price_paise >= 0`))
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('difficulty', 'text', (c) =>
      c.notNull().check(sql`difficulty in ('beginner','intermediate','advanced')`),
    )
    .addColumn('included', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('requirements', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('itinerary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('schedule', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('meeting_point', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft','active','inactive','cancelled','completed')`),
    )
    .addColumn('refund_policy', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trips_organizer').on('trips').columns(['organizer_id', 'status']).execute();
  await db.schema.createIndex('trips_status_price').on('trips').columns(['status', 'price_paise']).execute();

  await db.schema
    .createTable('trip_images')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('trip_id', 'integer', (c) => c.notNull().references('trips.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_cover', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('trip_images_trip').on('trip_images').columns(['trip_id', 'position']).execute();

  await db.schema
    .createTable('departures')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('trip_id', 'integer', (c) => c.notNull().references('trips.id').onDelete('cascade'))
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 500`))
    .addColumn('seats_taken', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`seats_taken >= 0 and seats_taken <= capacity`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open','cancelled')`),
    )
    .addCheckConstraint('departures_dates', sql`end_date >= start_date`)
    .execute();
  await db.schema.createIndex('departures_trip_start').on('departures').columns(['trip_id', 'start_date']).execute();
  await db.schema.createIndex('departures_start').on('departures').columns(['start_date', 'trip_id']).execute();

  // Full-text search over the trip's words, kept in sync by triggers (external content).
  await sql`create virtual table trips_fts using fts5(title, description, destination, content='trips', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create trigger trips_fts_ai after insert on trips begin
    insert into trips_fts(rowid, title, description, destination) values (new.id, new.title, new.description, new.destination);
  end`.execute(db);
  await sql`create trigger trips_fts_ad after delete on trips begin
    insert into trips_fts(trips_fts, rowid, title, description, destination) values ('delete', old.id, old.title, old.description, old.destination);
  end`.execute(db);
  await sql`create trigger trips_fts_au after update of title, description, destination on trips begin
    insert into trips_fts(trips_fts, rowid, title, description, destination) values ('delete', old.id, old.title, old.description, old.destination);
    insert into trips_fts(rowid, title, description, destination) values (new.id, new.title, new.description, new.destination);
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['trips_fts_au', 'trips_fts_ad', 'trips_fts_ai']) await sql`drop trigger ${sql.id(t)}`.execute(db);
  await sql`drop table trips_fts`.execute(db);
  await db.schema.dropTable('departures').execute();
  await db.schema.dropTable('trip_images').execute();
  await db.schema.dropTable('trips').execute();
}
