import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { NoticeKind, SubscriptionsTable, SubscriptionStatus } from './tables.js';

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
