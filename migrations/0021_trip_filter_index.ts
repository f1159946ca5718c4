import { sql, type Kysely } from 'kysely';

/**
 * Narrow copies of the columns a search filters and sorts trips on. Checking a trip here
 * instead of in the wide trips table (descriptions, schedules) keeps a search's many
 * per-row checks in a few cached pages:
 * - trips_filter: by id (the departure-by-date walk and text matches look trips up by id);
 * - trips_facets: region/difficulty filters; trips_by_price, trips_by_created: sorted walks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index trips_filter on trips(id, status, organizer_id, region, difficulty, price_paise, created_at)`.execute(
    db,
  );
  await sql`create index trips_facets on trips(status, region, difficulty, price_paise, organizer_id)`.execute(db);
  await sql`create index trips_by_price on trips(status, price_paise, organizer_id, region, difficulty)`.execute(db);
  await sql`create index trips_by_created on trips(status, created_at, organizer_id, region, difficulty, price_paise)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['trips_by_created', 'trips_by_price', 'trips_facets', 'trips_filter'])
    await sql`drop index ${sql.id(i)}`.execute(db);
}
