import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** Moves to another departure, and the participants' details edited until the move cut-off. */

/** The open departures of a trip a booking could move to: not its own, starting after `afterDay`. */
export function moveTargets(db: Db, tripId: number, exceptDepartureId: number, afterDay: string) {
  return db
    .selectFrom('departures')
    .select(['id', 'start_date', 'end_date', 'capacity', 'seats_taken'])
    .where('trip_id', '=', tripId)
    .where('status', '=', 'open')
    .where('id', '!=', exceptDepartureId)
    .where('start_date', '>', afterDay)
    .orderBy('start_date')
    .execute();
}

export async function insertMove(db: Db, m: Insertable<Database['booking_moves']>): Promise<number> {
  const r = await db
    .insertInto('booking_moves')
    .values({
      booking_id: m.booking_id,
      from_departure_id: m.from_departure_id,
      to_departure_id: m.to_departure_id,
      guests: m.guests,
      fee_paise: m.fee_paise,
      difference_paise: m.difference_paise,
      status: m.status,
      moved_by: m.moved_by,
      by_organizer: m.by_organizer,
      created_at: m.created_at,
      done_at: m.done_at,
    })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

/** A booking's moves, newest first, with the dates moved from and to. */
export function movesOf(db: Db, bookingId: number) {
  return db
    .selectFrom('booking_moves')
    .innerJoin('departures as from_d', 'from_d.id', 'booking_moves.from_departure_id')
    .innerJoin('departures as to_d', 'to_d.id', 'booking_moves.to_departure_id')
    .select([
      'booking_moves.id',
      'booking_moves.status',
      'booking_moves.fee_paise',
      'booking_moves.difference_paise',
      'booking_moves.by_organizer',
      'booking_moves.created_at',
      'from_d.start_date as from_start',
      'to_d.start_date as to_start',
    ])
    .where('booking_moves.booking_id', '=', bookingId)
    .orderBy('booking_moves.id', 'desc')
    .execute();
}

/** One participant's details rewritten (a seat passed to a friend). */
export async function updateParticipant(
  db: Db,
  bookingId: number,
  p: { position: number; name: string; phone: string; age: number; dietary: string },
): Promise<void> {
  await db
    .updateTable('booking_participants')
    .set({ name: p.name, phone: p.phone, age: p.age, dietary: p.dietary })
    .where('booking_id', '=', bookingId)
    .where('position', '=', p.position)
    .execute();
}
