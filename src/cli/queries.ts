import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The statements of the command-line tools (npm run seed:demo writes its demo rows directly). */

type Db = Kysely<Database>;

/** How many demo organizers a previous seed:demo made. */
export async function countDemoOrganizers(db: Db): Promise<number> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('email', 'like', 'demo-organizer-%@trektribe.local')
    .execute();
  return rows.length;
}

export async function insertDemoOrganizer(db: Db, values: Insertable<Database['users']>): Promise<number> {
  const { id } = await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** One demo trip with its photos and departures, in one transaction. */
export async function insertDemoTrip(
  db: Db,
  trip: Insertable<Database['trips']>,
  images: Omit<Insertable<Database['trip_images']>, 'trip_id'>[],
  departures: Omit<Insertable<Database['departures']>, 'trip_id'>[],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto('trips').values(trip).returning('id').executeTakeFirstOrThrow();
    for (const image of images)
      await trx
        .insertInto('trip_images')
        .values({ ...image, trip_id: id })
        .execute();
    for (const departure of departures)
      await trx
        .insertInto('departures')
        .values({ ...departure, trip_id: id })
        .execute();
    return id;
  });
}
