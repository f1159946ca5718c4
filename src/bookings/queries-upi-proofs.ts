import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** The SQL of UPI proofs, the organizer's verification queue and the refunds they pay by hand. */
/** A proof of another booking with this UTR, whatever became of it (one rejected too: the money was not found). */
export function utrUsedElsewhere(db: Db, utr: string, bookingId: number) {
  return db
    .selectFrom('upi_proofs')
    .select('id')
    .where('utr', '=', utr)
    .where('booking_id', '!=', bookingId)
    .executeTakeFirst();
}

/** The booking's own payment proof waiting for the organizer (a move's proof is not: see pendingMoveProof). */
export function pendingProofOf(db: Db, bookingId: number) {
  return db
    .selectFrom('upi_proofs')
    .select(['id', 'amount_paise'])
    .where('booking_id', '=', bookingId)
    .where('status', '=', 'pending')
    .where('move_id', 'is', null)
    .executeTakeFirst();
}

/** The proof of a move's payment waiting for the organizer, if one is. */
export function pendingMoveProof(db: Db, moveId: number) {
  return db
    .selectFrom('upi_proofs')
    .select(['id', 'amount_paise'])
    .where('move_id', '=', moveId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export function proofsRejectedBefore(db: Db, iso: string) {
  return db
    .selectFrom('upi_proofs')
    .select(['screenshot_key', 'screenshot_width'])
    .where('status', '=', 'rejected')
    .where('decided_at', '<', iso)
    .execute();
}

export function proofScreenshots(db: Db) {
  return db.selectFrom('upi_proofs').select(['screenshot_key', 'screenshot_width']).execute();
}

/** Undecided UPI proofs of bookings still held, whose decide-by time (the end of the hold) has passed. */
export function overdueProofs(db: Db, nowIso: string) {
  return db
    .selectFrom('upi_proofs')
    .innerJoin('bookings', 'bookings.id', 'upi_proofs.booking_id')
    .select([
      'upi_proofs.id as proof_id',
      'upi_proofs.booking_id',
      'upi_proofs.reminded_at',
      'bookings.hold_expires_at',
    ])
    .where('upi_proofs.status', '=', 'pending')
    .where('bookings.status', '=', 'pending')
    .where('bookings.verification_status', '=', 'pending')
    .where('bookings.hold_expires_at', '<=', nowIso)
    .orderBy('bookings.hold_expires_at')
    .limit(500)
    .execute();
}

/** Marks an undecided proof as reminded, unless it already was: true when this call did it. */
export async function markProofReminded(db: Db, proofId: number, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('upi_proofs')
    .set({ reminded_at: nowIso })
    .where('id', '=', proofId)
    .where('status', '=', 'pending')
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertProof(
  db: Db,
  p: Omit<Insertable<Database['upi_proofs']>, 'id' | 'status' | 'reminded_at'>,
): Promise<void> {
  await db.insertInto('upi_proofs').values(p).execute();
}

/** Decides a proof still pending: true when this call did it (a second decision finds it decided). */
export async function decideProof(
  db: Db,
  id: number,
  d: {
    status: 'verified' | 'rejected';
    reason: string | null;
    decided_by: number;
    decided_at: string;
    /** Asked for again rather than rejected: the deadline of the new proof. */
    resend_by?: string;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('upi_proofs')
    .set(d)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function findProof(db: Db, id: number) {
  return db.selectFrom('upi_proofs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function verificationQueue(db: Db, organizerId: number | null) {
  let q = db
    .selectFrom('upi_proofs')
    .innerJoin('bookings', 'bookings.id', 'upi_proofs.booking_id')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('users as traveler', 'traveler.id', 'bookings.user_id')
    .leftJoin('booking_moves as mv', 'mv.id', 'upi_proofs.move_id')
    .leftJoin('departures as move_to', 'move_to.id', 'mv.to_departure_id')
    .select([
      'upi_proofs.id',
      'upi_proofs.utr',
      'upi_proofs.screenshot_key',
      'upi_proofs.screenshot_width',
      'upi_proofs.screenshot_height',
      'upi_proofs.amount_paise',
      'upi_proofs.duplicate_utr',
      'upi_proofs.created_at',
      'bookings.id as booking_id',
      'bookings.code',
      'bookings.guests',
      'bookings.hold_expires_at',
      'bookings.status as booking_status',
      'bookings.refund_paise',
      'trips.title',
      'departures.start_date',
      'traveler.name as traveler_name',
      'traveler.phone as traveler_phone',
      'move_to.start_date as move_to',
    ])
    .where('upi_proofs.status', '=', 'pending')
    .orderBy('upi_proofs.created_at');
  if (organizerId !== null) q = q.where('bookings.organizer_id', '=', organizerId);
  return q.limit(200).execute();
}

export function manualRefundsDue(db: Db, organizerId: number | null) {
  let q = db
    .selectFrom('refunds')
    // A refund's booking_id is its payment owner's id: only a booking payment's refund is a booking's.
    .innerJoin('payments', 'payments.id', 'refunds.payment_id')
    .innerJoin('bookings', 'bookings.id', 'refunds.booking_id')
    .innerJoin('users as traveler', 'traveler.id', 'bookings.user_id')
    .select([
      'refunds.id',
      'refunds.amount_paise',
      'refunds.reason',
      'refunds.method',
      'refunds.created_at',
      'bookings.code',
      'bookings.id as booking_id',
      'traveler.name as traveler_name',
      'traveler.phone as traveler_phone',
    ])
    // UPI refunds, and online ones that Razorpay could not send.
    .where((eb) =>
      eb.or([
        eb.and([eb('refunds.method', '=', 'manual'), eb('refunds.status', '=', 'pending')]),
        eb.and([eb('refunds.method', '=', 'razorpay'), eb('refunds.status', '=', 'failed')]),
      ]),
    )
    .where('payments.owner', '=', sql.lit('booking'));
  if (organizerId !== null) q = q.where('bookings.organizer_id', '=', organizerId);
  return q.orderBy('refunds.id').limit(200).execute();
}
