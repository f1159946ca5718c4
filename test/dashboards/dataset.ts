import type { TestApp } from '../support/app.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { startTrial } from '../../src/billing/trial.js';
import { enqueue } from '../../src/notifications/outbox.js';

/**
 * A known data set for the dashboards, built at the test clock's start: Wednesday 25 Nov 2026,
 * 12:00 in India (06:30 UTC). The India week runs from Monday 23 Nov; the earnings chart's
 * twelve weeks from Monday 7 Sep 2026; the growth chart's twelve months from Dec 2025.
 * Organizer A has the interesting figures; organizer B has figures of its own that A must
 * never see. Every figure the tests assert is worked out in the comments.
 */
export const NOW = '2026-11-25T06:30:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

export async function buildDataset(t: TestApp) {
  t.clock.set(NOW);
  const deps = t.deps;
  const user = (f: Parameters<typeof createUser>[1]) => createUser(deps, f);

  const orgA = await user({ role: 'organizer', name: 'Himalaya Hikers' });
  const orgB = await user({ role: 'organizer', name: 'Sahyadri Steps' });
  const tenzing = await user({ role: 'traveler', name: 'Tenzing Norgay', email: 'tenzing@example.test' });
  const asha = await user({ role: 'traveler', name: 'Asha Rao' });
  const agent = await user({ role: 'agent', name: 'Desk Agent' });
  const admin = await user({ role: 'admin', name: 'Root Admin' });
  const gone = await user({ role: 'traveler', name: 'Gone Traveler' });
  await t.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', gone).execute();
  // Growth: 00:30 on 1 Dec 2025 in India is 30 Nov in UTC (counted, in Dec 2025); 23:30 on
  // 30 Nov 2025 in India is before the chart (not counted); 23:30 on 31 Oct 2026 is October.
  const early = await user({ role: 'traveler', name: 'Early Bird' });
  const earlier = await user({ role: 'traveler', name: 'Earlier Bird' });
  const october = await user({ role: 'traveler', name: 'October Walker' });
  const created = (id: number, iso: string) =>
    t.db.updateTable('users').set({ created_at: iso }).where('id', '=', id).execute();
  await created(early, '2025-11-30T19:00:00.000Z');
  await created(earlier, '2025-11-30T18:00:00.000Z');
  await created(october, '2026-10-31T18:00:00.000Z');

  // Organizer A: two active trips and a draft.
  const a1 = await makeTrip(deps, {
    organizerId: orgA,
    title: 'Kedarkantha Winter Trek',
    departures: [
      { start: '2026-11-28', end: '2026-12-02', capacity: 10, taken: 2 }, // in 3 days, 20 %: under-filled
      { start: '2027-01-10', end: '2027-01-14', capacity: 20, taken: 15 }, // 75 %
      { start: '2026-11-01', end: '2026-11-05', capacity: 10, taken: 4 }, // past
      { start: '2026-12-01', end: '2026-12-05', capacity: 10, taken: 0, status: 'cancelled' },
    ],
  });
  const a2 = await makeTrip(deps, {
    organizerId: orgA,
    title: 'Hampta Pass Crossing',
    departures: [{ start: '2026-12-20', end: '2026-12-24', capacity: 12, taken: 6 }], // 50 %, not within the week
  });
  await makeTrip(deps, { organizerId: orgA, title: 'Draft Trail', status: 'draft', start: '2027-02-01' });
  const [d1, d2, dPast] = a1.departureIds;
  const onD1 = { ...a1, departureId: d1 };
  const onD2 = { ...a1, departureId: d2 };
  const onPast = { ...a1, departureId: dPast };

  // Organizer B: one active trip starting in two days with no seats taken, and a cancelled trip.
  const b1 = await makeTrip(deps, {
    organizerId: orgB,
    title: 'Rajmachi Fort Night Trek',
    departures: [
      { start: '2026-11-27', end: '2026-11-28', capacity: 10 },
      { start: '2026-10-10', end: '2026-10-11', capacity: 8, taken: 1 },
    ],
  });
  await makeTrip(deps, { organizerId: orgB, title: 'Cancelled Trail', status: 'cancelled' });

  const booking = async (f: Parameters<typeof makeBooking>[1], createdAt: string) => {
    t.clock.set(createdAt);
    const id = await makeBooking(deps, f);
    t.clock.set(NOW);
    return id;
  };
  // A's bookings. New (last 7 days, not cancelled): confirmed (2 days ago) and awaitingProof (1 day ago).
  const confirmed = await booking(
    { trip: onD1, userId: tenzing, code: 'TT-CONF-0001', status: 'confirmed', guests: 2, amountPaise: 2_400_000 },
    at(-2 * DAY),
  );
  // A UPI proof undecided past its deadline (the hold ended an hour ago): an alert.
  const awaitingProof = await booking(
    {
      trip: onD2,
      userId: asha,
      code: 'TT-PROOF-0002',
      paymentMethod: 'upi',
      verification: 'pending',
      holdExpiresAt: at(-HOUR),
      amountPaise: 1_200_000,
    },
    at(-DAY),
  );
  // Cancelled yesterday: not new.
  const cancelled = await booking({ trip: onD2, userId: tenzing, code: 'TT-CANC-0003' }, at(-DAY));
  await t.db
    .updateTable('bookings')
    .set({ status: 'cancelled', hold_expires_at: null })
    .where('id', '=', cancelled)
    .execute();
  // Ten days ago: not new. Tenzing still has to pay it (hold runs another hour).
  const toPay = await booking(
    { trip: { ...a2, departureId: a2.departureId }, userId: tenzing, code: 'TT-TOPAY-0004', holdExpiresAt: at(HOUR) },
    at(-10 * DAY),
  );
  // Proof rejected: Tenzing must pay again; created 8 days ago (not new).
  const rejected = await booking(
    {
      trip: onD2,
      userId: tenzing,
      code: 'TT-REJ-0005',
      paymentMethod: 'upi',
      holdExpiresAt: at(2 * HOUR),
      amountPaise: 900_000,
    },
    at(-8 * DAY),
  );
  await t.db.updateTable('bookings').set({ verification_status: 'rejected' }).where('id', '=', rejected).execute();
  // Proof being checked, hold still running: waits on the organizer (a pending verification, no alert).
  const checking = await booking(
    {
      trip: onD2,
      userId: tenzing,
      code: 'TT-CHECK-0006',
      paymentMethod: 'upi',
      verification: 'pending',
      holdExpiresAt: at(20 * HOUR),
    },
    at(-9 * DAY),
  );
  // Hold ran out (not yet released by the job): nothing to do any more.
  await booking({ trip: onD2, userId: tenzing, code: 'TT-LAPSED-0007', holdExpiresAt: at(-5 * 60_000) }, at(-9 * DAY));
  // Tenzing's past trips: confirmed on a departure that ended, and a completed one with B.
  const pastConfirmed = await booking(
    { trip: onPast, userId: tenzing, code: 'TT-PAST-0008', status: 'confirmed' },
    '2026-10-01T06:00:00.000Z', // 11:30 IST 1 Oct: growth counts it in October
  );
  const pastCompleted = await booking(
    { trip: { ...b1, departureId: b1.departureIds[1] }, userId: tenzing, code: 'TT-DONE-0009', status: 'confirmed' },
    '2026-10-31T19:00:00.000Z', // 00:30 IST 1 Nov: growth counts it in November, not October
  );
  await t.db.updateTable('bookings').set({ status: 'completed' }).where('id', '=', pastCompleted).execute();
  // B's own new booking, made an hour ago.
  const bNew = await booking(
    { trip: b1, userId: asha, code: 'TT-BNEW-0010', status: 'confirmed', amountPaise: 9_999_900 },
    at(-HOUR),
  );

  const proof = (bookingId: number, createdAt: string, status: 'pending' | 'rejected' = 'pending') =>
    t.db
      .insertInto('upi_proofs')
      .values({
        booking_id: bookingId,
        utr: String(100000000000 + bookingId),
        screenshot_key: `proof${bookingId}`,
        screenshot_width: 640,
        screenshot_height: 1280,
        amount_paise: 1_200_000,
        status,
        created_at: createdAt,
      })
      .execute();
  await proof(awaitingProof, at(-DAY));
  await proof(checking, at(-3 * DAY)); // the oldest pending proof
  await proof(rejected, at(-7 * DAY), 'rejected');

  const pay = async (bookingId: number, amount: number, paidAt: string | null, status = 'paid') =>
    (
      await t.db
        .insertInto('payments')
        .values({
          booking_id: bookingId,
          method: 'razorpay',
          amount_paise: amount,
          status: status as 'paid',
          razorpay_order_id: null,
          razorpay_payment_id: null,
          utr: null,
          paid_at: paidAt,
          created_at: paidAt ?? NOW,
          updated_at: paidAt ?? NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  // A's earnings. Week of 23 Nov (week 12): ₹24,000 on Tuesday, and ₹3,000 at 00:15 IST on
  // Monday 23 Nov (still Sunday 22 Nov in UTC); ₹5,000 refunded on the 24th. Net ₹22,000.
  await pay(confirmed, 2_400_000, '2026-11-24T10:00:00.000Z');
  await pay(pastConfirmed, 300_000, '2026-11-22T18:45:00.000Z');
  // Week of 7 Sep (week 1): ₹10,000 at 00:00 IST on Monday 7 Sep, the chart's first instant.
  await pay(pastConfirmed, 1_000_000, '2026-09-06T18:30:00.000Z');
  // One second earlier: before the chart.
  await pay(pastConfirmed, 999_900, '2026-09-06T18:29:59.000Z');
  // B's money, never A's.
  await pay(bNew, 9_999_900, at(-HOUR));
  // Payments behind A's refunds, paid long before the chart (they count in GMV only).
  const forManual = await pay(cancelled, 500_000, '2026-08-01T06:00:00.000Z', 'refunded');
  const forFailed = await pay(awaitingProof, 120_000, '2026-08-02T06:00:00.000Z');
  const forProcessed = await pay(pastConfirmed, 500_000, '2026-08-03T06:00:00.000Z', 'refunded');
  const refund = (
    bookingId: number,
    paymentId: number,
    amount: number,
    method: 'manual' | 'razorpay',
    status: 'pending' | 'failed' | 'processed',
    processedAt: string | null = null,
  ) =>
    t.db
      .insertInto('refunds')
      .values({
        booking_id: bookingId,
        payment_id: paymentId,
        amount_paise: amount,
        method,
        status,
        reason: 'cancelled',
        razorpay_refund_id: null,
        last_error: null,
        processed_at: processedAt,
        created_at: NOW,
      })
      .execute();
  // A subscription's payment and refunds whose owner id happens to equal A's booking's: never A's
  // money (not in earnings, GMV or refunds to pay back).
  for (const [amount, refunded, status, processedAt] of [
    [149_900, 77_700, 'pending', null],
    [149_900, 11_100, 'processed', '2026-11-24T09:30:00.000Z'],
  ] as const) {
    const id = await pay(confirmed, amount, '2026-11-24T09:00:00.000Z');
    await t.db.updateTable('payments').set({ owner: 'subscription' }).where('id', '=', id).execute();
    await refund(confirmed, id, refunded, status === 'pending' ? 'manual' : 'razorpay', status, processedAt);
  }
  // To pay back: ₹5,000 by hand and ₹1,200 Razorpay could not send: 2 refunds, ₹6,200.
  await refund(cancelled, forManual, 500_000, 'manual', 'pending');
  await refund(awaitingProof, forFailed, 120_000, 'razorpay', 'failed');
  await refund(pastConfirmed, forProcessed, 500_000, 'razorpay', 'processed', '2026-11-24T08:00:00.000Z');

  // A's subscription: a trial from now (60 days), and two paid charges (₹1,499 each, one in November).
  await startTrial(t.db, t.clock, orgA);
  const sub = await t.db
    .selectFrom('subscriptions')
    .select('id')
    .where('organizer_id', '=', orgA)
    .executeTakeFirstOrThrow();
  for (const [periodStart, settled] of [
    ['2026-09-01T00:00:00.000Z', '2026-10-15T06:00:00.000Z'],
    ['2026-11-01T00:00:00.000Z', '2026-11-20T06:00:00.000Z'],
  ])
    await t.db
      .insertInto('subscription_charges')
      .values({
        subscription_id: sub.id,
        period_start: periodStart,
        amount_paise: 149_900,
        status: 'paid',
        attempt: 1,
        razorpay_order_id: null,
        razorpay_payment_id: null,
        failure_reason: null,
        created_at: settled,
        settled_at: settled,
      })
      .execute();

  // Jobs: expire-holds failed then ran fine (not failing); send-reminders' latest run failed,
  // twice in the last day and once two days ago.
  const run = (name: string, startedAt: string, outcome: 'ok' | 'failed', detail: string | null = null) =>
    t.db
      .insertInto('job_runs')
      .values({ name, started_at: startedAt, finished_at: startedAt, outcome, detail })
      .execute();
  await run('expire-holds', at(-2 * HOUR), 'failed', 'busy');
  await run('expire-holds', at(-HOUR), 'ok');
  await run('send-reminders', at(-2 * DAY), 'failed', 'SMTP down');
  await run('send-reminders', at(-5 * HOUR), 'ok');
  await run('send-reminders', at(-3 * HOUR), 'failed', 'SMTP down');
  await run('send-reminders', at(-30 * 60_000), 'failed', 'SMTP refused the connection');

  // Outbox: 3 pending (the first due 10 minutes ago), 1 sending, 2 failed, 1 sent.
  const message = async (status: 'pending' | 'sending' | 'failed' | 'sent', due: string) => {
    const id = await enqueue(t.db, t, {
      channel: 'email',
      to: 'x@example.test',
      template: 't',
      subject: 's',
      text: 'x',
    });
    await t.db.updateTable('outbox').set({ status, next_attempt_at: due }).where('id', '=', id).execute();
  };
  await message('pending', at(-10 * 60_000));
  await message('pending', at(5 * 60_000));
  await message('pending', at(HOUR));
  await message('sending', at(-60_000));
  await message('failed', at(-DAY));
  await message('failed', at(-2 * DAY));
  await message('sent', at(-3 * DAY));

  const cookie = (id: number) => sessionCookie(deps, id);
  return {
    ids: { orgA, orgB, tenzing, asha, agent, admin },
    bookings: { confirmed, awaitingProof, toPay, rejected, checking, pastConfirmed, pastCompleted, bNew },
    trips: { a1: a1.tripId, a2: a2.tripId, b1: b1.tripId },
    departures: { d1, d2, a2: a2.departureId, b1: b1.departureId },
    cookies: {
      orgA: await cookie(orgA),
      orgB: await cookie(orgB),
      tenzing: await cookie(tenzing),
      asha: await cookie(asha),
      agent: await cookie(agent),
      admin: await cookie(admin),
    },
  };
}

export type Dataset = Awaited<ReturnType<typeof buildDataset>>;
