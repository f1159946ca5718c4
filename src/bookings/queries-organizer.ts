import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** The SQL of the organizer's views: bookings, participants, earnings. */
export function organizerBookings(db: Db, organizerId: number | null, tripId?: number, departureId?: number) {
  let q = db
    .selectFrom('bookings')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('users as traveler', 'traveler.id', 'bookings.user_id')
    .select([
      'bookings.id',
      'bookings.code',
      'bookings.guests',
      'bookings.amount_paise',
      'bookings.status',
      'bookings.payment_status',
      'bookings.refund_paise',
      'bookings.paid_paise',
      'bookings.deposit_paise',
      'bookings.balance_due_on',
      'bookings.payment_method',
      'bookings.departure_id',
      'trips.id as trip_id',
      'trips.title',
      'departures.start_date',
      'departures.capacity',
      'departures.seats_taken',
      'departures.status as departure_status',
      'traveler.name as traveler_name',
    ])
    .orderBy('departures.start_date')
    .orderBy('bookings.id');
  if (organizerId !== null) q = q.where('bookings.organizer_id', '=', organizerId);
  if (tripId) q = q.where('bookings.trip_id', '=', tripId);
  if (departureId) q = q.where('bookings.departure_id', '=', departureId);
  return q.limit(500).execute();
}

export function participantsOfDeparture(db: Db, departureId: number) {
  return db
    .selectFrom('booking_participants')
    .innerJoin('bookings', 'bookings.id', 'booking_participants.booking_id')
    .select([
      'bookings.code',
      'bookings.status',
      'bookings.payment_status',
      'bookings.amount_paise',
      'bookings.paid_paise',
      'bookings.special_requests',
      'booking_participants.position',
      'booking_participants.name',
      'booking_participants.phone',
      'booking_participants.age',
      'booking_participants.dietary',
    ])
    .where('bookings.departure_id', '=', departureId)
    .where('bookings.status', 'in', ['pending', 'confirmed', 'completed'])
    .orderBy('bookings.id')
    .orderBy('booking_participants.position')
    .execute();
}

/** Paid, refunded and net per month in India time. */
export async function earningsByMonth(db: Db, organizerId: number | null) {
  const org = organizerId === null ? sql`1 = 1` : sql`b.organizer_id = ${organizerId}`;
  const rows = await sql<{ month: string; paid: number; refunded: number }>`
    with money as (
      select strftime('%Y-%m', p.paid_at, '+330 minutes') as month, p.amount_paise as paid, 0 as refunded
        from payments p join bookings b on b.id = p.booking_id
       where p.owner = 'booking' and p.paid_at is not null and ${org}
      union all
      select strftime('%Y-%m', r.processed_at, '+330 minutes'), 0, r.amount_paise
        from refunds r join payments rp on rp.id = r.payment_id join bookings b on b.id = r.booking_id
       where rp.owner = 'booking' and r.status = 'processed' and ${org}
    )
    select month, sum(paid) as paid, sum(refunded) as refunded from money group by month order by month desc limit 36`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    month: r.month,
    paid: Number(r.paid),
    refunded: Number(r.refunded),
    net: Number(r.paid) - Number(r.refunded),
  }));
}

/** Balances still owed on confirmed bookings whose deposit is paid: money promised, not received. */
export async function outstandingBalances(db: Db, organizerId: number | null): Promise<number> {
  let q = db
    .selectFrom('bookings')
    .select(sql<number>`coalesce(sum(amount_paise - paid_paise), 0)`.as('owed'))
    .where('status', '=', 'confirmed')
    .where('payment_status', '=', 'pending')
    .where('balance_due_on', 'is not', null);
  if (organizerId !== null) q = q.where('organizer_id', '=', organizerId);
  return Number((await q.executeTakeFirstOrThrow()).owed);
}
