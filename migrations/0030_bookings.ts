import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bookings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('trip_id', 'integer', (c) => c.notNull().references('trips.id'))
    .addColumn('departure_id', 'integer', (c) => c.notNull().references('departures.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('organizer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('guests', 'integer', (c) => c.notNull().check(sql`guests between 1 and 10`))
    .addColumn('amount_paise', 'integer', (c) => c.notNull().check(sql`amount_paise >= 0`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending','confirmed','cancelled','completed')`),
    )
    .addColumn('cancel_reason', 'text')
    .addColumn('payment_method', 'text', (c) => c.check(sql`payment_method in ('online','upi','free')`))
    .addColumn('payment_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`payment_status in ('pending','paid','refunded','failed')`),
    )
    .addColumn('verification_status', 'text', (c) =>
      c.check(sql`verification_status in ('pending','verified','rejected')`),
    )
    .addColumn('hold_expires_at', 'text')
    .addColumn('expiry_warned_at', 'text')
    .addColumn('reminder_sent_at', 'text')
    .addColumn('special_requests', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('refund_paise', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirmed_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bookings_user').on('bookings').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('bookings_organizer').on('bookings').columns(['organizer_id', 'status']).execute();
  await db.schema.createIndex('bookings_departure').on('bookings').columns(['departure_id', 'status']).execute();
  await db.schema.createIndex('bookings_hold').on('bookings').columns(['status', 'hold_expires_at']).execute();

  await db.schema
    .createTable('booking_participants')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('age', 'integer', (c) => c.notNull())
    .addColumn('dietary', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('booking_participants_booking')
    .on('booking_participants')
    .columns(['booking_id', 'position'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id'))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('razorpay','upi')`))
    .addColumn('amount_paise', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('created','paid','failed','refunded')`))
    .addColumn('razorpay_order_id', 'text', (c) => c.unique())
    .addColumn('razorpay_payment_id', 'text', (c) => c.unique())
    .addColumn('utr', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_booking').on('payments').column('booking_id').execute();
  await db.schema.createIndex('payments_paid_at').on('payments').columns(['status', 'paid_at']).execute();

  await db.schema
    .createTable('upi_proofs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id'))
    .addColumn('utr', 'text', (c) => c.notNull())
    .addColumn('screenshot_key', 'text', (c) => c.notNull())
    .addColumn('screenshot_width', 'integer', (c) => c.notNull())
    .addColumn('screenshot_height', 'integer', (c) => c.notNull())
    .addColumn('amount_paise', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','verified','rejected')`),
    )
    .addColumn('duplicate_utr', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upi_proofs_utr').on('upi_proofs').column('utr').execute();
  await db.schema.createIndex('upi_proofs_booking').on('upi_proofs').columns(['booking_id', 'status']).execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('booking_id', 'integer', (c) => c.notNull().references('bookings.id'))
    .addColumn('payment_id', 'integer', (c) => c.notNull().references('payments.id'))
    .addColumn('amount_paise', 'integer', (c) => c.notNull().check(sql`amount_paise > 0`))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('razorpay','manual')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','initiated','processed','failed')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('razorpay_refund_id', 'text', (c) => c.unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('processed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_status').on('refunds').columns(['status', 'method']).execute();
  // One refund per payment: a retry can never refund twice.
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').unique().execute();

  await db.schema
    .createTable('razorpay_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['razorpay_events', 'refunds', 'upi_proofs', 'payments', 'booking_participants', 'bookings']) {
    await db.schema.dropTable(t).execute();
  }
}
