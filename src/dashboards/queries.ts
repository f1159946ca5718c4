import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/*
 * One named query per dashboard widget. They read other features' tables, read-only (issue 16
 * allows it: a dashboard is a view across features). Every bound "now" comes from the caller's
 * clock; days are India calendar days (YYYY-MM-DD), instants UTC ISO strings.
 */

// ---------------------------------------------------------------- organizer

/** The organizer's trips by status (active and draft are what the widget shows). */
export const organizerTripCounts = (db: Db, organizerId: number) =>
  db
    .selectFrom('trips')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organizer_id', '=', organizerId)
    .groupBy('status')
    .execute();

/** The next open departures of the organizer's active trips, soonest first, with their seats. */
export const upcomingDepartures = (db: Db, organizerId: number, today: string, limit: number) =>
  db
    .selectFrom('trips')
    .innerJoin('departures', 'departures.trip_id', 'trips.id')
    .select([
      'departures.id',
      'trips.id as trip_id',
      'trips.title',
      'departures.start_date',
      'departures.capacity',
      'departures.seats_taken',
    ])
    .where('trips.organizer_id', '=', organizerId)
    .where('trips.status', '=', 'active')
    .where('departures.status', '=', 'open')
    .where('departures.start_date', '>=', today)
    .orderBy('departures.start_date')
    .orderBy('departures.id')
    .limit(limit)
    .execute();

/** Bookings made since `sinceIso` that still stand, newest first; `total` counts all of them, not only those returned. */
export const newBookings = (db: Db, organizerId: number, sinceIso: string, limit: number) =>
  db
    .selectFrom('bookings')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .select([
      'bookings.id',
      'bookings.code',
      'bookings.guests',
      'bookings.amount_paise',
      'bookings.paid_paise',
      'bookings.payment_status',
      'bookings.status',
      'bookings.created_at',
      'trips.title',
      sql<number>`count(*) over ()`.as('total'),
    ])
    .where('bookings.organizer_id', '=', organizerId)
    .where('bookings.created_at', '>=', sinceIso)
    .where('bookings.status', '!=', 'cancelled')
    .orderBy('bookings.created_at', 'desc')
    .orderBy('bookings.id', 'desc')
    .limit(limit)
    .execute();

/**
 * UPI proofs waiting for the organizer's decision (as /organizer/verifications lists them), and
 * the oldest one's time. From the undecided proofs (few: each waits on a hold of hours) to their
 * bookings, not from an organizer's every booking: CROSS JOIN keeps SQLite to that order.
 */
export const pendingVerifications = (db: Db, organizerId: number) =>
  db
    .selectFrom('upi_proofs')
    .crossJoin('bookings')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('upi_proofs.created_at').as('oldest')])
    .whereRef('bookings.id', '=', 'upi_proofs.booking_id')
    .where('upi_proofs.status', '=', sql.lit('pending')) // a literal: the partial index upi_proofs_pending
    .where('bookings.organizer_id', '=', organizerId)
    .executeTakeFirstOrThrow();

/** Refunds the organizer pays back by hand: UPI ones, and online ones Razorpay could not send (as the verifications page lists them). */
export const refundsToPayBack = (db: Db, organizerId: number) =>
  db
    .selectFrom('refunds')
    // A refund's booking_id is its payment owner's id: only a booking payment's refund is a booking's.
    .innerJoin('payments', 'payments.id', 'refunds.payment_id')
    .innerJoin('bookings', 'bookings.id', 'refunds.booking_id')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('refunds.amount_paise'), sql<number>`0`).as('paise'),
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb('refunds.method', '=', 'manual'), eb('refunds.status', '=', 'pending')]),
        eb.and([eb('refunds.method', '=', 'razorpay'), eb('refunds.status', '=', 'failed')]),
      ]),
    )
    .where('payments.owner', '=', sql.lit('booking'))
    .where('bookings.organizer_id', '=', organizerId)
    .executeTakeFirstOrThrow();

/**
 * Money in and back out per week, weeks counted from `fromIso` (a Monday, 00:00 in India) up to
 * `toIso`: week 0 is the first. Weeks with nothing are absent. Payments are found from the
 * organizer's bookings through a covering index; refunds from the window's processed refunds.
 */
export async function weeklyEarnings(db: Db, organizerId: number, fromIso: string, toIso: string) {
  const rows = await sql<{ week: number; paid: number; refunded: number }>`
    with money as (
      select p.paid_at as at, p.amount_paise as paid, 0 as refunded
        from bookings b join payments p on p.booking_id = b.id
       where b.organizer_id = ${organizerId} and p.owner = 'booking' and p.paid_at is not null
         and p.paid_at >= ${fromIso} and p.paid_at < ${toIso}
      union all
      select r.processed_at, 0, r.amount_paise
        from refunds r indexed by refunds_processed cross join bookings b join payments rp on rp.id = r.payment_id
       where b.id = r.booking_id and rp.owner = 'booking' and r.status = 'processed' and r.processed_at >= ${fromIso} and r.processed_at < ${toIso}
         and b.organizer_id = ${organizerId}
    )
    select cast((julianday(at) - julianday(${fromIso})) / 7 as integer) as week, sum(paid) as paid, sum(refunded) as refunded
      from money group by week order by week`.execute(db);
  return rows.rows.map((r) => ({ week: Number(r.week), paid: Number(r.paid), refunded: Number(r.refunded) }));
}

/**
 * What needs the organizer now: UPI proofs still undecided past their decide-by time (the end of
 * the hold, as the reminder job counts it), and open departures starting within the week
 * (`today`..`weekAhead`) with fewer than `percent` % of their seats taken. Overdue proofs are
 * found from the undecided ones (CROSS JOIN: not from every held booking of the platform).
 */
export async function organizerAlerts(
  db: Db,
  organizerId: number,
  o: { nowIso: string; today: string; weekAhead: string; percent: number },
) {
  const rows = await sql<{
    kind: 'proof-overdue' | 'under-filled';
    trip_id: number;
    title: string;
    start_date: string;
    booking_id: number | null;
    code: string | null;
    due_at: string | null;
    capacity: number;
    seats_taken: number;
  }>`
    select * from (
      select 'proof-overdue' as kind, t.id as trip_id, t.title, d.start_date, b.id as booking_id, b.code,
             b.hold_expires_at as due_at, d.capacity, d.seats_taken
        from upi_proofs p
        cross join bookings b
        join trips t on t.id = b.trip_id
        join departures d on d.id = b.departure_id
       where b.id = p.booking_id and p.status = 'pending' and b.status = 'pending' and b.verification_status = 'pending'
         and b.hold_expires_at <= ${o.nowIso} and b.organizer_id = ${organizerId}
      union all
      select 'under-filled', t.id, t.title, d.start_date, null, null, null, d.capacity, d.seats_taken
        from trips t join departures d on d.trip_id = t.id
       where t.organizer_id = ${organizerId} and t.status = 'active' and d.status = 'open'
         and d.start_date >= ${o.today} and d.start_date <= ${o.weekAhead}
         and d.seats_taken * 100 < d.capacity * ${o.percent}
    )
    order by kind, coalesce(due_at, start_date), start_date
    limit 20`.execute(db);
  return rows.rows;
}

// ---------------------------------------------------------------- traveler

/** Confirmed bookings of the traveler whose trip has not ended yet, soonest first. */
export const upcomingTrips = (db: Db, userId: number, today: string, limit: number) =>
  db
    .selectFrom('bookings')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .select([
      'bookings.id',
      'bookings.code',
      'bookings.guests',
      'trips.title',
      'departures.start_date',
      'departures.end_date',
    ])
    .where('bookings.user_id', '=', userId)
    .where('bookings.status', '=', 'confirmed')
    .where('departures.end_date', '>=', today)
    .orderBy('departures.start_date')
    .orderBy('bookings.id')
    .limit(limit)
    .execute();

/**
 * Held bookings waiting on the traveler: unpaid, or with a UPI proof the organizer rejected,
 * and still holding their seats; and confirmed ones whose balance is still owed after the deposit.
 * (A proof being checked waits on the organizer, not them.)
 */
export const bookingsNeedingAction = (db: Db, userId: number, nowIso: string) =>
  db
    .selectFrom('bookings')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .select([
      'bookings.id',
      'bookings.code',
      'bookings.amount_paise',
      'bookings.deposit_paise',
      'bookings.paid_paise',
      'bookings.status',
      'bookings.balance_due_on',
      'bookings.hold_expires_at',
      'bookings.verification_status',
      'trips.title',
      'departures.start_date',
    ])
    .where('bookings.user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('bookings.status', '=', 'pending'),
          eb.or([eb('bookings.verification_status', 'is', null), eb('bookings.verification_status', '=', 'rejected')]),
          eb.or([eb('bookings.hold_expires_at', 'is', null), eb('bookings.hold_expires_at', '>', nowIso)]),
        ]),
        // A balance still owed after the deposit, unless its UPI proof is with the organizer.
        eb.and([
          eb('bookings.status', '=', 'confirmed'),
          eb('bookings.payment_status', '=', 'pending'),
          eb('bookings.balance_due_on', 'is not', null),
          eb.or([eb('bookings.verification_status', 'is', null), eb('bookings.verification_status', '!=', 'pending')]),
        ]),
      ]),
    )
    .orderBy('bookings.hold_expires_at')
    .orderBy('bookings.id')
    .limit(20)
    .execute();

/** Trips the traveler went on (completed, or confirmed and ended), latest first. */
export const pastTrips = (db: Db, userId: number, today: string, limit: number) =>
  db
    .selectFrom('bookings')
    .innerJoin('departures', 'departures.id', 'bookings.departure_id')
    .innerJoin('trips', 'trips.id', 'bookings.trip_id')
    .select([
      'bookings.id',
      'bookings.code',
      'trips.id as trip_id',
      'trips.title',
      'departures.start_date',
      'departures.end_date',
    ])
    .where('bookings.user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('bookings.status', '=', 'completed'),
        eb.and([eb('bookings.status', '=', 'confirmed'), eb('departures.end_date', '<', today)]),
      ]),
    )
    .orderBy('departures.start_date', 'desc')
    .orderBy('bookings.id', 'desc')
    .limit(limit)
    .execute();

// ---------------------------------------------------------------- admin

/** Active accounts per role. */
export const usersByRole = (db: Db) =>
  db
    .selectFrom('users')
    .select(['role', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'active')
    .groupBy('role')
    .execute();

/** Trips per status. */
export const tripsByStatus = (db: Db) =>
  db
    .selectFrom('trips')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();

/** Bookings per status. */
export const bookingsByStatus = (db: Db) =>
  db
    .selectFrom('bookings')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();

/** Gross booking value received (before refunds): all time, and since `monthIso` (this month's start in India). */
export const gmv = (db: Db, monthIso: string) =>
  db
    .selectFrom('payments')
    .select([
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_paise'), sql<number>`0`).as('total'),
      sql<number>`coalesce(sum(case when paid_at >= ${monthIso} then amount_paise end), 0)`.as('month'),
    ])
    // A literal, not a parameter: the partial index payments_booking_paid covers only owner = 'booking'.
    .where('owner', '=', sql.lit('booking'))
    .where('paid_at', 'is not', null)
    .executeTakeFirstOrThrow();

/** Organizer subscription charges paid: all time, and since `monthIso`. */
export const subscriptionRevenue = (db: Db, monthIso: string) =>
  db
    .selectFrom('subscription_charges')
    .select([
      (eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_paise'), sql<number>`0`).as('total'),
      sql<number>`coalesce(sum(case when settled_at >= ${monthIso} then amount_paise end), 0)`.as('month'),
    ])
    .where('status', '=', sql.lit('paid')) // a literal: the partial index subscription_charges_paid covers only these
    .executeTakeFirstOrThrow();

/**
 * New accounts and new bookings in each of the given months (`start` inclusive, `end` exclusive,
 * UTC ISO of India midnights): a range count on each created_at index per month, not a month
 * worked out for every row.
 */
export async function monthlyGrowth(db: Db, months: { month: string; start: string; end: string }[]) {
  const bounds = sql.join(
    months.map((m) => sql`select ${m.month} as month, ${m.start} as start, ${m.end} as upto`),
    sql` union all `,
  );
  const rows = await sql<{ month: string; users: number; bookings: number }>`
    with m as (${bounds})
    select m.month,
           (select count(*) from users where created_at >= m.start and created_at < m.upto) as users,
           (select count(*) from bookings where created_at >= m.start and created_at < m.upto) as bookings
      from m order by m.month`.execute(db);
  return rows.rows.map((r) => ({ month: r.month, users: Number(r.users), bookings: Number(r.bookings) }));
}

/** Jobs whose latest run failed, with how many of their runs failed since `sinceIso`. */
export async function failingJobs(db: Db, sinceIso: string) {
  const rows = await sql<{ name: string; started_at: string; detail: string | null; failures: number }>`
    select latest.name, latest.started_at, latest.detail,
           (select count(*) from job_runs f where f.name = latest.name and f.outcome = 'failed' and f.started_at >= ${sinceIso}) as failures
      from (select name, max(started_at) as started_at, outcome, detail from job_runs group by name) latest
     where latest.outcome = 'failed'
     order by latest.started_at desc`.execute(db);
  return rows.rows.map((r) => ({ ...r, failures: Number(r.failures) }));
}

/** Messages not yet delivered, per status, with the earliest due time of each. */
export const outboxBacklog = (db: Db) =>
  db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .groupBy('status')
    .execute();
