import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../schema.js';
import type { NoticeKind, SubscriptionChargesTable, SubscriptionsTable, SubscriptionStatus } from './tables.js';

type Db = Kysely<Database>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;

export const findSubscription = (db: Db, organizerId: number) =>
  db.selectFrom('subscriptions').selectAll().where('organizer_id', '=', organizerId).executeTakeFirst();

/** Inserts the organizer's subscription unless they have one; true if this call made it. */
export async function insertSubscriptionOnce(db: Db, row: Insertable<SubscriptionsTable>): Promise<boolean> {
  const r = await db
    .insertInto('subscriptions')
    .values(row)
    .onConflict((oc) => oc.column('organizer_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) === 1;
}

/** Charges of a subscription, newest first. */
export const chargesOf = (db: Db, subscriptionId: number) =>
  db
    .selectFrom('subscription_charges')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();

/** Trials still open that end before `before` (ISO), with who to tell about them. */
export const trialsEndingBefore = (db: Db, before: string) =>
  db
    .selectFrom('subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.organizer_id')
    .select([
      's.id',
      's.organizer_id',
      's.trial_ends_at',
      'u.name',
      'u.email',
      'u.phone',
      'u.phone_verified_at',
      'u.status as user_status',
    ])
    .where('s.status', '=', 'trial')
    .where('s.trial_ends_at', '<', before)
    .orderBy('s.trial_ends_at')
    .execute();

export type TrialRow = Awaited<ReturnType<typeof trialsEndingBefore>>[number];

/** Moves a subscription on from `from` (only if it is still there); true if it moved. */
export async function setStatusFrom(
  db: Db,
  id: number,
  from: SubscriptionStatus,
  to: SubscriptionStatus,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('subscriptions')
    .set({ status: to, next_charge_at: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a notice unless it was sent already; true if this call recorded it (and should send it). */
export async function recordNotice(
  db: Db,
  v: { subscriptionId: number; kind: NoticeKind; about: string; now: string },
): Promise<boolean> {
  const r = await db
    .insertInto('subscription_notices')
    .values({ subscription_id: v.subscriptionId, kind: v.kind, about: v.about, sent_at: v.now })
    .onConflict((oc) => oc.columns(['subscription_id', 'kind', 'about']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) === 1;
}

// ---------------------------------------------------------------- auto-pay

export type ChargeRow = Selectable<SubscriptionChargesTable>;

export const findSubscriptionById = (db: Db, id: number) =>
  db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();

export const subscriptionByCustomer = (db: Db, customerId: string) =>
  db.selectFrom('subscriptions').selectAll().where('razorpay_customer_id', '=', customerId).executeTakeFirst();

/** Who to tell about a subscription, and where a debit's receipt goes. */
export const contactOf = (db: Db, organizerId: number) =>
  db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'phone', 'phone_verified_at', 'status as user_status'])
    .where('id', '=', organizerId)
    .executeTakeFirstOrThrow();

export type ContactRow = Awaited<ReturnType<typeof contactOf>>;

export async function updateSubscription(db: Db, id: number, patch: Updateable<SubscriptionsTable>): Promise<void> {
  await db.updateTable('subscriptions').set(patch).where('id', '=', id).execute();
}

/**
 * Claims a charge: the row written before Razorpay is asked. Null when the key is taken or
 * the subscription has a charge pending already (the unique indexes of migration 0046).
 */
export async function insertChargeOnce(db: Db, row: Insertable<SubscriptionChargesTable>): Promise<ChargeRow | null> {
  const r = await db
    .insertInto('subscription_charges')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return r ?? null;
}

export const findCharge = (db: Db, id: number) =>
  db.selectFrom('subscription_charges').selectAll().where('id', '=', id).executeTakeFirst();

export const chargeByOrder = (db: Db, orderId: string) =>
  db.selectFrom('subscription_charges').selectAll().where('razorpay_order_id', '=', orderId).executeTakeFirst();

export const pendingChargeOf = (db: Db, subscriptionId: number) =>
  db
    .selectFrom('subscription_charges')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .executeTakeFirst();

/** How many charge rows a period has had (the next one's attempt number in its key). */
export async function chargesForPeriod(db: Db, subscriptionId: number, periodStart: string): Promise<number> {
  const r = await db
    .selectFrom('subscription_charges')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('subscription_id', '=', subscriptionId)
    .where('period_start', '=', periodStart)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export const paidChargeFor = (db: Db, subscriptionId: number, periodStart: string) =>
  db
    .selectFrom('subscription_charges')
    .select('id')
    .where('subscription_id', '=', subscriptionId)
    .where('period_start', '=', periodStart)
    .where('status', '=', 'paid')
    .executeTakeFirst();

export async function setChargeFields(db: Db, id: number, patch: Updateable<SubscriptionChargesTable>): Promise<void> {
  await db.updateTable('subscription_charges').set(patch).where('id', '=', id).execute();
}

/** Records the Razorpay order or payment id of a charge unless it has one. */
export async function recordChargeIds(
  db: Db,
  id: number,
  ids: { razorpay_order_id?: string; razorpay_payment_id?: string },
): Promise<void> {
  for (const [col, v] of Object.entries(ids) as ['razorpay_order_id' | 'razorpay_payment_id', string][])
    await db
      .updateTable('subscription_charges')
      .set({ [col]: v })
      .where('id', '=', id)
      .where(col, 'is', null)
      .execute();
}

/** Settles a charge that has no outcome yet (a paid one, from a late capture, also from failed); true if this call did. */
export async function settleChargeRow(
  db: Db,
  id: number,
  to: { status: 'paid' | 'failed'; at: string; reason?: string | null; paymentId?: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('subscription_charges')
    .set({
      status: to.status,
      settled_at: to.at,
      failure_reason: to.reason ?? null,
      ...(to.paymentId ? { razorpay_payment_id: to.paymentId } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', to.status === 'paid' ? ['pending', 'failed'] : ['pending'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Subscriptions whose auto-pay charge is due (next_charge_at passed) and that have no charge pending. */
export const dueForCharge = (db: Db, now: string, limit: number, afterId: number) =>
  db
    .selectFrom('subscriptions as s')
    .select('s.id')
    .where('s.id', '>', afterId)
    .where('s.status', 'in', ['active', 'past_due'])
    .where('s.token_status', '=', 'confirmed')
    .where('s.cancel_at_period_end', '=', 0)
    .where('s.next_charge_at', '<=', now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('subscription_charges as c')
            .select('c.id')
            .whereRef('c.subscription_id', '=', 's.id')
            .where('c.status', '=', 'pending'),
        ),
      ),
    )
    .orderBy('s.id')
    .limit(limit)
    .execute();

/** Charges still pending that were made before `before`. */
export const pendingChargesBefore = (db: Db, before: string) =>
  db
    .selectFrom('subscription_charges')
    .selectAll()
    .where('status', '=', 'pending')
    .where('created_at', '<', before)
    .orderBy('id')
    .execute();

/** Paid periods that ended with nothing more to charge (no mandate, or cancelled): they close. */
export const periodsEndedUnpaid = (db: Db, now: string) =>
  db
    .selectFrom('subscriptions as s')
    .selectAll('s')
    .where('s.status', 'in', ['active', 'past_due'])
    .where('s.current_period_end', '<=', now)
    .where('s.next_charge_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('subscription_charges as c')
            .select('c.id')
            .whereRef('c.subscription_id', '=', 's.id')
            .where('c.status', '=', 'pending'),
        ),
      ),
    )
    .execute();

/** Subscriptions with a charge ahead, after `now` and before `before` (auto-pay on), for the reminders. */
export const chargesAheadBefore = (db: Db, now: string, before: string) =>
  db
    .selectFrom('subscriptions')
    .selectAll()
    .where('status', 'in', ['active', 'past_due'])
    .where('token_status', '=', 'confirmed')
    .where('cancel_at_period_end', '=', 0)
    .where('next_charge_at', '>', now)
    .where('next_charge_at', '<', before)
    .orderBy('id')
    .execute();

// ---------------------------------------------------------------- admin

export const subscriptionsByStatus = (db: Db) =>
  db
    .selectFrom('subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.organizer_id')
    .select([
      's.id',
      's.organizer_id',
      's.status',
      's.current_period_end',
      's.next_charge_at',
      's.token_status',
      's.cancel_at_period_end',
      'u.name',
      'u.org_display_name',
    ])
    .orderBy('s.status')
    .orderBy('s.current_period_end')
    .limit(500)
    .execute();

/** Paid charges per month of settlement (IST), paise. */
export async function revenueByMonth(db: Db): Promise<{ month: string; paise: number; n: number }[]> {
  const rows = await db
    .selectFrom('subscription_charges')
    .select((e) => [
      sql<string>`strftime('%Y-%m', settled_at, '+330 minutes')`.as('month'),
      e.fn.sum<number>('amount_paise').as('paise'),
      e.fn.countAll<number>().as('n'),
    ])
    .where('status', '=', 'paid')
    .groupBy('month')
    .orderBy('month')
    .execute();
  return rows.map((r) => ({ month: r.month, paise: Number(r.paise), n: Number(r.n) }));
}
