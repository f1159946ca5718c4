import { expect } from 'vitest';
import type { TestApp } from '../support/app.js';
import type { FakeRazorpayServer } from '../support/fake-razorpay.js';
import type { FakeRazorpay } from '../../src/payments/fake-razorpay.js';
import { makeTrip } from '../support/factories.js';
import { organizerOnTrial } from './support.js';

/** Razorpay's webhook, delivered to the app as Razorpay would (signed raw body, event id). */
export async function deliver(t: TestApp, w: ReturnType<FakeRazorpay['webhook']>) {
  const res = await t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

/** Settles the debits the bank has answered and delivers their webhooks; how many. */
export async function bankAnswers(t: TestApp, rzp: FakeRazorpayServer) {
  const hooks = await rzp.fake.settleDebits();
  for (const h of hooks) await deliver(t, h);
  return hooks.length;
}

export const chargesOf = (t: TestApp, organizerId: number) =>
  t.db
    .selectFrom('subscription_charges as c')
    .innerJoin('subscriptions as s', 's.id', 'c.subscription_id')
    .select(['c.id', 'c.kind', 'c.status', 'c.period_start', 'c.amount_paise', 'c.attempt', 'c.failure_reason'])
    .where('s.organizer_id', '=', organizerId)
    .orderBy('c.id')
    .execute();

/** Templates queued to these recipients since message id `after`, as "channel:template". */
export async function messagesTo(t: TestApp, to: string[], after = 0) {
  const rows = await t.db
    .selectFrom('outbox')
    .select(['id', 'channel', 'template'])
    .where('recipient', 'in', to)
    .where('id', '>', after)
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.channel}:${r.template}`);
}

export const lastMessageId = async (t: TestApp) =>
  (
    await t.db
      .selectFrom('outbox')
      .select((e) => e.fn.max('id').as('m'))
      .executeTakeFirst()
  )?.m ?? 0;

/** An organizer on trial with one active trip (a departure far ahead), reachable by email and phone. */
export async function organizerWithTrip(t: TestApp, n: number) {
  const email = `org${n}@example.test`;
  const phone = `+9198200000${String(n).padStart(2, '0')}`;
  const o = await organizerOnTrial(t, { email, phone, name: `Organizer ${n}` });
  const { tripId } = await makeTrip(t.deps, { organizerId: o.id, start: '2028-06-01', end: '2028-06-05' });
  return { ...o, email, phone, to: [email, phone], tripId };
}

/** Whether travelers see the trip (its public page). */
export const visible = async (t: TestApp, tripId: number) => (await t.request(`/trips/${tripId}`)).status === 200;

/**
 * The organizer sets up auto-pay through the pages: the form, then Checkout (the fake takes
 * the first payment with recurring: 1 and makes the token), then the return with its signature.
 */
export async function setUpAutopay(t: TestApp, rzp: FakeRazorpayServer, cookie: string, method = 'upi') {
  const start = await t.post('/organizer/subscription/autopay', { method }, cookie);
  expect(start.status).toBe(303);
  const chargeId = Number(start.headers.get('location')!.split('/').pop());
  const charge = await t.db
    .selectFrom('subscription_charges')
    .selectAll()
    .where('id', '=', chargeId)
    .executeTakeFirstOrThrow();
  const { payment, signature, token } = rzp.fake.pay(charge.razorpay_order_id!);
  const back = await t.post(
    '/organizer/subscription/verify',
    { razorpay_order_id: payment.order_id, razorpay_payment_id: payment.id, razorpay_signature: signature },
    cookie,
  );
  expect(back.status).toBe(303);
  return { payment, token: token!, chargeId };
}
