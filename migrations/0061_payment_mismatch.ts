import { sql, type Kysely } from 'kysely';

/**
 * Issue 28: a payment captured for another amount than its order's is kept, under its own
 * status `mismatch` (it bought nothing; it is refunded in full). SQLite cannot change a CHECK in
 * place: payments is rebuilt as 0047 did, every row, id and index kept; refunds still reference
 * payments.id, checked at commit (defer_foreign_keys).
 */
const columns = (statuses: string) =>
  sql`("id" integer primary key autoincrement, "booking_id" integer not null,
    "method" text not null check (method in ('razorpay','upi')), "amount_paise" integer not null,
    "status" text not null check (status in (${sql.raw(statuses)})), "razorpay_order_id" text unique,
    "razorpay_payment_id" text unique, "utr" text, "paid_at" text, "created_at" text not null,
    "updated_at" text not null, "owner" text default 'booking' not null)`;

async function rebuild(db: Kysely<any>, statuses: string): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(db);
  await sql`CREATE TABLE "payments_new" ${columns(statuses)}`.execute(db);
  await sql`INSERT INTO payments_new (id, booking_id, method, amount_paise, status, razorpay_order_id,
    razorpay_payment_id, utr, paid_at, created_at, updated_at, owner)
    SELECT id, booking_id, method, amount_paise, status, razorpay_order_id, razorpay_payment_id, utr,
    paid_at, created_at, updated_at, owner FROM payments`.execute(db);
  await db.schema.dropTable('payments').execute();
  await db.schema.alterTable('payments_new').renameTo('payments').execute();
  await db.schema.createIndex('payments_booking').on('payments').columns(['owner', 'booking_id']).execute();
  await db.schema.createIndex('payments_paid_at').on('payments').columns(['status', 'paid_at']).execute();
  await sql`create index payments_booking_paid on payments(paid_at, amount_paise) where owner = 'booking' and paid_at is not null`.execute(
    db,
  );
  await sql`create index payments_paid_by_booking on payments(booking_id, paid_at, amount_paise) where owner = 'booking' and paid_at is not null`.execute(
    db,
  );
}

export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, `'created','paid','failed','refunded','mismatch'`);
}

export async function down(db: Kysely<any>): Promise<void> {
  // A mismatched payment went back in full: the older schema calls it refunded.
  await sql`UPDATE payments SET status = 'refunded' WHERE status = 'mismatch'`.execute(db);
  await rebuild(db, `'created','paid','failed','refunded'`);
}
