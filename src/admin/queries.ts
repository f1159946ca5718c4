import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuditFilter, BookingFilter, OutboxFilter, PaymentFilter, TripFilter } from './schemas.js';

/**
 * The admin console's SQL. The console looks across every feature's tables (that is its
 * job), so its lists and the erasure of a person read and write them here, each in the
 * caller's transaction, instead of growing one admin-only verb in each feature.
 */
type Db = Kysely<Database>;

/** The UTC instant a day in India starts: "2026-12-03" → "2026-12-02T18:30:00.000Z". */
export const istDayStart = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

// ---------------------------------------------------------------- bookings and payments

function bookingsWhere(db: Db, f: Omit<BookingFilter, 'page'>) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('trips as t', 't.id', 'b.trip_id')
    .innerJoin('departures as d', 'd.id', 'b.departure_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('users as o', 'o.id', 'b.organizer_id')
    .$if(f.status !== '', (q) => q.where('b.status', '=', f.status as never))
    .$if(f.organizer !== null, (q) => q.where('b.organizer_id', '=', f.organizer!))
    .$if(f.trip !== null, (q) => q.where('b.trip_id', '=', f.trip!))
    .$if(f.from !== '', (q) => q.where('b.created_at', '>=', istDayStart(f.from)))
    .$if(f.to !== '', (q) => q.where('b.created_at', '<', istDayStart(nextDay(f.to))));
}

const bookingColumns = [
  'b.id',
  'b.code',
  'b.status',
  'b.payment_status',
  'b.payment_method',
  'b.guests',
  'b.amount_paise',
  'b.refund_paise',
  'b.paid_paise',
  'b.balance_due_on',
  'b.created_at',
  'b.trip_id',
  't.title as trip_title',
  'd.start_date',
  'b.organizer_id',
  'o.name as organizer_name',
  'u.name as traveler_name',
] as const;

export async function listBookings(db: Db, f: BookingFilter, limit: number) {
  const rows = await bookingsWhere(db, f)
    .select(bookingColumns)
    .orderBy('b.id', 'desc')
    .limit(limit)
    .offset((f.page - 1) * limit)
    .execute();
  const { n } = await bookingsWhere(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/** One page of the export, after the id `after` (keyset: a long export never rereads or skips rows). */
export const bookingsAfter = (db: Db, f: Omit<BookingFilter, 'page'>, after: number, limit: number) =>
  bookingsWhere(db, f).select(bookingColumns).where('b.id', '>', after).orderBy('b.id').limit(limit).execute();

function paymentsWhere(db: Db, f: Omit<PaymentFilter, 'page'>) {
  const at = sql<string>`coalesce(p.paid_at, p.created_at)`;
  return (
    db
      .selectFrom('payments as p')
      .innerJoin('bookings as b', 'b.id', 'p.booking_id')
      .innerJoin('trips as t', 't.id', 'b.trip_id')
      .innerJoin('users as o', 'o.id', 'b.organizer_id')
      // A payment's booking_id is its owner's id: subscription payments are listed on /admin/subscriptions.
      .where('p.owner', '=', sql.lit('booking'))
      .$if(f.status !== '', (q) => q.where('p.status', '=', f.status as never))
      .$if(f.organizer !== null, (q) => q.where('b.organizer_id', '=', f.organizer!))
      .$if(f.trip !== null, (q) => q.where('b.trip_id', '=', f.trip!))
      .$if(f.from !== '', (q) => q.where(at, '>=', istDayStart(f.from)))
      .$if(f.to !== '', (q) => q.where(at, '<', istDayStart(nextDay(f.to))))
  );
}

const paymentColumns = [
  'p.id',
  'p.method',
  'p.status',
  'p.amount_paise',
  'p.razorpay_payment_id',
  'p.utr',
  'p.paid_at',
  'p.created_at',
  'b.code as booking_code',
  'b.id as booking_id',
  'b.trip_id',
  't.title as trip_title',
  'b.organizer_id',
  'o.name as organizer_name',
] as const;

/** What of each payment has been refunded so far: a payment may be refunded in parts (a move's difference, then a cancellation). */
const refundedOfPayment = (db: Db) =>
  db
    .selectFrom('refunds as r')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('r.amount_paise'), sql<number>`0`).as('n'))
    .where('r.payment_id', '=', sql.ref<number>('p.id'));

export async function listPayments(db: Db, f: PaymentFilter, limit: number) {
  const rows = await paymentsWhere(db, f)
    .select(paymentColumns)
    .select(refundedOfPayment(db).as('refunded_paise'))
    .orderBy('p.id', 'desc')
    .limit(limit)
    .offset((f.page - 1) * limit)
    .execute();
  const { n } = await paymentsWhere(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export const paymentsAfter = (db: Db, f: Omit<PaymentFilter, 'page'>, after: number, limit: number) =>
  paymentsWhere(db, f).select(paymentColumns).where('p.id', '>', after).orderBy('p.id').limit(limit).execute();

/** The organizers (for the filters' choice), by name. */
export const organizers = (db: Db) =>
  db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('role', '=', 'organizer')
    .where('status', '!=', 'deleted')
    .orderBy('name')
    .limit(500)
    .execute();

// ---------------------------------------------------------------- trips

function tripsWhere(db: Db, f: Omit<TripFilter, 'page'>) {
  return db
    .selectFrom('trips as t')
    .innerJoin('users as o', 'o.id', 't.organizer_id')
    .$if(f.status !== '', (q) => q.where('t.status', '=', f.status as never))
    .$if(f.organizer !== null, (q) => q.where('t.organizer_id', '=', f.organizer!))
    .$if(f.moderated, (q) => q.where('t.moderated_at', 'is not', null))
    .$if(f.q !== '', (q) =>
      q.where((eb) =>
        eb.or([
          eb('t.title', 'like', sql<string>`${like(f.q)} escape '\\'`),
          eb('t.destination', 'like', sql<string>`${like(f.q)} escape '\\'`),
        ]),
      ),
    );
}

export async function listTrips(db: Db, f: TripFilter, limit: number) {
  const rows = await tripsWhere(db, f)
    .select([
      't.id',
      't.title',
      't.destination',
      't.status',
      't.price_paise',
      't.moderated_at',
      't.moderation_reason',
      't.organizer_id',
      'o.name as organizer_name',
      't.created_at',
    ])
    .orderBy('t.id', 'desc')
    .limit(limit)
    .offset((f.page - 1) * limit)
    .execute();
  const { n } = await tripsWhere(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export const tripWithOrganizer = (db: Db, id: number) =>
  db
    .selectFrom('trips as t')
    .innerJoin('users as o', 'o.id', 't.organizer_id')
    .select([
      't.id',
      't.title',
      't.status',
      't.moderated_at',
      't.moderation_reason',
      't.organizer_id',
      'o.name as organizer_name',
      'o.email as organizer_email',
      'o.status as organizer_status',
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();

/** Active → inactive, marked as moderated; false when the trip was not active any more. */
export async function moderateTrip(db: Db, id: number, reason: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('trips')
    .set({ status: 'inactive', moderated_at: now, moderation_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('moderated_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A moderated trip back to active; false when it was not moderated (any more). */
export async function unmoderateTrip(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('trips')
    .set({ status: 'active', moderated_at: null, moderation_reason: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'inactive')
    .where('moderated_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- outbox and audit

function outboxWhere(db: Db, f: Omit<OutboxFilter, 'page'>) {
  return db
    .selectFrom('outbox')
    .$if(f.status !== '', (q) => q.where('status', '=', f.status as never))
    .$if(f.channel !== '', (q) => q.where('channel', '=', f.channel as never))
    .$if(f.kind !== '', (q) => q.where('template', '=', f.kind))
    .$if(f.recipient !== '', (q) => q.where('recipient', 'like', sql<string>`${like(f.recipient)} escape '\\'`));
}

export async function listOutbox(db: Db, f: OutboxFilter, limit: number) {
  const rows = await outboxWhere(db, f)
    .select([
      'id',
      'channel',
      'recipient',
      'template',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'created_at',
      'sent_at',
    ])
    .orderBy('id', 'desc')
    .limit(limit)
    .offset((f.page - 1) * limit)
    .execute();
  const { n } = await outboxWhere(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export const outboxKinds = async (db: Db) =>
  (await db.selectFrom('outbox').select('template').distinct().orderBy('template').execute()).map((r) => r.template);

function auditWhere(db: Db, f: Omit<AuditFilter, 'page'>) {
  return db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .$if(f.actor !== null, (q) => q.where('a.actor_id', '=', f.actor!))
    .$if(f.action !== '', (q) =>
      f.action.endsWith('.')
        ? q.where('a.action', 'like', sql<string>`${like(f.action).slice(1)} escape '\\'`)
        : q.where('a.action', '=', f.action),
    )
    .$if(f.object !== '', (q) => q.where('a.target_type', '=', f.object))
    .$if(f.objectId !== '', (q) => q.where('a.target_id', '=', f.objectId));
}

export async function listAudit(db: Db, f: AuditFilter, limit: number) {
  const rows = await auditWhere(db, f)
    .select([
      'a.id',
      'a.actor_id',
      'u.name as actor_name',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.before',
      'a.after',
      'a.created_at',
    ])
    .orderBy('a.id', 'desc')
    .limit(limit)
    .offset((f.page - 1) * limit)
    .execute();
  const { n } = await auditWhere(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

export const auditActions = async (db: Db) =>
  (await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute()).map((r) => r.action);

// ---------------------------------------------------------------- erasure

export const userForErasure = (db: Db, id: number) =>
  db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'phone', 'role', 'status', 'photo', 'photo_width'])
    .where('id', '=', id)
    .executeTakeFirst();

/** Bookings not yet over (pending, or confirmed on a departure that has not ended) as traveler or organizer. */
export async function openBookingsOf(db: Db, userId: number, today: string): Promise<number> {
  const { n } = await db
    .selectFrom('bookings as b')
    .innerJoin('departures as d', 'd.id', 'b.departure_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('b.user_id', '=', userId), eb('b.organizer_id', '=', userId)]))
    .where((eb) =>
      eb.or([
        eb('b.status', '=', 'pending'),
        eb.and([eb('b.status', '=', 'confirmed'), eb('d.end_date', '>=', today)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The UPI screenshots the user sent (files to delete), before their keys are cleared. */
export const proofScreenshotsOf = (db: Db, userId: number) =>
  db
    .selectFrom('upi_proofs as p')
    .innerJoin('bookings as b', 'b.id', 'p.booking_id')
    .select(['p.screenshot_key as key', 'p.screenshot_width as width'])
    .where('b.user_id', '=', userId)
    .where('p.screenshot_key', '!=', '')
    .execute();

export const pendingPhotosOf = (db: Db, userId: number) =>
  db.selectFrom('pending_photos').select(['key', 'width']).where('owner_id', '=', userId).execute();

/**
 * Replaces the person with a placeholder and removes everything that names or reaches them:
 * the account's own fields, sign-in (sessions, tokens, the Google link), what they typed on
 * their bookings (guests, requests) and UPI proofs, messages to them, their counters. Bookings,
 * payments, refunds and subscription charges keep their amounts and states.
 */
export async function eraseAccountRows(
  db: Db,
  u: { id: number; email: string; phone: string | null },
  now: string,
): Promise<void> {
  const id = u.id;
  await db
    .updateTable('users')
    .set({
      name: 'Deleted user',
      email: `deleted-${id}@erased.invalid`,
      email_verified_at: null,
      phone: null,
      phone_verified_at: null,
      password_hash: null,
      google_sub: null,
      status: 'deleted',
      bio: null,
      location: null,
      photo: null,
      photo_width: null,
      photo_height: null,
      org_display_name: null,
      org_about: null,
      upi_id: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('sessions').where('user_id', '=', id).execute();
  await db.deleteFrom('account_tokens').where('user_id', '=', id).execute();
  await db.deleteFrom('pending_photos').where('owner_id', '=', id).execute();
  const own = db.selectFrom('bookings').select('id').where('user_id', '=', id);
  await sql`update booking_participants set name = 'Guest ' || position, phone = '', dietary = ''
             where booking_id in (${own})`.execute(db);
  await db.updateTable('bookings').set({ special_requests: '' }).where('user_id', '=', id).execute();
  await db.updateTable('upi_proofs').set({ screenshot_key: '', reason: null }).where('booking_id', 'in', own).execute();
  // An erased organizer's trips leave discovery for good (their bookings and earnings stay).
  await db
    .updateTable('trips')
    .set({ status: 'inactive', updated_at: now })
    .where('organizer_id', '=', id)
    .where('status', 'in', ['draft', 'active'])
    .execute();
  await db
    .updateTable('subscriptions')
    .set({ status: 'cancelled', next_charge_at: null, razorpay_token_id: null, token_status: null, updated_at: now })
    .where('organizer_id', '=', id)
    .where('status', 'in', ['trial', 'active', 'past_due'])
    .execute();
  const addresses = [u.email, ...(u.phone ? [u.phone] : [])];
  await db.deleteFrom('outbox').where('recipient', 'in', addresses).execute();
  await db.deleteFrom('dev_messages').where('recipient', 'in', addresses).execute();
}

/** Every ordinary table with its TEXT columns (not the full-text index's shadow tables, which follow their table). */
export async function textColumns(db: Db): Promise<{ table: string; columns: string[] }[]> {
  const tables = await sql<{ name: string }>`select name from sqlite_master
     where type = 'table' and name not like 'sqlite_%' and name not like '%_fts%' and name not like 'kysely_%'`.execute(
    db,
  );
  const out: { table: string; columns: string[] }[] = [];
  for (const { name } of tables.rows) {
    const cols = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${name})`.execute(
      db,
    );
    const columns = cols.rows.filter((c) => /TEXT|CHAR|CLOB/i.test(c.type)).map((c) => c.name);
    if (columns.length > 0) out.push({ table: name, columns });
  }
  return out;
}

/**
 * Rows of a table where any of `columns` mentions any of `needles` (case-insensitive), with
 * their rowid: one pass over the table. LIKE is case-insensitive for ASCII and, unlike
 * lower(), copies nothing per row.
 */
export async function rowsMentioning(db: Db, table: string, columns: string[], needles: string[]) {
  const conds = columns.flatMap((c) => needles.map((n) => sql`${sql.ref(c)} like ${like(n)} escape '\\'`));
  const r = await sql<Record<string, string | null> & { rid: number }>`select rowid as rid, ${sql.join(
    columns.map((c) => sql.ref(c)),
  )} from ${sql.table(table)} where ${sql.join(conds, sql` or `)}`.execute(db);
  return r.rows;
}

export async function setCells(db: Db, table: string, rowid: number, values: Record<string, string>): Promise<void> {
  const sets = Object.entries(values).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  await sql`update ${sql.table(table)} set ${sql.join(sets)} where rowid = ${rowid}`.execute(db);
}

export async function deleteRow(db: Db, table: string, rowid: number): Promise<void> {
  await sql`delete from ${sql.table(table)} where rowid = ${rowid}`.execute(db);
}
