import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom, seatsTaken } from '../bookings/support.js';
import { join } from 'node:path';
import { recordingDb } from '../support/sql-log.js';
import { handleRazorpayWebhook } from '../../src/payments/webhook.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

async function heldBooking(opts: { capacity?: number; guests?: number } = {}) {
  const trip = await makeTrip(t.deps, { pricePaise: 450_000, capacity: opts.capacity ?? 10 });
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, opts.guests ?? 2), me.cookie);
  expect(res.status).toBe(303);
  return { ...trip, me, bookingId: bookingIdFrom(res) };
}

async function startPayment(bookingId: number, cookie: string) {
  const res = await t.post(`/bookings/${bookingId}/pay/online`, {}, cookie);
  expect(res.status).toBe(303);
  const pay = await t.db
    .selectFrom('payments')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return pay.razorpay_order_id!;
}

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const messages = (template: string, code: string) =>
  t.db
    .selectFrom('outbox')
    .selectAll()
    .where('template', '=', template)
    .where('payload', 'like', `%${code}%`)
    .execute();
const verify = (bookingId: number, cookie: string, f: { order: string; payment: string; signature: string }) =>
  t.post(
    `/bookings/${bookingId}/pay/verify`,
    { razorpay_order_id: f.order, razorpay_payment_id: f.payment, razorpay_signature: f.signature },
    cookie,
  );
async function deliver(w: { body: string; headers: Record<string, string> }) {
  return t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });
}

describe('online payment through Razorpay (real SDK against the fake API)', () => {
  it('creates an order for the booking amount with the booking code as receipt, and reuses it', async () => {
    const b = await heldBooking({ guests: 2 });
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const order = rzp.fake.orders.get(orderId)!;
    const row = await booking(b.bookingId);
    expect(order).toMatchObject({ amount: 900_000, currency: 'INR', receipt: row.code });
    expect(await startPayment(b.bookingId, b.me.cookie)).toBe(orderId);
    expect([...rzp.fake.orders.values()].filter((o) => o.receipt === row.code)).toHaveLength(1);
  });

  it('loads Razorpay Checkout only on the checkout page, with a CSP exception for that page alone', async () => {
    const b = await heldBooking();
    await startPayment(b.bookingId, b.me.cookie);
    const res = await t.request(`/bookings/${b.bookingId}/checkout`, { cookie: b.me.cookie });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('src="https://checkout.razorpay.com/v1/checkout.js"');
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self' https://checkout.razorpay.com");
    const pay = await t.request(`/bookings/${b.bookingId}/pay`, { cookie: b.me.cookie });
    expect(pay.headers.get('Content-Security-Policy')).not.toContain('razorpay');
    expect(await pay.text()).not.toContain('razorpay.com');
  });

  it('the checkout page only opens the order the POST made: a GET creates nothing', async () => {
    const b = await heldBooking();
    const orders = rzp.fake.orders.size;
    const res = await t.request(`/bookings/${b.bookingId}/checkout`, { cookie: b.me.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/bookings/${b.bookingId}/pay`);
    expect(rzp.fake.orders.size).toBe(orders);
    expect(await t.db.selectFrom('payments').select('id').where('booking_id', '=', b.bookingId).execute()).toEqual([]);
  });

  it('a payment Razorpay has authorized but not captured yet is not called failed, and is confirmed by its webhook', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    rzp.fake.payments.get(payment.id)!.status = 'authorized';
    const res = await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature });
    expect(res.status).toBe(409);
    const said = await res.text();
    expect(said).toContain('Razorpay is still completing your payment');
    expect(said).not.toContain('Nothing was charged');
    expect((await booking(b.bookingId)).status).toBe('pending');
    rzp.fake.payments.get(payment.id)!.status = 'captured';
    expect(
      (await deliver(rzp.fake.webhook('payment.captured', { payment: { ...payment, status: 'captured' } }))).status,
    ).toBe(200);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
  });

  it('confirms the booking when Checkout returns with a valid signature, once, with email, SMS and an audit entry', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    const res = await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/bookings/${b.bookingId}`);
    const row = await booking(b.bookingId);
    expect(row).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      payment_method: 'online',
      hold_expires_at: null,
    });
    const pay = await t.db
      .selectFrom('payments')
      .selectAll()
      .where('razorpay_order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(pay).toMatchObject({ status: 'paid', razorpay_payment_id: payment.id, amount_paise: 900_000 });
    const confirmed = await messages('booking-confirmed', row.code);
    expect(confirmed.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(JSON.parse(confirmed.find((m) => m.channel === 'sms')!.payload).text.length).toBeLessThanOrEqual(160);
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', String(b.bookingId))
        .where('action', '=', 'payment.captured')
        .execute(),
    ).toHaveLength(1);

    // The same return again (reload, double submit) changes nothing.
    expect((await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature })).status).toBe(
      303,
    );
    expect(await messages('booking-confirmed', row.code)).toHaveLength(2);
  });

  it('answers a forged checkout signature with 400 and changes nothing', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    const forged = signature.slice(0, -2) + (signature.endsWith('00') ? '11' : '00');
    expect(
      (await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature: forged })).status,
    ).toBe(400);
    expect(
      (await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature: 'not-hex' })).status,
    ).toBe(400);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', payment_status: 'pending' });
    expect(
      (
        await t.db
          .selectFrom('payments')
          .select('status')
          .where('razorpay_order_id', '=', orderId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('created');
  });

  it("does not accept a real payment of another booking's order for this booking", async () => {
    const a = await heldBooking();
    const other = await heldBooking();
    const orderId = await startPayment(other.bookingId, other.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    expect((await verify(a.bookingId, a.me.cookie, { order: orderId, payment: payment.id, signature })).status).toBe(
      400,
    );
    expect((await booking(a.bookingId)).status).toBe('pending');
  });

  it('webhook: a forged signature is refused with 400 and changes nothing', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment } = rzp.fake.pay(orderId);
    const w = rzp.fake.webhook('payment.captured', { payment });
    const events = (await t.db.selectFrom('razorpay_events').select('id').execute()).length;
    const res = await deliver({ body: w.body.replace('"captured"', '"captured" '), headers: w.headers });
    expect(res.status).toBe(400);
    const noSig = await deliver({
      body: w.body,
      headers: { 'Content-Type': 'application/json', 'X-Razorpay-Event-Id': 'evt_x' },
    });
    expect(noSig.status).toBe(400);
    expect((await booking(b.bookingId)).status).toBe('pending');
    expect(await t.db.selectFrom('razorpay_events').selectAll().execute()).toHaveLength(events);
  });

  it('webhook before the callback confirms the booking; the same event twice and the late callback change nothing more', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    const w = rzp.fake.webhook('payment.captured', { payment });
    const first = await deliver(w);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'ok' });
    const again = await deliver(w);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    // order.paid for the same payment, under another event id, is harmless too.
    expect(
      (await deliver(rzp.fake.webhook('order.paid', { payment, order: rzp.fake.orders.get(orderId) }))).status,
    ).toBe(200);
    expect((await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature })).status).toBe(
      303,
    );
    const row = await booking(b.bookingId);
    expect(row.status).toBe('confirmed');
    expect(await messages('booking-confirmed', row.code)).toHaveLength(2);
    expect(
      await t.db
        .selectFrom('razorpay_events')
        .select('id')
        .where('id', '=', w.headers['X-Razorpay-Event-Id'])
        .execute(),
    ).toHaveLength(1);
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);
  });

  it('a failed payment leaves the booking pending so the traveler can try again', async () => {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const failed = rzp.fake.decline(orderId);
    expect((await deliver(rzp.fake.webhook('payment.failed', { payment: failed }))).status).toBe(200);
    expect(
      (
        await t.db
          .selectFrom('payments')
          .select('status')
          .where('razorpay_order_id', '=', orderId)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('failed');
    expect((await booking(b.bookingId)).status).toBe('pending');
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'payment.failed')
        .where('target_id', '=', String(b.bookingId))
        .execute(),
    ).toHaveLength(1);
    const back = await t.post(
      `/bookings/${b.bookingId}/pay/verify`,
      { error_description: 'Payment declined' },
      b.me.cookie,
    );
    expect(back.headers.get('location')).toBe(`/bookings/${b.bookingId}/pay`);
    const retry = await startPayment(b.bookingId, b.me.cookie);
    expect(retry).not.toBe(orderId);
  });

  it('a payment arriving after the hold expired is accepted while seats remain', async () => {
    const b = await heldBooking({ capacity: 5 });
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    t.clock.advance(31 * 60_000);
    const { expireHolds } = await import('../../src/bookings/jobs.js');
    await expireHolds(t.deps);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(0);
    const { payment } = rzp.fake.pay(orderId);
    await deliver(rzp.fake.webhook('payment.captured', { payment }));
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      cancel_reason: null,
    });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);
  });

  it('a payment arriving after the hold expired and the seats went to someone else is refunded in full automatically', async () => {
    const b = await heldBooking({ capacity: 2 });
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    t.clock.advance(31 * 60_000);
    const { expireHolds } = await import('../../src/bookings/jobs.js');
    await expireHolds(t.deps);
    const other = await signedIn(t.deps);
    expect((await t.post(`/trips/${b.tripId}/book`, bookingForm(b.departureId, 2), other.cookie)).status).toBe(303);
    const { payment, signature } = rzp.fake.pay(orderId);
    const res = await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature });
    expect(res.status).toBe(303);
    const row = await booking(b.bookingId);
    expect(row).toMatchObject({ status: 'cancelled', payment_status: 'refunded', refund_paise: 900_000 });
    const refund = await t.db
      .selectFrom('refunds')
      .selectAll()
      .where('booking_id', '=', b.bookingId)
      .executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ amount_paise: 900_000, method: 'razorpay', status: 'processed' });
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(900_000);
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'payment.auto_refund')
        .where('target_id', '=', String(b.bookingId))
        .execute(),
    ).toHaveLength(1);
  });

  it('with Razorpay down the booking stays pending with a clear message, and paying works once it is back', async () => {
    const b = await heldBooking();
    await rzp.stop();
    try {
      const res = await t.post(`/bookings/${b.bookingId}/pay/online`, {}, b.me.cookie);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('The payment service is not answering right now, so nothing was charged.');
      expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', payment_status: 'pending' });
      expect(
        await t.db.selectFrom('payments').selectAll().where('booking_id', '=', b.bookingId).execute(),
      ).toHaveLength(0);
    } finally {
      await rzp.start();
    }
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    await rzp.stop();
    try {
      // Checkout returned but we cannot ask Razorpay: nothing is lost, the webhook confirms later.
      const res = await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature });
      expect(res.status).toBe(503);
      expect((await booking(b.bookingId)).status).toBe('pending');
    } finally {
      await rzp.start();
    }
    await deliver(rzp.fake.webhook('payment.captured', { payment }));
    expect((await booking(b.bookingId)).status).toBe('confirmed');
  });

  it("someone else cannot pay, verify or even see another traveler's booking (404)", async () => {
    const b = await heldBooking();
    const stranger = await signedIn(t.deps);
    expect((await t.request(`/bookings/${b.bookingId}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await t.request(`/bookings/${b.bookingId}/pay`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await t.post(`/bookings/${b.bookingId}/pay/online`, {}, stranger.cookie)).status).toBe(404);
    const otherOrg = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.request(`/bookings/${b.bookingId}`, { cookie: otherOrg.cookie })).status).toBe(404);
  });
});

describe('refund webhooks', () => {
  async function cancelledWithPendingRefund() {
    const b = await heldBooking();
    const orderId = await startPayment(b.bookingId, b.me.cookie);
    const { payment, signature } = rzp.fake.pay(orderId);
    await verify(b.bookingId, b.me.cookie, { order: orderId, payment: payment.id, signature });
    rzp.fake.refundStatus = 'pending';
    try {
      expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie)).status).toBe(303);
    } finally {
      rzp.fake.refundStatus = 'processed';
    }
    const refund = await t.db
      .selectFrom('refunds')
      .selectAll()
      .where('booking_id', '=', b.bookingId)
      .executeTakeFirstOrThrow();
    expect(refund.status).toBe('initiated');
    return { ...b, refund, fakeRefund: rzp.fake.refunds.get(refund.razorpay_refund_id!)! };
  }

  it('a refund webhook reads the refund and its payment once each, and settles it', async () => {
    const { db, seen } = recordingDb(join(t.dir, 'trektribe.db'));
    const reads = (table: string) => seen.filter((q) => new RegExp(`^select .* from "${table}" where`).test(q)).length;
    try {
      for (const event of ['refund.processed', 'refund.failed'] as const) {
        const b = await cancelledWithPendingRefund();
        const w = rzp.fake.webhook(event, {
          refund: event === 'refund.processed' ? { ...b.fakeRefund, status: 'processed' } : b.fakeRefund,
        });
        seen.length = 0;
        const out = await handleRazorpayWebhook(
          { ...t.deps, db },
          w.body,
          w.headers['X-Razorpay-Signature'],
          w.headers['X-Razorpay-Event-Id'],
        );
        expect(out, event).toBe('ok');
        expect([reads('refunds'), reads('payments')], event).toEqual([1, 1]);
        const refund = await t.db
          .selectFrom('refunds')
          .select('status')
          .where('id', '=', b.refund.id)
          .executeTakeFirstOrThrow();
        expect(refund.status, event).toBe(event === 'refund.processed' ? 'processed' : 'failed');
      }
    } finally {
      await db.destroy();
    }
  });

  it('refund.processed completes a refund Razorpay accepted as pending, once', async () => {
    const b = await cancelledWithPendingRefund();
    expect((await booking(b.bookingId)).payment_status).toBe('paid');
    const w = rzp.fake.webhook('refund.processed', { refund: { ...b.fakeRefund, status: 'processed' } });
    expect((await deliver(w)).status).toBe(200);
    expect((await deliver(w)).status).toBe(200);
    expect(
      (await t.db.selectFrom('refunds').select('status').where('id', '=', b.refund.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('processed');
    const row = await booking(b.bookingId);
    expect(row.payment_status).toBe('refunded');
    expect(await messages('booking-refunded', row.code)).toHaveLength(1);
  });

  it("refund.failed puts the refund in the organizer's hands: told, in their queue, marked paid back by hand", async () => {
    const b = await cancelledWithPendingRefund();
    const failed = rzp.fake.webhook('refund.failed', { refund: b.fakeRefund });
    expect((await deliver(failed)).status).toBe(200);
    expect((await deliver(failed)).status).toBe(200);
    expect(
      (await t.db.selectFrom('refunds').select('status').where('id', '=', b.refund.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('failed');
    const row = await booking(b.bookingId);
    expect(row.payment_status).toBe('paid');
    const told = await messages('refund-due', row.code);
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0].payload).text).toContain('Razorpay could not send the refund of ₹9,000');
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'refund.failed')
        .where('target_id', '=', String(b.refund.id))
        .execute(),
    ).toHaveLength(1);
    expect(await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text()).toContain(
      'Refund ₹9,000 due from the organizer',
    );

    const org = await sessionCookie(t.deps, b.organizerId);
    const queue = await (await t.request('/organizer/verifications', { cookie: org })).text();
    expect(queue).toContain('Razorpay could not send it');
    expect(queue).toContain(`/organizer/refunds/${b.refund.id}/done`);
    expect((await t.post(`/organizer/refunds/${b.refund.id}/done`, {}, org)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({ payment_status: 'refunded', refund_paise: 900_000 });
    expect(await (await t.request('/organizer/verifications', { cookie: org })).text()).not.toContain(
      `/organizer/refunds/${b.refund.id}/done`,
    );
    // A refund still on its way at Razorpay is not the organizer's to mark.
    const other = await cancelledWithPendingRefund();
    expect(
      (await t.post(`/organizer/refunds/${other.refund.id}/done`, {}, await sessionCookie(t.deps, other.organizerId)))
        .status,
    ).toBe(404);
  });
});
