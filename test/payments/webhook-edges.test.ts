/**
 * The Razorpay webhook's edges (issue 28): payloads of the wrong shape, an amount that is not
 * the order's, a body over the limit. Every body is signed with the real webhook secret.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { hmacHex } from '../../src/payments/signature.js';
import { handleRazorpayWebhook } from '../../src/payments/webhook.js';
import { join } from 'node:path';
import { recordingDb } from '../support/sql-log.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

/** A booking of 2 × ₹4,500 with its Razorpay order opened through the pay page. */
async function bookingWithOrder() {
  const trip = await makeTrip(t.deps, { pricePaise: 450_000 });
  const me = await signedIn(t.deps);
  const bookingId = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie),
  );
  expect((await t.post(`/bookings/${bookingId}/pay/online`, {}, me.cookie)).status).toBe(303);
  const order = await t.db
    .selectFrom('payments')
    .select('razorpay_order_id')
    .where('booking_id', '=', bookingId)
    .executeTakeFirstOrThrow();
  return { bookingId, orderId: order.razorpay_order_id!, cookie: me.cookie };
}

let seq = 0;
/** Any raw body, signed as Razorpay signs it. */
const signed = (body: string, eventId = `evt_edge_${++seq}`) => ({
  body,
  eventId,
  headers: {
    'Content-Type': 'application/json',
    'X-Razorpay-Signature': hmacHex(rzp.env.RAZORPAY_WEBHOOK_SECRET, body),
    'X-Razorpay-Event-Id': eventId,
  },
});
const deliver = (w: { body: string; headers: Record<string, string> }) =>
  t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });

const bookingRow = (id: number) =>
  t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const paymentsOf = (bookingId: number) =>
  t.db.selectFrom('payments').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
const refundsOf = (bookingId: number) =>
  t.db.selectFrom('refunds').selectAll().where('booking_id', '=', bookingId).execute();
const eventsSeen = async (id: string) =>
  (await t.db.selectFrom('razorpay_events').select('id').where('id', '=', id).execute()).length;
const audits = (action: string, bookingId: number) =>
  t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', String(bookingId))
    .execute();

describe('webhook: a signed payload of the wrong shape', () => {
  it('a body of null, a list, or an event without a name is refused with 400 and records nothing', async () => {
    for (const body of ['null', '[]', '"payment.captured"', '{"payload":{}}', '{"event":42,"payload":{}}']) {
      const w = signed(body);
      const res = await deliver(w);
      expect(res.status, body).toBe(400);
      expect((await res.json()).error, body).toMatch(/^Malformed payload at /);
      expect(await eventsSeen(w.eventId), body).toBe(0);
    }
  });

  it('a captured payment whose amount is a string, or with no payment entity, is refused with 400: nothing recorded, the booking still pending', async () => {
    const b = await bookingWithOrder();
    const before = { booking: await bookingRow(b.bookingId), payments: await paymentsOf(b.bookingId) };
    const { payment } = rzp.fake.pay(b.orderId);
    const cases: [string, unknown, string][] = [
      [
        'payment.captured',
        { payment: { entity: { ...payment, amount: String(payment.amount) } } },
        'payload.payment.entity.amount',
      ],
      ['payment.captured', { payment: {} }, 'payload.payment.entity'],
      ['order.paid', {}, 'payload.payment'],
      ['payment.captured', { payment: { entity: { ...payment, id: 7 } } }, 'payload.payment.entity.id'],
      ['payment.captured', { payment: { entity: { ...payment, amount: 12.5 } } }, 'payload.payment.entity.amount'],
      ['payment.failed', { payment: { entity: { ...payment, order_id: ['x'] } } }, 'payload.payment.entity.order_id'],
      [
        'refund.processed',
        { refund: { entity: { id: 'rfnd_1', amount: 100, status: 'processed' } } },
        'payload.refund.entity.payment_id',
      ],
      ['token.confirmed', { token: null }, 'payload.token'],
    ];
    for (const [event, payload, path] of cases) {
      const w = signed(JSON.stringify({ entity: 'event', event, payload }));
      const res = await deliver(w);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toEqual({ error: `Malformed payload at ${path}` });
      expect(await eventsSeen(w.eventId), path).toBe(0);
    }
    expect(await bookingRow(b.bookingId)).toEqual(before.booking);
    expect(await paymentsOf(b.bookingId)).toEqual(before.payments);

    // The same payment, well formed, still confirms it.
    const ok = await deliver(rzp.fake.webhook('payment.captured', { payment }));
    expect(await ok.json()).toEqual({ status: 'ok' });
    expect(await bookingRow(b.bookingId)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
  });

  it('an event we do not act on is still acknowledged and recorded under its name', async () => {
    const w = signed(JSON.stringify({ event: 'invoice.paid', payload: { invoice: { entity: { id: 'inv_1' } } } }));
    const res = await deliver(w);
    expect(await res.json()).toEqual({ status: 'ignored' });
    const row = await t.db
      .selectFrom('razorpay_events')
      .selectAll()
      .where('id', '=', w.eventId)
      .executeTakeFirstOrThrow();
    expect(row.event).toBe('invoice.paid');
  });
});

describe('webhook: a captured amount that is not the order amount', () => {
  it('looks its order up once: the refund it starts goes to the payer found then', async () => {
    const b = await bookingWithOrder();
    const { payment } = rzp.fake.pay(b.orderId);
    payment.amount = 100;
    const w = rzp.fake.webhook('payment.captured', { payment });
    const { db, seen } = recordingDb(join(t.dir, 'trektribe.db'));
    try {
      const out = await handleRazorpayWebhook(
        { ...t.deps, db },
        w.body,
        w.headers['X-Razorpay-Signature'],
        w.headers['X-Razorpay-Event-Id'],
      );
      expect(out).toBe('ok');
      expect(seen.filter((q) => /^select .* from "payments" where "razorpay_order_id" = \?/.test(q))).toHaveLength(1);
    } finally {
      await db.destroy();
    }
    expect((await refundsOf(b.bookingId)).map((r) => [r.amount_paise, r.status])).toEqual([[100, 'processed']]);
  });

  it('is recorded with its real amount as a mismatch, never confirms the booking, is refunded in full once (replays and order.paid included), and audited', async () => {
    const b = await bookingWithOrder();
    const { payment } = rzp.fake.pay(b.orderId);
    payment.amount = 100; // ₹1 captured on a ₹9,000 order

    const w = rzp.fake.webhook('payment.captured', { payment });
    const res = await deliver(w);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(await bookingRow(b.bookingId)).toMatchObject({
      status: 'pending',
      payment_status: 'pending',
      confirmed_at: null,
    });
    const [order, mismatch, ...more] = await paymentsOf(b.bookingId);
    expect(more).toEqual([]);
    expect(order).toMatchObject({
      razorpay_order_id: b.orderId,
      amount_paise: 900_000,
      status: 'created',
      razorpay_payment_id: null,
    });
    expect(mismatch).toMatchObject({
      razorpay_payment_id: payment.id,
      amount_paise: 100,
      status: 'mismatch',
      paid_at: null,
    });
    const refunds = await refundsOf(b.bookingId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      payment_id: mismatch.id,
      amount_paise: 100,
      method: 'razorpay',
      status: 'processed',
      reason: 'The amount paid did not match the order',
    });
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(100);
    const audit = await audits('payment.amount_mismatch', b.bookingId);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after!)).toEqual({
      order: b.orderId,
      payment: payment.id,
      amount_paise: 100,
      order_amount_paise: 900_000,
    });

    const page = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.cookie })).text();
    expect(page).toContain(
      'An online payment of ₹1 did not match the amount due (₹9,000): it paid for nothing and goes back to you in full',
    );

    // The same event again, the same payment under new event ids, and order.paid for it.
    expect(await (await deliver(w)).json()).toEqual({ status: 'duplicate' });
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    expect(
      (await deliver(rzp.fake.webhook('order.paid', { payment, order: rzp.fake.orders.get(b.orderId) }))).status,
    ).toBe(200);
    expect(await refundsOf(b.bookingId)).toHaveLength(1);
    expect(await paymentsOf(b.bookingId)).toHaveLength(2);
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(100);
    expect(await audits('payment.amount_mismatch', b.bookingId)).toHaveLength(1);
    expect((await bookingRow(b.bookingId)).status).toBe('pending');
    expect((await paymentsOf(b.bookingId))[1].status).toBe('mismatch');

    // The order is still open: the right amount paid on it confirms the booking.
    const right = rzp.fake.pay(b.orderId);
    expect(await (await deliver(rzp.fake.webhook('payment.captured', { payment: right.payment }))).json()).toEqual({
      status: 'ok',
    });
    expect(await bookingRow(b.bookingId)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
  });

  it('more than the order amount is refunded in full too', async () => {
    const b = await bookingWithOrder();
    const { payment } = rzp.fake.pay(b.orderId);
    payment.amount = 1_800_000;
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    expect((await bookingRow(b.bookingId)).status).toBe('pending');
    expect(await refundsOf(b.bookingId)).toMatchObject([{ amount_paise: 1_800_000, status: 'processed' }]);
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(1_800_000);
  });
});

describe('webhook: a body over the limit', () => {
  const oversized = () => {
    const { payment } = rzp.fake.pay([...rzp.fake.orders.keys()][0]);
    const w = rzp.fake.webhook('payment.captured', { payment });
    const body = JSON.stringify({ ...JSON.parse(w.body), padding: 'x'.repeat(t.config.formLimitBytes) });
    return signed(body);
  };

  it('is answered with a plain 413, not a page, and records nothing', async () => {
    await bookingWithOrder();
    const w = oversized();
    const res = await deliver(w);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Payload too large');
    expect(await eventsSeen(w.eventId)).toBe(0);
  });

  it('over real HTTP with its Content-Length too', async () => {
    const w = oversized();
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/razorpay`, {
        method: 'POST',
        body: w.body,
        headers: w.headers,
      });
      expect(res.status).toBe(413);
      expect(await res.text()).toBe('Payload too large');
      expect(await eventsSeen(w.eventId)).toBe(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
