import { sql, type Expression, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** SQL of the payments feature: orders and payments, refunds, and the webhook events seen. */

export function paymentByOrder(db: Db, orderId: string) {
  return db.selectFrom('payments').selectAll().where('razorpay_order_id', '=', orderId).executeTakeFirst();
}

export function paymentByRazorpayId(db: Db, paymentId: string) {
  return db.selectFrom('payments').select('id').where('razorpay_payment_id', '=', paymentId).executeTakeFirst();
}

export function openOrderOf(db: Db, owner: string, ownerId: number, amount: number, purpose: string | null) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('owner', '=', owner)
    .where('booking_id', '=', ownerId)
    .where('method', '=', 'razorpay')
    .where('status', '=', 'created')
    .where('amount_paise', '=', amount)
    .where('purpose', 'is', purpose)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export function paidPaymentOf(db: Db, owner: string, ownerId: number) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('owner', '=', owner)
    .where('booking_id', '=', ownerId)
    .where('status', '=', 'paid')
    .orderBy('id')
    .executeTakeFirst();
}

export function insertPayment(db: Db, p: Insertable<Database['payments']>) {
  return db.insertInto('payments').values(p).returning('id').executeTakeFirstOrThrow();
}

export async function recordEvent(db: Db, id: string, event: string, at: string): Promise<boolean> {
  const r = await db
    .insertInto('razorpay_events')
    .values({ id, event, received_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** What has been refunded of a payment so far, whatever became of each refund (a failed one is paid back by hand). */
const refundedOfPayment = (db: Db, paymentId: Expression<number> | number) =>
  db
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('refunds.amount_paise'), sql<number>`0`).as('n'))
    .where('refunds.payment_id', '=', paymentId);

/**
 * A new refund, still to be sent (razorpay) or paid back by hand (manual); a payment may be
 * refunded in parts. Undefined (and nothing written) when it would take the payment's refunds
 * above its amount: checked in the insert itself, so two refunds at once cannot both pass.
 */
export function insertRefund(
  db: Db,
  r: Pick<
    Insertable<Database['refunds']>,
    'booking_id' | 'payment_id' | 'amount_paise' | 'method' | 'reason' | 'created_at'
  >,
) {
  return db
    .insertInto('refunds')
    .columns(['booking_id', 'payment_id', 'amount_paise', 'method', 'reason', 'created_at', 'status'])
    .expression(
      db
        .selectFrom('payments')
        .select([
          sql.val(r.booking_id).as('booking_id'),
          'payments.id as payment_id',
          sql.val(r.amount_paise).as('amount_paise'),
          sql.val(r.method).as('method'),
          sql.val(r.reason).as('reason'),
          sql.val(r.created_at).as('created_at'),
          sql.lit('pending').as('status'),
        ])
        .where('payments.id', '=', r.payment_id)
        .where(
          (eb) => eb.parens(refundedOfPayment(db, eb.ref('payments.id')), '+', r.amount_paise),
          '<=',
          (eb) => eb.ref('payments.amount_paise'),
        ),
    )
    .returning('id')
    .executeTakeFirst();
}

/** Each payment of an owner with what is left of it to refund (its amount minus its refunds so far). */
export function refundLeftOf(db: Db, owner: string, ownerId: number) {
  return db
    .selectFrom('payments')
    .selectAll('payments')
    .select((eb) => eb('payments.amount_paise', '-', refundedOfPayment(db, eb.ref('payments.id'))).as('left_paise'))
    .where('payments.owner', '=', owner)
    .where('payments.booking_id', '=', ownerId)
    .orderBy('payments.id')
    .execute();
}

/** What of a payment has come back to the payer so far. */
export async function processedOfPayment(db: Db, paymentId: number): Promise<number> {
  const r = await refundedOfPayment(db, paymentId).where('refunds.status', '=', 'processed').executeTakeFirst();
  return Number(r?.n ?? 0);
}

export function refundsToSend(db: Db, bookingId?: number) {
  let q = db
    .selectFrom('refunds')
    .innerJoin('payments', 'payments.id', 'refunds.payment_id')
    .select([
      'refunds.id',
      'refunds.booking_id',
      'refunds.amount_paise',
      'refunds.attempts',
      'payments.razorpay_payment_id',
    ])
    .where('refunds.method', '=', 'razorpay')
    .where('refunds.status', '=', 'pending');
  if (bookingId !== undefined) q = q.where('refunds.booking_id', '=', bookingId);
  return q.orderBy('refunds.id').limit(100).execute();
}

export function findRefund(db: Db, id: number) {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export function refundByRazorpayId(db: Db, rid: string) {
  return db.selectFrom('refunds').selectAll().where('razorpay_refund_id', '=', rid).executeTakeFirst();
}

export function paymentsOf(db: Db, owner: string, ownerId: number) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('owner', '=', owner)
    .where('booking_id', '=', ownerId)
    .orderBy('id')
    .execute();
}

export function refundsOf(db: Db, owner: string, ownerId: number) {
  return db
    .selectFrom('refunds')
    .innerJoin('payments', 'payments.id', 'refunds.payment_id')
    .selectAll('refunds')
    .where('payments.owner', '=', owner)
    .where('refunds.booking_id', '=', ownerId)
    .orderBy('refunds.id')
    .execute();
}

export function findPayment(db: Db, id: number) {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function markPaymentPaid(db: Db, id: number, razorpayPaymentId: string, now: string): Promise<void> {
  await db
    .updateTable('payments')
    .set({ status: 'paid', razorpay_payment_id: razorpayPaymentId, paid_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** A payment given back in full; a mismatched one keeps saying so (its refund row says it went back). */
export async function markPaymentRefunded(db: Db, id: number, now: string): Promise<void> {
  await db
    .updateTable('payments')
    .set({ status: 'refunded', updated_at: now })
    .where('id', '=', id)
    .where('status', '!=', 'mismatch')
    .execute();
}

/** An order still waiting for its payment is marked failed; the order's row when it was. */
export function markOrderFailed(db: Db, orderId: string, now: string) {
  return db
    .updateTable('payments')
    .set({ status: 'failed', updated_at: now })
    .where('razorpay_order_id', '=', orderId)
    .where('status', '=', 'created')
    .returning(['booking_id', 'owner'])
    .executeTakeFirst();
}

/** Takes a pending refund for one sending attempt, unless another attempt holds it: true when this call did. */
export async function claimRefund(
  db: Db,
  r: { id: number; attempts: number },
  nowIso: string,
  untilIso: string,
): Promise<boolean> {
  const u = await db
    .updateTable('refunds')
    .set({ attempts: r.attempts + 1, claimed_until: untilIso })
    .where('id', '=', r.id)
    .where('attempts', '=', r.attempts)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', nowIso)]))
    .executeTakeFirst();
  return Number(u.numUpdatedRows) === 1;
}

export async function giveBackRefundClaim(db: Db, id: number, error: string): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ last_error: error.slice(0, 500), claimed_until: null })
    .where('id', '=', id)
    .execute();
}

export async function markRefundInitiated(db: Db, id: number, razorpayRefundId: string): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ status: 'initiated', razorpay_refund_id: razorpayRefundId })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function markRefundRowProcessed(
  db: Db,
  id: number,
  razorpayRefundId: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ status: 'processed', processed_at: now, razorpay_refund_id: razorpayRefundId, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A refund still on its way is marked failed; true when this call did it. */
export async function markRefundRowFailed(
  db: Db,
  id: number,
  why: string,
  razorpayRefundId: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('refunds')
    .set({
      status: 'failed',
      last_error: why.slice(0, 500),
      ...(razorpayRefundId ? { razorpay_refund_id: razorpayRefundId } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'initiated'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
