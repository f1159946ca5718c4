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
      due_paise: m.due_paise ?? 0,
      moved_by: m.moved_by,
      by_organizer: m.by_organizer,
      created_at: m.created_at,
      done_at: m.done_at,
    })
    .executeTakeFirstOrThrow();
  return Number(r.insertId);
}

/** The move of a booking waiting for its payment (one at most), with the dates it goes to. */
export function pendingMoveOf(db: Db, bookingId: number) {
  return db
    .selectFrom('booking_moves')
    .innerJoin('departures as to_d', 'to_d.id', 'booking_moves.to_departure_id')
    .selectAll('booking_moves')
    .select(['to_d.start_date as to_start', 'to_d.end_date as to_end'])
    .where('booking_moves.booking_id', '=', bookingId)
    .where('booking_moves.status', '=', 'awaiting_payment')
    .executeTakeFirst();
}

export function departureOf(db: Db, id: number) {
  return db
    .selectFrom('departures')
    .select(['id', 'start_date', 'end_date'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export function findMove(db: Db, id: number) {
  return db.selectFrom('booking_moves').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The move a Razorpay order was opened to pay, whatever became of it. */
export function moveByOrder(db: Db, orderId: string) {
  return db
    .selectFrom('booking_moves')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function setMoveOrder(db: Db, moveId: number, orderId: string): Promise<void> {
  await db
    .updateTable('booking_moves')
    .set({ order_id: orderId })
    .where('id', '=', moveId)
    .where('status', '=', 'awaiting_payment')
    .execute();
}

/** Ends a move waiting for its payment ('done': paid and made; 'cancelled'): true when this call did it. */
export async function closePendingMove(
  db: Db,
  moveId: number,
  status: 'done' | 'cancelled',
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('booking_moves')
    .set({ status, done_at: status === 'done' ? now : null })
    .where('id', '=', moveId)
    .where('status', '=', 'awaiting_payment')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
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
