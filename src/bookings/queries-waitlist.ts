import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The waitlist's SQL: entries, their order, offers and their seats. */

type Db = Kysely<Database>;

export function insertEntry(db: Db, v: { departureId: number; userId: number; guests: number; now: string }) {
  return db
    .insertInto('waitlist_entries')
    .values({
      departure_id: v.departureId,
      user_id: v.userId,
      guests: v.guests,
      status: 'waiting',
      offered_at: null,
      offer_expires_at: null,
      booking_id: null,
      created_at: v.now,
      updated_at: v.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
}

export function liveEntryOf(db: Db, userId: number, departureId: number) {
  return db
    .selectFrom('waitlist_entries')
    .selectAll()
    .where('user_id', '=', userId)
    .where('departure_id', '=', departureId)
    .where('status', 'in', ['waiting', 'offered'])
    .executeTakeFirst();
}

export function findEntry(db: Db, id: number) {
  return db.selectFrom('waitlist_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The departure's free seats and whether it takes bookings, read under the caller's lock. */
export function departureSeats(db: Db, departureId: number) {
  return db
    .selectFrom('departures')
    .innerJoin('trips', 'trips.id', 'departures.trip_id')
    .select([
      'departures.id',
      'departures.capacity',
      'departures.seats_taken',
      'departures.status',
      'departures.start_date',
      'trips.id as trip_id',
      'trips.title',
      'trips.status as trip_status',
      'trips.organizer_id',
    ])
    .where('departures.id', '=', departureId)
    .executeTakeFirst();
}

/** Waiting entries of a departure in order, groups of at most `maxGuests`: those an offer of that many seats may go to. */
export function waitingThatFit(db: Db, departureId: number, maxGuests: number, limit: number) {
  return db
    .selectFrom('waitlist_entries')
    .innerJoin('users', 'users.id', 'waitlist_entries.user_id')
    .select([
      'waitlist_entries.id',
      'waitlist_entries.guests',
      'waitlist_entries.user_id',
      'users.name',
      'users.email',
      'users.phone',
    ])
    .where('waitlist_entries.departure_id', '=', departureId)
    .where('waitlist_entries.status', '=', 'waiting')
    .where('waitlist_entries.guests', '<=', maxGuests)
    .orderBy('waitlist_entries.id')
    .limit(limit)
    .execute();
}

/** waiting → offered, only if still waiting. */
export async function markOffered(db: Db, id: number, now: string, until: string): Promise<boolean> {
  const r = await db
    .updateTable('waitlist_entries')
    .set({ status: 'offered', offered_at: now, offer_expires_at: until, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Moves an entry from one of `from` to `to`; false when it was no longer in `from`. */
export async function moveEntry(
  db: Db,
  id: number,
  from: Database['waitlist_entries']['status'][],
  to: Database['waitlist_entries']['status'],
  now: string,
  bookingId?: number,
): Promise<boolean> {
  const r = await db
    .updateTable('waitlist_entries')
    .set({
      status: to,
      updated_at: now,
      offer_expires_at: null,
      ...(bookingId !== undefined ? { booking_id: bookingId } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Offers past their time, oldest first. */
export function expiredOffers(db: Db, now: string, limit: number) {
  return db
    .selectFrom('waitlist_entries as w')
    .innerJoin('departures as d', 'd.id', 'w.departure_id')
    .innerJoin('trips as t', 't.id', 'd.trip_id')
    .innerJoin('users as u', 'u.id', 'w.user_id')
    .select([
      'w.id',
      'w.departure_id',
      'w.guests',
      'w.user_id',
      'd.trip_id',
      'd.start_date',
      't.title',
      'u.name',
      'u.email',
      'u.phone',
    ])
    .where('w.status', '=', 'offered')
    .where('w.offer_expires_at', '<=', now)
    .orderBy('w.departure_id')
    .orderBy('w.id')
    .limit(limit)
    .execute();
}

/** A traveler's live entries with their place (1 = next), the trip and the departure. */
export function entriesOfTraveler(db: Db, userId: number) {
  return db
    .selectFrom('waitlist_entries as w')
    .innerJoin('departures as d', 'd.id', 'w.departure_id')
    .innerJoin('trips as t', 't.id', 'd.trip_id')
    .select([
      'w.id',
      'w.guests',
      'w.status',
      'w.offer_expires_at',
      'w.departure_id',
      'd.start_date',
      't.id as trip_id',
      't.title',
      't.price_paise',
      sql<number>`(select count(*) from waitlist_entries o
                   where o.departure_id = w.departure_id and o.status in ('waiting', 'offered') and o.id <= w.id)`.as(
        'place',
      ),
    ])
    .where('w.user_id', '=', userId)
    .where('w.status', 'in', ['waiting', 'offered'])
    .orderBy('d.start_date')
    .execute();
}

/** A departure's live waitlist in order, for its organizer. */
export function entriesOfDeparture(db: Db, departureId: number) {
  return db
    .selectFrom('waitlist_entries as w')
    .innerJoin('users as u', 'u.id', 'w.user_id')
    .select(['w.id', 'w.guests', 'w.status', 'w.offer_expires_at', 'w.created_at', 'u.name', 'u.email', 'u.phone'])
    .where('w.departure_id', '=', departureId)
    .where('w.status', 'in', ['waiting', 'offered'])
    .orderBy('w.id')
    .execute();
}

/** The departure with its trip's organizer, for the organizer's waitlist page. */
export function departureOfOrganizer(db: Db, departureId: number) {
  return db
    .selectFrom('departures as d')
    .innerJoin('trips as t', 't.id', 'd.trip_id')
    .select(['d.id', 'd.start_date', 'd.capacity', 'd.seats_taken', 't.id as trip_id', 't.title', 't.organizer_id'])
    .where('d.id', '=', departureId)
    .executeTakeFirst();
}

/** A departure's live entries with whom to tell, in order. */
export function liveEntriesToTell(db: Db, departureId: number) {
  return db
    .selectFrom('waitlist_entries as w')
    .innerJoin('users as u', 'u.id', 'w.user_id')
    .select(['w.id', 'w.guests', 'w.status', 'w.user_id', 'u.name', 'u.email', 'u.phone'])
    .where('w.departure_id', '=', departureId)
    .where('w.status', 'in', ['waiting', 'offered'])
    .orderBy('w.id')
    .execute();
}

/** The travelers still on these departures' waitlists (waiting or offered). */
export async function liveUsersOf(db: Db, departureIds: number[]): Promise<number[]> {
  if (departureIds.length === 0) return [];
  const rows = await db
    .selectFrom('waitlist_entries')
    .select('user_id')
    .distinct()
    .where('departure_id', 'in', departureIds)
    .where('status', 'in', ['waiting', 'offered'])
    .execute();
  return rows.map((r) => r.user_id);
}
