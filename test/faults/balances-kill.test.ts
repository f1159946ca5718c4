/**
 * kill -9 while the balance job (`bookings.balances`) runs in a real server process: bookings
 * whose deposit is paid and whose balance is past the grace are being cancelled (and their
 * deposits refunded through the fake Razorpay), others are due a reminder. After a restart and
 * a second run, every booking is cancelled exactly once or still owed, no reminder went twice,
 * each refund is recorded once and reached Razorpay once, and the seats add up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../platform/server-process.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { liftSeatCaps, makeTrip, signedIn } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { addDays, istDate } from '../../src/lib/time.js';
import type { DB } from '../../src/db.js';
import {
  deadlineAfter,
  integrityCheck,
  openAppDb,
  payOnline,
  post,
  seatsThatDoNotAddUp,
  sleep,
  startApp,
} from './support.js';

let rzp: FakeRazorpayServer;
let app: ServerProcess | undefined;
let again: ServerProcess | undefined;
beforeAll(async () => {
  rzp = await startFakeRazorpay();
});
afterAll(async () => {
  for (const p of [app, again]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
  await rzp?.stop();
});

/** Bookings past the grace (to be cancelled), due a first reminder (7 days), due the second (2 days). */
const PAST = 60;
const FIRST = 20;
const SECOND = 20;
const PRICE = 500_000;
const DEPOSIT = 100_000; // 20 %

/** Runs `bookings.balances` by hand, as the admin's "run now" does; the answer may never come (a kill). */
const runBalances = (url: string, cookie: string) =>
  post(url, '/admin/jobs/bookings.balances/run', cookie).catch(() => ({ status: 0 }));

/** Waits until a run of `name` started after `since` is recorded as finished. */
async function finishedRun(db: DB, name: string, since: string) {
  const over = deadlineAfter(60_000);
  for (;;) {
    const run = await db
      .selectFrom('job_runs')
      .select(['outcome', 'detail'])
      .where('name', '=', name)
      .where('started_at', '>=', since)
      .where('outcome', '!=', 'running')
      .executeTakeFirst();
    if (run) return run;
    if (over()) throw new Error(`${name} did not finish`);
    await sleep(100);
  }
}

describe('kill -9 while the balance job runs', () => {
  it('after a restart and a second run: each booking cancelled exactly once or still owed, no reminder twice, refunds recorded and sent once, seats add up', async () => {
    const env = { ...rzp.env };
    app = await startApp(env);
    const first = openAppDb(app.dataDir);
    await liftSeatCaps(first.deps);
    const year = new Date().getUTCFullYear() + 1;
    const trip = await makeTrip(first.deps, {
      pricePaise: PRICE,
      capacity: 200,
      start: `${year}-05-10`,
      end: `${year}-05-14`,
      deposit: { kind: 'percent', value: 20, dueDays: 30 },
    });
    const travelers = await Promise.all(Array.from({ length: 10 }, () => signedIn(first.deps)));
    const admin = await signedIn(first.deps, { role: 'admin' });
    const db = first.db;

    // Each books one seat, choosing the deposit, and pays it online (order, Checkout, return).
    const ids: number[] = [];
    for (let i = 0; i < PAST + FIRST + SECOND; i += 10) {
      const batch = await Promise.all(
        travelers.map(async (tr) => {
          const r = await post(
            app!.url,
            `/trips/${trip.tripId}/book`,
            tr.cookie,
            bookingForm(trip.departureId, 1, { pay: 'deposit' }),
          );
          const id = Number(/^\/bookings\/(\d+)\/pay$/.exec(r.location)?.[1]);
          expect(id, r.text).toBeGreaterThan(0);
          const paid = await payOnline(app!.url, rzp, tr.cookie, id);
          expect(paid.step, paid.text).toBe('done');
          return id;
        }),
      );
      ids.push(...batch);
    }
    ids.sort((a, b) => a - b);
    const owed = await db.selectFrom('bookings').selectAll().where('id', 'in', ids).execute();
    for (const b of owed)
      expect(b).toMatchObject({ status: 'confirmed', payment_status: 'pending', paid_paise: DEPOSIT });

    // Time passes: the first are past the due date and its 3 days of grace, the others' due dates come near.
    const today = istDate(new Date());
    const pastIds = ids.slice(0, PAST);
    const firstIds = ids.slice(PAST, PAST + FIRST);
    const secondIds = ids.slice(PAST + FIRST);
    const due = async (which: number[], day: string) =>
      db.updateTable('bookings').set({ balance_due_on: day }).where('id', 'in', which).execute();
    await due(pastIds, addDays(today, -10));
    await due(firstIds, addDays(today, 7));
    await due(secondIds, addDays(today, 2));

    // The job runs; kill -9 once it has cancelled a few.
    const started = new Date().toISOString();
    void runBalances(app.url, admin.cookie);
    const over = deadlineAfter(30_000);
    const cancelledNow = async () =>
      (await db.selectFrom('bookings').select('id').where('id', 'in', ids).where('status', '=', 'cancelled').execute())
        .length;
    while ((await cancelledNow()) < 3 && !over()) await sleep(5);
    app.child.kill('SIGKILL');
    expect((await app.exited).signal).toBe('SIGKILL');
    const atKill = await cancelledNow();
    expect(atKill, 'killed before the job was done').toBeLessThan(PAST);
    expect(atKill).toBeGreaterThanOrEqual(3);
    await first.close();
    expect(integrityCheck(app.dataDir)).toBe('ok');

    // Restart on the same file; the job runs again (the 10:00 run of the next day would), and the
    // refunds a killed sender had claimed are sent once their claim lapses (the retry job).
    again = await startApp({ ...env, DATA_DIR: app.dataDir });
    const { db: after, close } = openAppDb(app.dataDir);
    try {
      expect(await seatsThatDoNotAddUp(after)).toEqual([]);
      const rerun = new Date().toISOString();
      await runBalances(again.url, admin.cookie);
      expect((await finishedRun(after, 'bookings.balances', rerun)).outcome).toBe('ok');
      // And once more: nothing left to do.
      const third = new Date().toISOString();
      await runBalances(again.url, admin.cookie);
      expect((await finishedRun(after, 'bookings.balances', third)).detail).toBe('reminded 0, cancelled 0');
      await after
        .updateTable('refunds')
        .set({ claimed_until: new Date(Date.now() - 1000).toISOString() })
        .where('status', '=', 'pending')
        .where('claimed_until', 'is not', null)
        .execute();
      const retry = new Date().toISOString();
      await post(again.url, '/admin/jobs/payments.retry-refunds/run', admin.cookie);
      expect((await finishedRun(after, 'payments.retry-refunds', retry)).outcome).toBe('ok');

      const rows = await after.selectFrom('bookings').selectAll().where('id', 'in', ids).orderBy('id').execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      // Past the grace: cancelled, for the unpaid balance, exactly once (one audit, one message each way).
      for (const id of pastIds) {
        const b = byId.get(id)!;
        expect(b, `booking ${id}`).toMatchObject({ status: 'cancelled', cancel_reason: 'balance_unpaid' });
        const audits = await after
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'booking.cancelled')
          .where('target_id', '=', String(id))
          .execute();
        expect(audits, `booking ${id}`).toHaveLength(1);
        const told = await after
          .selectFrom('outbox')
          .select('channel')
          .where('template', '=', 'balance-unpaid-cancelled')
          .where('payload', 'like', `%${b.code}%`)
          .execute();
        expect(told.map((m) => m.channel).sort(), `booking ${id}`).toEqual(['email', 'sms']);
        // The refund under the policy, recorded once against the deposit, and at Razorpay once.
        const refunds = await after
          .selectFrom('refunds')
          .innerJoin('payments', 'payments.id', 'refunds.payment_id')
          .select(['refunds.amount_paise', 'refunds.status', 'payments.razorpay_payment_id'])
          .where('refunds.booking_id', '=', id)
          .execute();
        expect(refunds.length, `booking ${id}`).toBeLessThanOrEqual(1);
        expect(refunds.reduce((n, r) => n + r.amount_paise, 0)).toBe(b.refund_paise);
        for (const r of refunds) {
          expect(r.status, `booking ${id}`).toBe('processed');
          expect(rzp.fake.payments.get(r.razorpay_payment_id!)!.amount_refunded).toBe(r.amount_paise);
        }
        expect(b.refund_paise).toBeLessThanOrEqual(b.paid_paise);
      }
      // Not yet due: still confirmed and owed, each reminded once (email and SMS), never twice.
      for (const [which, n] of [
        [firstIds, 1],
        [secondIds, 2],
      ] as const)
        for (const id of which) {
          const b = byId.get(id)!;
          expect(b, `booking ${id}`).toMatchObject({
            status: 'confirmed',
            payment_status: 'pending',
            paid_paise: DEPOSIT,
            balance_reminders: n,
          });
          const reminders = await after
            .selectFrom('outbox')
            .select('channel')
            .where('template', '=', 'balance-reminder')
            .where('payload', 'like', `%${b.code}%`)
            .execute();
          expect(reminders.map((m) => m.channel).sort(), `booking ${id}`).toEqual(['email', 'sms']);
        }
      expect(await seatsThatDoNotAddUp(after)).toEqual([]);
      const seats = await after
        .selectFrom('departures')
        .select('seats_taken')
        .where('id', '=', trip.departureId)
        .executeTakeFirstOrThrow();
      expect(seats.seats_taken).toBe(FIRST + SECOND);
      console.log(
        `balances kill -9: ${atKill} of ${PAST} cancelled at the kill (started ${started}), all ${PAST} after the rerun; ` +
          `${FIRST + SECOND} reminded once`,
      );
    } finally {
      await close();
    }
  }, 180_000);
});
