import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** What the bookings jobs look for: holds running out, trips to remind of or complete, balances due. */

type Db = Kysely<Database>;

export function expiredHolds(db: Db, nowIso: string) {
  return (
    db
      .selectFrom('bookings')
      .select(['id'])
      .where('status', '=', 'pending')
      .where('hold_expires_at', '<=', nowIso)
      // Not while a UPI proof is being checked or asked for again: the overdue-proof job sees to those.
      .where('verification_status', 'is', null)
      .orderBy('id')
      .limit(500)
      .execute()
  );
}

export function holdsExpiringBefore(db: Db, nowIso: string, untilIso: string) {
  return (
    db
      .selectFrom('bookings')
      .select(['id'])
      .where('status', '=', 'pending')
      .where('expiry_warned_at', 'is', null)
      .where('hold_expires_at', '>', nowIso)
      .where('hold_expires_at', '<=', untilIso)
      // Not while a UPI proof is being checked or asked for again: the overdue-proof job sees to those.
      .where('verification_status', 'is', null)
      .limit(500)
      .execute()
  );
}

export function confirmedStartingOn(db: Db, day: string) {
  return db
    .selectFrom('bookings')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .select(['bookings.id'])
    .where('bookings.status', '=', 'confirmed')
    .where('bookings.reminder_sent_at', 'is', null)
    .where('departures.start_date', '=', day)
    .limit(2000)
    .execute();
}

/** Confirmed bookings whose departure ended before `today` (IST date). */
export function confirmedEndedBefore(db: Db, today: string) {
  return db
    .selectFrom('bookings')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .select(['bookings.id', 'bookings.departure_id', 'bookings.guests', 'bookings.status'])
    .where('bookings.status', '=', 'confirmed')
    .where('departures.end_date', '<', today)
    .orderBy('bookings.id')
    .limit(2000)
    .execute();
}

/** Marks a pending booking as warned that its hold runs out soon, unless it was: true when this call did it. */
export async function markExpiryWarned(db: Db, id: number, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ expiry_warned_at: nowIso })
    .where('id', '=', id)
    .where('expiry_warned_at', 'is', null)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks a confirmed booking as reminded of its trip, unless it was: true when this call did it. */
export async function markReminderSent(db: Db, id: number, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ reminder_sent_at: nowIso })
    .where('id', '=', id)
    .where('reminder_sent_at', 'is', null)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Confirmed bookings with a balance still to pay whose due date is on or before `day` (the reminders' and the cancellation's worklist). */
export function balancesDueBy(db: Db, day: string) {
  return db
    .selectFrom('bookings')
    .select(['id', 'balance_due_on', 'balance_reminders'])
    .where('status', '=', 'confirmed')
    .where('balance_due_on', 'is not', null)
    .where('balance_due_on', '<=', day)
    .where('payment_status', '=', 'pending')
    .orderBy('balance_due_on')
    .orderBy('id')
    .limit(500)
    .execute();
}

/** Marks the `n`th balance reminder as sent, unless it (or a later one) was: true when this call did it. */
export async function markBalanceReminded(db: Db, id: number, n: number): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ balance_reminders: n })
    .where('id', '=', id)
    .where('balance_reminders', '<', n)
    .where('status', '=', 'confirmed')
    .where('payment_status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
