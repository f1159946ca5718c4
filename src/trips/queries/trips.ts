import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../schema.js';
import type { TripStatus, TripsTable } from '../tables.js';

type Db = Kysely<Database>;

/** The SQL of one trip and its departures: reads, the organizer's list, writes. */

export async function findTrip(db: Db, id: number) {
  return db.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganizer(db: Db, id: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'name',
      'email',
      'phone',
      'org_display_name',
      'org_about',
      'bio',
      'location',
      'photo',
      'status',
      'role',
      'created_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function tripDepartures(db: Db, tripId: number) {
  return db
    .selectFrom('departures')
    .selectAll()
    .where('trip_id', '=', tripId)
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

// ---------------------------------------------------------------------------------------
// Organizer's own trips

export async function managedTrips(db: Db, organizerId: number | null) {
  let q = db
    .selectFrom('trips')
    .leftJoin('departures as d', (j) => j.onRef('d.trip_id', '=', 'trips.id').on('d.status', '=', 'open'))
    .select([
      'trips.id',
      'trips.title',
      'trips.status',
      'trips.destination',
      'trips.price_paise',
      'trips.updated_at',
      (eb) => eb.fn.count<number>('d.id').as('departures'),
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('d.capacity'), sql<number>`0`).as('capacity'),
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('d.seats_taken'), sql<number>`0`).as('taken'),
      (eb) => eb.fn.min<string | null>('d.start_date').as('first_start'),
      (eb) => eb.fn.max<string | null>('d.start_date').as('last_start'),
    ])
    .groupBy('trips.id')
    .orderBy('trips.updated_at', 'desc')
    .orderBy('trips.id', 'desc');
  if (organizerId !== null) q = q.where('trips.organizer_id', '=', organizerId);
  return q.limit(500).execute();
}

/** The departures of some trips that have seats taken (any status), soonest first. */
export async function bookedDepartures(db: Db, tripIds: number[]) {
  if (tripIds.length === 0) return [];
  return db
    .selectFrom('departures')
    .select(['id', 'trip_id', 'start_date', 'seats_taken'])
    .where('trip_id', 'in', tripIds)
    .where('seats_taken', '>', 0)
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

/** A trips row as written: every column but the generated id and the admin's moderation (a duplicate keeps that). */
export type TripInsert = Omit<Selectable<TripsTable>, 'id' | 'moderated_at' | 'moderation_reason'>;

export async function insertTrip(db: Db, row: TripInsert): Promise<number> {
  const r = await db.insertInto('trips').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateTrip(db: Db, id: number, row: Partial<TripInsert>): Promise<void> {
  await db.updateTable('trips').set(row).where('id', '=', id).execute();
}

/** How many trips of the organizer are active (published), whether travelers can see them or not. */
export async function countActiveTrips(db: Db, organizerId: number): Promise<number> {
  const r = await db
    .selectFrom('trips')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('organizer_id', '=', organizerId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function setTripStatus(db: Db, id: number, status: TripStatus, now: string): Promise<void> {
  await db.updateTable('trips').set({ status, updated_at: now }).where('id', '=', id).execute();
}

/**
 * Active trips that have run their course: at least one departure went ahead and ended before
 * `today`, and none is still open and to come.
 */
export async function endedTripIds(db: Db, today: string): Promise<number[]> {
  const r = await sql<{ id: number }>`select t.id from trips t where t.status = 'active'
    and exists (select 1 from departures e where e.trip_id = t.id and e.status = 'open' and e.end_date < ${today})
    and not exists (select 1 from departures e where e.trip_id = t.id and e.status = 'open' and e.end_date >= ${today})
    order by t.id limit 500`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Completes an active trip; false when it was no longer active. */
export async function completeTrip(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('trips')
    .set({ status: 'completed', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertDeparture(
  db: Db,
  row: { trip_id: number; start_date: string; end_date: string; capacity: number },
): Promise<number> {
  const r = await db.insertInto('departures').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** Changes dates/capacity; the capacity never drops below the seats already taken (checked in SQL). */
export async function updateDeparture(
  db: Db,
  id: number,
  tripId: number,
  row: { start_date: string; end_date: string; capacity: number },
): Promise<boolean> {
  const r = await db
    .updateTable('departures')
    .set(row)
    .where('id', '=', id)
    .where('trip_id', '=', tripId)
    .where('seats_taken', '<=', row.capacity)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Removes a departure nobody has booked; false if it has seats taken. */
export async function deleteUnbookedDeparture(db: Db, id: number, tripId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('departures')
    .where('id', '=', id)
    .where('trip_id', '=', tripId)
    .where('seats_taken', '=', 0)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Cancels an unbooked departure; false if seats are taken (bookings must be refunded first). */
export async function cancelUnbookedDeparture(db: Db, id: number, tripId: number): Promise<boolean> {
  const r = await db
    .updateTable('departures')
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('trip_id', '=', tripId)
    .where('seats_taken', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
