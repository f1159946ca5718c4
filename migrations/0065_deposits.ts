import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Issue 32 (H): deposits and the balance.
 *
 * A trip may ask for a deposit (`deposit_kind` 'percent' of the price, or 'amount' in paise per
 * guest, `deposit_value`) with the balance due `balance_due_days` before the start; all null:
 * paid in full when booked, as before.
 *
 * A booking records what it asks now and what was actually paid: `deposit_paise` (0: paid in
 * full), `paid_paise` (money received so far, what refunds are computed on), `balance_due_on`
 * (YYYY-MM-DD, India time; null without a deposit) and `balance_reminders` (how many of the two
 * reminders, 7 and 2 days before, went). A confirmed booking with `payment_status` 'pending' is
 * one whose deposit is paid and whose balance is outstanding.
 */
export async function up(trx: Kysely<any>): Promise<void> {
  {
    await trx.schema
      .alterTable('trips')
      .addColumn('deposit_kind', 'text', (c) => c.check(sql`deposit_kind in ('percent','amount')`))
      .execute();
    await trx.schema
      .alterTable('trips')
      .addColumn('deposit_value', 'integer', (c) => c.check(sql`deposit_value > 0`))
      .execute();
    await trx.schema
      .alterTable('trips')
      .addColumn('balance_due_days', 'integer', (c) => c.check(sql`balance_due_days between 1 and 180`))
      .execute();
    await trx.schema
      .alterTable('bookings')
      .addColumn('deposit_paise', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`deposit_paise >= 0`),
      )
      .execute();
    await trx.schema
      .alterTable('bookings')
      .addColumn('paid_paise', 'integer', (c) =>
        c
          .notNull()
          .defaultTo(0)
          .check(sql`paid_paise >= 0`),
      )
      .execute();
    await trx.schema.alterTable('bookings').addColumn('balance_due_on', 'text').execute();
    await trx.schema
      .alterTable('bookings')
      .addColumn('balance_reminders', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // Every booking so far was paid in full or not at all.
    await sql`update bookings set paid_paise = amount_paise where payment_status in ('paid', 'refunded')`.execute(trx);
    await sql`create index bookings_balance_due on bookings (balance_due_on) where balance_due_on is not null and status = 'confirmed'`.execute(
      trx,
    );
  }
}

export async function down(trx: Kysely<any>): Promise<void> {
  {
    await sql`drop index if exists bookings_balance_due`.execute(trx);
    for (const c of ['balance_reminders', 'balance_due_on', 'paid_paise', 'deposit_paise'])
      await trx.schema.alterTable('bookings').dropColumn(c).execute();
    for (const c of ['balance_due_days', 'deposit_value', 'deposit_kind'])
      await trx.schema.alterTable('trips').dropColumn(c).execute();
  }
}
