import { sql, type Kysely } from 'kysely';

/**
 * A narrow copy of the columns search filters trips on, keyed by id. Looking a trip up here
 * instead of in the wide trips table (descriptions, schedules) keeps a search's many
 * per-departure checks in a few cached pages.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index trips_filter on trips(id, status, organizer_id, region, difficulty, price_paise, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index trips_filter`.execute(db);
}
