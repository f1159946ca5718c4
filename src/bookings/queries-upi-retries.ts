import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

// ---- screenshots kept between tries of the UPI proof form ----

export function insertKeptScreenshot(db: Db, k: Insertable<Database['kept_proof_screenshots']>) {
  return db.insertInto('kept_proof_screenshots').values(k).execute();
}

/** The kept screenshot a form's reference names, only if it is this booking's and this user's and not expired. */
export function keptScreenshot(db: Db, id: string, bookingId: number, userId: number, nowIso: string) {
  return db
    .selectFrom('kept_proof_screenshots')
    .selectAll()
    .where('id', '=', id)
    .where('booking_id', '=', bookingId)
    .where('user_id', '=', userId)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
}

/** This user's latest kept screenshot for this booking that has not expired. */
export function latestKeptScreenshot(db: Db, bookingId: number, userId: number, nowIso: string) {
  return db
    .selectFrom('kept_proof_screenshots')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .where('user_id', '=', userId)
    .where('expires_at', '>', nowIso)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .executeTakeFirst();
}

/** Every screenshot this user keeps for this booking, expired or not (a new one replaces them). */
export function keptScreenshotsOf(db: Db, bookingId: number, userId: number) {
  return db
    .selectFrom('kept_proof_screenshots')
    .select(['id', 'screenshot_key', 'screenshot_width'])
    .where('booking_id', '=', bookingId)
    .where('user_id', '=', userId)
    .execute();
}

export function expiredKeptScreenshots(db: Db, nowIso: string) {
  return db
    .selectFrom('kept_proof_screenshots')
    .select(['id', 'screenshot_key', 'screenshot_width'])
    .where('expires_at', '<=', nowIso)
    .limit(500)
    .execute();
}

/** Deletes one kept screenshot's row: true when this call did it. */
export async function deleteKeptScreenshot(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('kept_proof_screenshots').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// ---- proofs the organizer asked the traveler to send again ----

/**
 * Held bookings whose organizer asked for the UPI proof again (pending, last proof rejected with
 * a deadline) and whose deadline has passed without a new proof.
 */
export function resendsOverdue(db: Db, nowIso: string) {
  return db
    .selectFrom('bookings')
    .select(['id'])
    .where('status', '=', 'pending')
    .where('verification_status', '=', 'rejected')
    .where('hold_expires_at', '<=', nowIso)
    .orderBy('hold_expires_at')
    .limit(500)
    .execute();
}
