import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { chargeDueSubscriptions } from '../../src/billing/charges.js';
import { reconcileCharges } from '../../src/billing/reconcile.js';
import { SCHEDULE } from '../../src/scheduler.js';
import { putSetting } from '../../src/lib/settings.js';
import { sessionCookie } from '../support/factories.js';
import { subscriptionOf } from './support.js';
import {
  bankAnswers,
  chargesOf,
  deliver,
  lastMessageId,
  messagesTo,
  organizerWithTrip,
  setUpAutopay,
  visible,
} from './autopay-support.js';

let rzp: FakeRazorpayServer;
let t: TestApp;
beforeEach(async () => {
  rzp = await startFakeRazorpay();
  // 25 Nov 2026, 12:00 IST: a trial started now ends on 24 Jan 2027 at 12:00 IST.
  t = await makeTestApp(rzp.env);
});
afterEach(async () => {
  await t.close();
  await rzp.stop();
});

/** An India date and time as the fake clock's instant. */
const ist = (day: string, time = '02:00') => new Date(`${day}T${time}:00+05:30`);
const at = (day: string, time = '02:00') => t.clock.set(ist(day, time));

describe('auto-pay set-up (Razorpay recurring)', () => {
  it('offers no "Pay now" once auto-pay has paid ahead or looks after the subscription, and refuses one posted anyway', async () => {
    const o = await organizerWithTrip(t, 1);
    expect(await (await t.request('/organizer/subscription', { cookie: o.cookie })).text()).toContain('Pay now');
    await setUpAutopay(t, rzp, o.cookie);
    const paidAhead = await (await t.request('/organizer/subscription', { cookie: o.cookie })).text();
    expect(paidAhead).not.toContain('action="/organizer/subscription/pay"');
    const before = (await chargesOf(t, o.id)).length;
    const res = await t.post('/organizer/subscription/pay', {}, o.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/organizer/subscription');
    const flash = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    const back = await t.request('/organizer/subscription', { cookie: [o.cookie, ...flash].join('; ') });
    expect(await back.text()).toContain('Your next period is already paid');
    // In the paid period, auto-pay on: still nothing to pay by hand.
    at('2027-02-01', '12:00');
    const cookie = await sessionCookie(t.deps, o.id);
    expect(await (await t.request('/organizer/subscription', { cookie })).text()).not.toContain(
      'action="/organizer/subscription/pay"',
    );
    expect((await t.post('/organizer/subscription/pay', {}, cookie)).headers.get('location')).toBe(
      '/organizer/subscription',
    );
    expect(await chargesOf(t, o.id)).toHaveLength(before);
  });

  it('makes a customer and an authorisation order with the token terms, takes the first payment and saves the confirmed token', async () => {
    const o = await organizerWithTrip(t, 1);
    const { token } = await setUpAutopay(t, rzp, o.cookie);
    const [customer] = [...rzp.fake.customers.values()];
    expect(customer).toMatchObject({ email: o.email, contact: o.phone });
    const [order] = [...rzp.fake.orders.values()];
    expect(order).toMatchObject({
      amount: 149_900,
      customer_id: customer.id,
      method: 'upi',
      token: { max_amount: 299_800, frequency: 'as_presented' },
    });
    expect(order.token!.expire_at).toBeGreaterThan(ist('2036-01-01').getTime() / 1000);
    const sub = await subscriptionOf(t, o.id);
    expect(sub).toMatchObject({
      status: 'active',
      razorpay_customer_id: customer.id,
      razorpay_token_id: token.id,
      token_status: 'confirmed',
      token_method: 'upi',
      // The first payment pays the period after the trial; auto-pay charges the next one 2 days before it starts.
      current_period_start: '2027-01-24T06:30:00.000Z',
      current_period_end: '2027-03-25T06:30:00.000Z',
      next_charge_at: ist('2027-03-23', '00:00').toISOString(),
    });
    expect(await chargesOf(t, o.id)).toMatchObject([{ kind: 'mandate', status: 'paid', amount_paise: 149_900 }]);
    expect(await messagesTo(t, o.to)).toEqual(['email:payment-succeeded', 'sms:payment-succeeded']);
    // token.confirmed arriving after the tokens were fetched (and twice) changes nothing.
    const w = rzp.fake.webhook('token.confirmed', { token });
    expect(await deliver(t, w)).toBe('ok');
    expect(await deliver(t, w)).toBe('duplicate');
    expect(await subscriptionOf(t, o.id)).toEqual(sub);
    const page = await (await t.request('/organizer/subscription', { cookie: o.cookie })).text();
    expect(page).toContain('Auto-pay: UPI Autopay, up to ₹2,998 a debit, active.');
  });

  it('a forged return (bad signature) changes nothing', async () => {
    const o = await organizerWithTrip(t, 2);
    const start = await t.post('/organizer/subscription/autopay', { method: 'card' }, o.cookie);
    const chargeId = Number(start.headers.get('location')!.split('/').pop());
    const [order] = [...rzp.fake.orders.values()];
    const { payment } = rzp.fake.pay(order.id);
    const back = await t.post(
      '/organizer/subscription/verify',
      { razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: '0'.repeat(64) },
      o.cookie,
    );
    expect(back.status).toBe(400);
    expect((await subscriptionOf(t, o.id))?.status).toBe('trial');
    expect(await chargesOf(t, o.id)).toMatchObject([{ id: chargeId, status: 'pending' }]);
  });
});

describe('a second payment on a paid subscription order', () => {
  it('is recorded and goes back in full: its refund belongs to the subscription, and the subscription is unchanged', async () => {
    const o = await organizerWithTrip(t, 9);
    await setUpAutopay(t, rzp, o.cookie);
    const sub = await subscriptionOf(t, o.id);
    const [order] = [...rzp.fake.orders.values()];
    const { payment } = rzp.fake.pay(order.id);
    expect(await deliver(t, rzp.fake.webhook('payment.captured', { payment }))).toBe('ok');
    const second = await t.db
      .selectFrom('payments')
      .selectAll()
      .where('razorpay_payment_id', '=', payment.id)
      .executeTakeFirstOrThrow();
    expect(second).toMatchObject({ owner: 'subscription', booking_id: sub!.id, amount_paise: 149_900 });
    const refunds = await t.db.selectFrom('refunds').selectAll().where('payment_id', '=', second.id).execute();
    expect(refunds).toMatchObject([{ booking_id: sub!.id, amount_paise: 149_900 }]);
    expect(await subscriptionOf(t, o.id)).toEqual(sub);
  });
});

describe('the charge job (billing.charge, 02:00 IST)', () => {
  it('is in the schedule with reminders and reconcile', () => {
    expect(SCHEDULE.find((j) => j.name === 'billing.charge')).toMatchObject({ cron: '0 2 * * *' });
    expect(SCHEDULE.find((j) => j.name === 'billing.reminders')).toMatchObject({ cron: '0 10 * * *' });
    expect(SCHEDULE.find((j) => j.name === 'billing.reconcile')).toBeDefined();
  });

  it('charges ahead of the due date, once even when run twice a day; the webhook settles it and the same webhook twice changes nothing', async () => {
    const o = await organizerWithTrip(t, 3);
    await setUpAutopay(t, rzp, o.cookie);
    at('2027-03-22');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 0,/);
    at('2027-03-23');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 1,/);
    at('2027-03-23', '14:00');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 0,/);
    expect(rzp.fake.debits).toHaveLength(1);
    const [debit] = rzp.fake.debits;
    expect(rzp.fake.orders.get(debit.order_id)).toMatchObject({
      amount: 149_900,
      receipt: expect.stringMatching(/^sub\d+-2027-03-25-1$/),
    });
    const mark = await lastMessageId(t);
    const [hook] = await rzp.fake.settleDebits();
    expect(await deliver(t, hook)).toBe('ok');
    const after = await subscriptionOf(t, o.id);
    expect(after).toMatchObject({
      status: 'active',
      current_period_start: '2027-03-25T06:30:00.000Z',
      current_period_end: '2027-05-24T06:30:00.000Z',
      next_charge_at: ist('2027-05-22', '00:00').toISOString(),
      failed_attempts: 0,
    });
    expect(await deliver(t, hook)).toBe('duplicate');
    // Razorpay retries with a new event id: recorded once more, the charge is already paid.
    expect(await deliver(t, rzp.fake.webhook('payment.captured', { payment: debit }))).toBe('ok');
    expect(await subscriptionOf(t, o.id)).toEqual(after);
    expect(await messagesTo(t, o.to, mark)).toEqual(['email:payment-succeeded', 'sms:payment-succeeded']);
    expect((await chargesOf(t, o.id)).map((c) => [c.kind, c.status])).toEqual([
      ['mandate', 'paid'],
      ['auto', 'paid'],
    ]);
  });

  it('a debit that settles 30 hours later stays pending meanwhile and is never charged again', async () => {
    const o = await organizerWithTrip(t, 4);
    await setUpAutopay(t, rzp, o.cookie);
    at('2027-03-23');
    await chargeDueSubscriptions(t.deps);
    at('2027-03-23', '14:00');
    expect(await reconcileCharges(t.deps)).toBe('reconciled 0 paid, 0 failed, 1 waiting, 0 unreachable');
    at('2027-03-24');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 0,/);
    expect((await subscriptionOf(t, o.id))?.status).toBe('active');
    at('2027-03-24', '08:00');
    expect(await bankAnswers(t, rzp)).toBe(1);
    expect(rzp.fake.debits).toHaveLength(1);
    expect((await chargesOf(t, o.id)).at(-1)).toMatchObject({ kind: 'auto', status: 'paid' });
    expect((await subscriptionOf(t, o.id))?.current_period_end).toBe('2027-05-24T06:30:00.000Z');
  });

  it('a webhook that arrives before the job records its answer settles the charge all the same', async () => {
    const o = await organizerWithTrip(t, 5);
    await setUpAutopay(t, rzp, o.cookie);
    const gw = t.deps.payments;
    const ask = gw.createRecurringPayment;
    gw.createRecurringPayment = async (d) => {
      const r = await ask(d);
      await bankAnswers(t, rzp);
      return r;
    };
    at('2027-03-23');
    try {
      expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 1,/);
    } finally {
      gw.createRecurringPayment = ask;
    }
    const last = (await chargesOf(t, o.id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'auto', status: 'paid' });
    const row = await t.db
      .selectFrom('subscription_charges')
      .selectAll()
      .where('id', '=', last.id)
      .executeTakeFirstOrThrow();
    expect(row.razorpay_payment_id).toBe(rzp.fake.debits[0].id);
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 0,/);
    expect(rzp.fake.debits).toHaveLength(1);
  });

  it('Razorpay down for a day: retried the next day, one attempt counted, one debit', async () => {
    const o = await organizerWithTrip(t, 6);
    await setUpAutopay(t, rzp, o.cookie);
    await rzp.stop();
    at('2027-03-23');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/unreachable 1/);
    at('2027-03-23', '12:20');
    expect(await reconcileCharges(t.deps)).toMatch(/1 unreachable/);
    await rzp.start();
    at('2027-03-24');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 1,/);
    await bankAnswers(t, rzp);
    expect(rzp.fake.debits).toHaveLength(1);
    expect((await chargesOf(t, o.id)).slice(1).map((c) => [c.status, c.attempt, c.failure_reason])).toEqual([
      ['failed', 1, 'not sent'],
      ['paid', 2, null],
    ]);
    expect(await subscriptionOf(t, o.id)).toMatchObject({ status: 'active', failed_attempts: 0 });
    expect(await visible(t, o.tripId)).toBe(true);
  });

  it('settings changed mid-period apply from the next period', async () => {
    const o = await organizerWithTrip(t, 7);
    await setUpAutopay(t, rzp, o.cookie);
    at('2027-02-10', '12:00');
    await putSetting(t.db, t.clock, 'planAmountPaise', 199_900);
    await putSetting(t.db, t.clock, 'planPeriodDays', 30);
    expect(await subscriptionOf(t, o.id)).toMatchObject({ amount_paise: 149_900, period_days: 60 });
    at('2027-03-23');
    await chargeDueSubscriptions(t.deps);
    expect(rzp.fake.debits[0].amount).toBe(199_900);
    await bankAnswers(t, rzp);
    expect(await subscriptionOf(t, o.id)).toMatchObject({
      amount_paise: 199_900,
      period_days: 30,
      current_period_end: '2027-04-24T06:30:00.000Z',
    });
  });
});

describe('mandates and cancelling', () => {
  it('a mandate the bank cancels or pauses needs a new one and the organizer is told, once', async () => {
    const o = await organizerWithTrip(t, 8);
    const { token } = await setUpAutopay(t, rzp, o.cookie);
    const mark = await lastMessageId(t);
    const w = rzp.fake.setTokenStatus(token.id, 'paused');
    expect(await deliver(t, w)).toBe('ok');
    expect(await deliver(t, rzp.fake.webhook('token.paused', { token }))).toBe('ok');
    expect(await subscriptionOf(t, o.id)).toMatchObject({ token_status: 'paused', next_charge_at: null });
    expect(await messagesTo(t, o.to, mark)).toEqual(['email:mandate-cancelled', 'sms:mandate-cancelled']);
    const page = await (await t.request('/organizer/subscription', { cookie: o.cookie })).text();
    expect(page).toContain('Auto-pay needs a new mandate.');
    at('2027-03-23');
    expect(await chargeDueSubscriptions(t.deps)).toMatch(/^charged 0,/);
    // The paid period ends with nothing to charge: inactive, trips hidden, told.
    at('2027-03-26');
    await chargeDueSubscriptions(t.deps);
    expect((await subscriptionOf(t, o.id))?.status).toBe('inactive');
    expect(await visible(t, o.tripId)).toBe(false);
    expect(await messagesTo(t, o.to, mark)).toEqual([
      'email:mandate-cancelled',
      'sms:mandate-cancelled',
      'email:deactivated',
      'sms:deactivated',
    ]);
  });

  it('cancelling keeps the subscription active to the end of the paid period and cancels the token at Razorpay', async () => {
    const o = await organizerWithTrip(t, 9);
    const { token } = await setUpAutopay(t, rzp, o.cookie);
    at('2027-02-01', '12:00');
    const mark = await lastMessageId(t);
    const res = await t.post('/organizer/subscription/cancel', {}, await sessionCookie(t.deps, o.id));
    expect(res.headers.get('location')).toBe('/organizer/subscription');
    expect(res.status).toBe(303);
    expect(rzp.fake.tokens.get(token.id)?.recurring_details.status).toBe('cancelled');
    expect(await deliver(t, rzp.fake.webhook('token.cancelled', { token }))).toBe('ok');
    expect(await subscriptionOf(t, o.id)).toMatchObject({
      status: 'active',
      cancel_at_period_end: 1,
      next_charge_at: null,
    });
    at('2027-03-23');
    await chargeDueSubscriptions(t.deps);
    expect(rzp.fake.debits).toHaveLength(0);
    expect(await visible(t, o.tripId)).toBe(true);
    at('2027-03-26');
    await chargeDueSubscriptions(t.deps);
    expect((await subscriptionOf(t, o.id))?.status).toBe('cancelled');
    expect(await visible(t, o.tripId)).toBe(false);
    expect(await messagesTo(t, o.to, mark)).toEqual([]);
  });
});
