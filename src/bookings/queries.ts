import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** The trip and departure a booking form is about, with whom its booking's messages go to on the organizer's side. */
const bookable = (db: Db, v: { tripId: number; departureId: number }) =>
  db
    .selectFrom('departures')
    .innerJoin('trips', 'trips.id', 'departures.trip_id')
    .innerJoin('users as org', 'org.id', 'trips.organizer_id')
    .select([
      'trips.id as trip_id',
      'trips.title',
      'trips.price_paise',
      'trips.status as trip_status',
      'trips.organizer_id',
      'trips.meeting_point',
      'trips.deposit_kind',
      'trips.deposit_value',
      'trips.balance_due_days',
      'departures.id as departure_id',
      'departures.start_date',
      'departures.end_date',
      'departures.capacity',
      'departures.seats_taken',
      'departures.status as departure_status',
      'org.email as organizer_email',
      'org.phone as organizer_phone',
    ])
    .where('departures.id', '=', v.departureId)
    .where('trips.id', '=', v.tripId);

export async function findBookable(db: Db, tripId: number, departureId: number) {
  return bookable(db, { tripId, departureId }).executeTakeFirst();
}

export function openDeparturesOfTrip(db: Db, tripId: number, fromDay: string) {
  return db
    .selectFrom('departures')
    .select(['id', 'start_date', 'end_date', 'capacity', 'seats_taken'])
    .where('trip_id', '=', tripId)
    .where('status', '=', 'open')
    .where('start_date', '>', fromDay)
    .orderBy('start_date')
    .execute();
}

/**
 * The seat hold: one conditional statement, so two bookings can never both see the last
 * seat free. Returns how many rows changed (0 = not enough seats or departure closed).
 */
const seatsTaken = (db: Db, v: { departureId: number; seats: number }) =>
  db
    .updateTable('departures')
    .set({ seats_taken: sql`seats_taken + ${v.seats}` })
    .where('id', '=', v.departureId)
    .where('status', '=', 'open')
    .where(sql<boolean>`seats_taken + ${v.seats} <= capacity`);

export async function takeSeats(db: Db, departureId: number, seats: number): Promise<number> {
  return Number((await seatsTaken(db, { departureId, seats }).executeTakeFirst()).numUpdatedRows);
}

/** Seats a traveler holds unpaid on a departure, over all their pending bookings (a UPI payment being checked included). */
export async function unpaidSeatsHeldBy(db: Db, userId: number, departureId: number): Promise<number> {
  const r = await db
    .selectFrom('bookings')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('guests'), sql<number>`0`).as('seats'))
    .where('departure_id', '=', departureId)
    .where('status', '=', 'pending')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r?.seats ?? 0);
}

/** Seats a traveler holds unpaid over all departures (pending bookings, a UPI proof being checked included). */
export async function unpaidSeatsHeldByTraveler(db: Db, userId: number): Promise<number> {
  const r = await db
    .selectFrom('bookings')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('guests'), sql<number>`0`).as('seats'))
    .where('status', '=', 'pending')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r?.seats ?? 0);
}

export async function releaseSeats(db: Db, departureId: number, seats: number): Promise<void> {
  await db
    .updateTable('departures')
    .set({ seats_taken: sql`max(seats_taken - ${seats}, 0)` })
    .where('id', '=', departureId)
    .execute();
}

/** A new booking: every column but the ones the database fills in. */
export type NewBooking = Required<
  Omit<Insertable<Database['bookings']>, 'id' | 'refund_paise' | 'paid_paise' | 'balance_reminders'>
>;

const bookingInsert = (db: Db, v: NewBooking) =>
  db.insertInto('bookings').values({
    code: v.code,
    trip_id: v.trip_id,
    departure_id: v.departure_id,
    user_id: v.user_id,
    organizer_id: v.organizer_id,
    guests: v.guests,
    amount_paise: v.amount_paise,
    status: v.status,
    cancel_reason: v.cancel_reason,
    payment_method: v.payment_method,
    payment_status: v.payment_status,
    verification_status: v.verification_status,
    hold_expires_at: v.hold_expires_at,
    expiry_warned_at: v.expiry_warned_at,
    reminder_sent_at: v.reminder_sent_at,
    special_requests: v.special_requests,
    deposit_paise: v.deposit_paise,
    balance_due_on: v.balance_due_on,
    confirmed_at: v.confirmed_at,
    cancelled_at: v.cancelled_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
  });

/**
 * The id comes from SQLite's last insert rowid, not from `returning`: RETURNING made SQLite
 * buffer the row in a temporary table first (in process this insert took ~59 µs with it,
 * ~52 µs without).
 */
export async function insertBooking(db: Db, b: NewBooking): Promise<{ id: number; code: string }> {
  return { id: Number((await bookingInsert(db, b).executeTakeFirstOrThrow()).insertId), code: b.code };
}

const participantInsert = (
  db: Db,
  v: { booking_id: number; position: number; name: string; phone: string; age: number; dietary: string },
) =>
  db
    .insertInto('booking_participants')
    .values({
      booking_id: v.booking_id,
      position: v.position,
      name: v.name,
      phone: v.phone,
      age: v.age,
      dietary: v.dietary,
    })
    .execute();

export async function insertParticipants(
  db: Db,
  bookingId: number,
  people: { name: string; phone: string; age: number; dietary: string }[],
) {
  for (const [i, p] of people.entries())
    await participantInsert(db, {
      booking_id: bookingId,
      position: i + 1,
      name: p.name,
      phone: p.phone,
      age: p.age,
      dietary: p.dietary,
    });
}

const bookingColumns = [
  'bookings.id',
  'bookings.code',
  'bookings.trip_id',
  'bookings.departure_id',
  'bookings.user_id',
  'bookings.organizer_id',
  'bookings.guests',
  'bookings.amount_paise',
  'bookings.status',
  'bookings.cancel_reason',
  'bookings.payment_method',
  'bookings.payment_status',
  'bookings.verification_status',
  'bookings.hold_expires_at',
  'bookings.special_requests',
  'bookings.refund_paise',
  'bookings.deposit_paise',
  'bookings.paid_paise',
  'bookings.balance_due_on',
  'bookings.balance_reminders',
  'bookings.confirmed_at',
  'bookings.cancelled_at',
  'bookings.created_at',
  'trips.title',
  'trips.refund_policy',
  'trips.meeting_point',
  'trips.destination',
  'trips.price_paise',
  'trips.move_cutoff_days',
  'trips.move_fee_paise',
  'trips.balance_due_days',
  'departures.start_date',
  'departures.end_date',
  'departures.status as departure_status',
  'traveler.name as traveler_name',
  'traveler.email as traveler_email',
  'traveler.phone as traveler_phone',
  'org.name as organizer_name',
  'org.org_display_name',
  'org.upi_id',
  'org.email as organizer_email',
  'org.phone as organizer_phone',
] as const;

function bookingBase(db: Db) {
  return db
    .selectFrom('bookings')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('users as traveler', 'traveler.id', 'bookings.user_id')
    .innerJoin('users as org', 'org.id', 'bookings.organizer_id')
    .select(bookingColumns);
}

export function findBooking(db: Db, id: number) {
  return bookingBase(db).where('bookings.id', '=', id).executeTakeFirst();
}

export type BookingRow = NonNullable<Awaited<ReturnType<typeof findBooking>>>;

/** What a booking's messages say, and to whom: read for every message sent, so it is lean. */
const messageBooking = (db: Db, v: { id: number }) =>
  db
    .selectFrom('bookings')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('users as traveler', 'traveler.id', 'bookings.user_id')
    .innerJoin('users as org', 'org.id', 'bookings.organizer_id')
    .select([
      'bookings.id',
      'bookings.code',
      'bookings.trip_id',
      'bookings.guests',
      'bookings.amount_paise',
      'bookings.status',
      'bookings.hold_expires_at',
      'bookings.paid_paise',
      'bookings.balance_due_on',
      'trips.title',
      'trips.meeting_point',
      'departures.start_date',
      'traveler.name as traveler_name',
      'traveler.email as traveler_email',
      'traveler.phone as traveler_phone',
      'org.email as organizer_email',
      'org.phone as organizer_phone',
    ])
    .where('bookings.id', '=', v.id);

export async function findMessageBooking(db: Db, id: number) {
  return messageBooking(db, { id }).executeTakeFirst();
}

export function bookingsOfUser(db: Db, userId: number) {
  return bookingBase(db)
    .where('bookings.user_id', '=', userId)
    .orderBy('departures.start_date', 'desc')
    .orderBy('bookings.id', 'desc')
    .limit(200)
    .execute();
}

/** The traveler's own name, phone and email: the first guest of a booking they make, and whom its messages go to. */
export function leadTraveler(db: Db, userId: number) {
  return db.selectFrom('users').select(['name', 'phone', 'email']).where('id', '=', userId).executeTakeFirst();
}

export function participantsOf(db: Db, bookingId: number) {
  return db
    .selectFrom('booking_participants')
    .select(['position', 'name', 'phone', 'age', 'dietary'])
    .where('booking_id', '=', bookingId)
    .orderBy('position')
    .execute();
}

export function proofsOf(db: Db, bookingId: number) {
  return db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
}

/** Moves a booking from one status to another only if it is still in the first: the guard against doing a thing twice. */
export async function transition(
  db: Db,
  id: number,
  from: string[],
  set: Updateable<Database['bookings']>,
): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from as never)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Puts a confirmed booking on another departure, only while it is still confirmed on the one it
 * was read on: two moves of the same booking cannot both happen.
 */
export async function changeDeparture(
  db: Db,
  id: number,
  fromDepartureId: number,
  set: {
    departure_id: number;
    amount_paise: number;
    paid_paise?: number;
    balance_due_on?: string | null;
    balance_reminders?: number;
    updated_at: string;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'confirmed')
    .where('departure_id', '=', fromDepartureId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Completed bookings whose departure ended on a day in [fromDay, beforeDay) (the review invitations). */
export function completedEndedBetween(db: Db, fromDay: string, beforeDay: string) {
  return bookingBase(db)
    .where('bookings.status', '=', 'completed')
    .where('departures.end_date', '>=', fromDay)
    .where('departures.end_date', '<', beforeDay)
    .orderBy('bookings.id')
    .limit(2000)
    .execute();
}

/** The traveler's confirmed booking on a departure, if any (a free trip is joined once). */
export function confirmedBookingOf(db: Db, userId: number, departureId: number) {
  return db
    .selectFrom('bookings')
    .select('id')
    .where('user_id', '=', userId)
    .where('departure_id', '=', departureId)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
}

export function activeBookingsOfDeparture(db: Db, departureId: number) {
  return db
    .selectFrom('bookings')
    .select(['id'])
    .where('departure_id', '=', departureId)
    .where('status', 'in', ['pending', 'confirmed'])
    .execute();
}

export function findDeparture(db: Db, id: number) {
  return db
    .selectFrom('departures')
    .innerJoin('trips', 'trips.id', 'departures.trip_id')
    .select([
      'departures.id',
      'departures.trip_id',
      'departures.start_date',
      'departures.end_date',
      'departures.status',
      'departures.capacity',
      'departures.seats_taken',
      'trips.organizer_id',
      'trips.title',
    ])
    .where('departures.id', '=', id)
    .executeTakeFirst();
}

export function openDepartureIdsOfTrip(db: Db, tripId: number) {
  return db.selectFrom('departures').select('id').where('trip_id', '=', tripId).where('status', '=', 'open').execute();
}

export function closeDeparture(db: Db, id: number) {
  return db
    .updateTable('departures')
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

/** Whose booking a code is (the CRM's search by booking code); codes are unique and upper case. */
export function userOfBookingCode(db: Db, code: string) {
  return db.selectFrom('bookings').select('user_id').where('code', '=', code).executeTakeFirst();
}

/**
 * Money arrived on a booking: what was paid so far grows by `amount`, only if it is still what
 * the caller read (`paidBefore`), so the same payment is never counted twice.
 */
export async function addPaid(
  db: Db,
  id: number,
  from: string[],
  paidBefore: number,
  amount: number,
  set: Updateable<Database['bookings']>,
): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ ...set, paid_paise: paidBefore + amount })
    .where('id', '=', id)
    .where('status', 'in', from as never)
    .where('paid_paise', '=', paidBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
