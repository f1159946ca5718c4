import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { sessionCookie } from '../support/factories.js';
import { SCHEDULE } from '../../src/scheduler.js';
import { subscriptionOf } from './support.js';
import { bankAnswers, chargesOf, messagesTo, organizerWithTrip, setUpAutopay, visible } from './autopay-support.js';

/**
 * 180 days on a fake clock, four organizers, the real jobs of the schedule at their India
 * times, the real razorpay SDK against the fake Razorpay API (the bank answers debits at 04:00):
 * - A sets up auto-pay in the trial and pays three periods;
 * - B's mandate starts failing: three attempts, inactive, trips hidden, pays now, visible again;
 * - C never sets up: trial notices, the trial ends, trips hidden;
 * - D sets up and cancels mid-period: active to the end of it, then hidden, never charged again.
 */
let rzp: FakeRazorpayServer;
let t: TestApp;
beforeAll(async () => {
  rzp = await startFakeRazorpay();
  t = await makeTestApp(rzp.env);
});
afterAll(async () => {
  await t.close();
  await rzp.stop();
});

const job = (name: string) => {
  const j = SCHEDULE.find((x) => x.name === name);
  if (!j) throw new Error(name);
  return () => j.run(t.deps);
};
const at = (day: string, time: string) => t.clock.set(new Date(`${day}T${time}:00+05:30`));
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const both = (...templates: string[]) => templates.flatMap((x) => [`email:${x}`, `sms:${x}`]);

describe('180 days of billing', () => {
  it('charges, tells and hides exactly as the plan says', async () => {
    const [a, b, c, d] = [
      await organizerWithTrip(t, 11),
      await organizerWithTrip(t, 12),
      await organizerWithTrip(t, 13),
      await organizerWithTrip(t, 14),
    ];
    const who = { A: a, B: b, C: c, D: d };
    const hidden: Record<string, string[]> = { A: [], B: [], C: [], D: [] };
    const cookie = async (o: { id: number }) => sessionCookie(t.deps, o.id);
    const charge = job('billing.charge');
    const trialNotices = job('billing.trial-notices');
    const reminders = job('billing.reminders');
    const reconcile = job('billing.reconcile');

    let day = '2026-11-25';
    while (day <= '2027-05-25') {
      at(day, '02:00');
      await charge();
      at(day, '04:00');
      await bankAnswers(t, rzp);
      at(day, '09:00');
      await trialNotices();
      at(day, '10:00');
      await reminders();
      at(day, '11:00');
      // The organizers' own doings, through the pages.
      if (day === '2026-11-30') await setUpAutopay(t, rzp, await cookie(a));
      if (day === '2026-12-01') await setUpAutopay(t, rzp, await cookie(b), 'card');
      if (day === '2026-12-02') await setUpAutopay(t, rzp, await cookie(d), 'emandate');
      if (day === '2027-03-01') rzp.fake.failingTokens.add((await subscriptionOf(t, b.id))!.razorpay_token_id!);
      if (day === '2027-02-15')
        expect((await t.post('/organizer/subscription/cancel', {}, await cookie(d))).status).toBe(303);
      if (day === '2027-03-27') {
        // B pays now (no JavaScript needed), from a bank account that works again.
        rzp.fake.failingTokens.clear();
        const start = await t.post('/organizer/subscription/pay', {}, await cookie(b));
        expect(start.headers.get('location')).toMatch(/^\/organizer\/subscription\/checkout\/\d+$/);
        const order = [...rzp.fake.orders.values()].at(-1)!;
        const { payment, signature } = rzp.fake.pay(order.id);
        const back = await t.post(
          '/organizer/subscription/verify',
          { razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: signature },
          await cookie(b),
        );
        expect(back.status).toBe(303);
      }
      at(day, '12:20');
      await reconcile();
      at(day, '12:30');
      for (const [k, o] of Object.entries(who)) if (!(await visible(t, o.tripId))) hidden[k].push(day);
      day = dayAfter(day);
    }

    // Trip visibility, every day at 12:30.
    const from = (first: string) => {
      const days: string[] = [];
      for (let x = first; x <= '2027-05-25'; x = dayAfter(x)) days.push(x);
      return days;
    };
    expect(hidden).toEqual({ A: [], B: ['2027-03-25', '2027-03-26'], C: from('2027-01-25'), D: from('2027-03-26') });

    // Every charge.
    const rows = async (o: { id: number }) =>
      (await chargesOf(t, o.id)).map((x) => [x.kind, x.status, x.period_start.slice(0, 10), x.attempt]);
    expect(await rows(a)).toEqual([
      ['mandate', 'paid', '2027-01-24', 1],
      ['auto', 'paid', '2027-03-25', 1],
      ['auto', 'paid', '2027-05-24', 1],
    ]);
    expect(await rows(b)).toEqual([
      ['mandate', 'paid', '2027-01-24', 1],
      ['auto', 'failed', '2027-03-25', 1],
      ['auto', 'failed', '2027-03-25', 2],
      ['auto', 'failed', '2027-03-25', 3],
      ['manual', 'paid', '2027-03-27', 1],
      ['auto', 'paid', '2027-05-26', 1],
    ]);
    expect(await rows(c)).toEqual([]);
    expect(await rows(d)).toEqual([['mandate', 'paid', '2027-01-24', 1]]);
    expect(rzp.fake.debits.map((x) => x.status)).toEqual([
      'captured',
      'failed',
      'failed',
      'failed',
      'captured',
      'captured',
    ]);

    // Every message, and no others.
    const cycle = both('payment-reminder', 'payment-reminder', 'pre-debit', 'payment-succeeded');
    expect(await messagesTo(t, a.to)).toEqual([...both('payment-succeeded'), ...cycle, ...cycle]);
    expect(await messagesTo(t, b.to)).toEqual([
      ...both('payment-succeeded', 'payment-reminder', 'payment-reminder', 'pre-debit'),
      ...both('payment-failed', 'payment-failed', 'deactivated', 'payment-succeeded', 'reactivated'),
      ...cycle,
    ]);
    expect(await messagesTo(t, c.to)).toEqual(both('trial-ending', 'trial-ending', 'trial-ending', 'trial-ended'));
    expect(await messagesTo(t, d.to)).toEqual(both('payment-succeeded'));
    const total = await t.db
      .selectFrom('outbox')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(2 * (9 + 13 + 4 + 1));

    expect(await subscriptionOf(t, a.id)).toMatchObject({
      status: 'active',
      current_period_end: '2027-07-23T06:30:00.000Z',
    });
    expect(await subscriptionOf(t, b.id)).toMatchObject({ status: 'active', failed_attempts: 0 });
    expect((await subscriptionOf(t, c.id))?.status).toBe('inactive');
    expect((await subscriptionOf(t, d.id))?.status).toBe('cancelled');
  }, 120_000);
});
