/**
 * Money in the gaps between two steps: a UPI payment still being checked when its booking is
 * cancelled or paid online, a refund still on its way to Razorpay when the retry job runs, a
 * trip cancelled while someone books one of its empty departures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { sessionCookie, signedIn, addDeparture, makeTrip } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { retryRefunds } from '../../src/payments/refunds.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

const START = '2027-03-10';
const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const refundsOf = (bookingId: number) =>
  t.db.selectFrom('refunds').selectAll().where('booking_id', '=', bookingId).execute();
const proofOf = (bookingId: number) =>
  t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).executeTakeFirstOrThrow();
const outboxFor = (template: string) =>
  t.db.selectFrom('outbox').select(['channel', 'payload']).where('template', '=', template).execute();

async function book(trip: { tripId: number; departureId: number }, guests = 1) {
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie);
  expect(res.status).toBe(303);
  return { me, bookingId: bookingIdFrom(res) };
}

async function sendProof(bookingId: number, cookie: string) {
  expect((await sendUpiProof(t, bookingId, cookie)).status).toBe(303);
  return proofOf(bookingId);
}

async function orderOf(bookingId: number, cookie: string) {
  expect((await t.post(`/bookings/${bookingId}/pay/online`, {}, cookie)).status).toBe(303);
  return (
    await t.db
      .selectFrom('payments')
      .select('razorpay_order_id')
      .where('booking_id', '=', bookingId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
  ).razorpay_order_id!;
}

const deliver = (w: { body: string; headers: Record<string, string> }) =>
  t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });

async function paidOnline(trip: { tripId: number; departureId: number }) {
  const b = await book(trip);
  const { payment } = rzp.fake.pay(await orderOf(b.bookingId, b.me.cookie));
  expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
  return { ...b, paymentId: payment.id };
}

describe('a UPI payment still being checked', () => {
  it('stays in the queue when the organizer cancels the departure; verifying it then puts the full refund in front of the organizer', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr, 2);
    const proof = await sendProof(b.bookingId, b.me.cookie);
    const org = await sessionCookie(t.deps, tr.organizerId);
    expect((await t.post(`/organizer/departures/${tr.departureId}/cancel`, { note: 'Snow' }, org)).status).toBe(303);

    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      refund_paise: 2_000_000,
      verification_status: 'pending',
      payment_status: 'pending',
    });
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
    expect((await proofOf(b.bookingId)).status).toBe('pending');
    const code = (await booking(b.bookingId)).code;
    const told = (await outboxFor('trip-cancelled'))
      .filter((m) => m.channel === 'email')
      .map((m) => JSON.parse(m.payload).text as string)
      .find((x) => x.includes(code));
    expect(told).toContain('full refund of ₹20,000 once the organizer has found your UPI payment');
    const queue = await (await t.request('/organizer/verifications', { cookie: org })).text();
    expect(queue).toContain(proof.utr);
    expect(queue).toContain('This booking was cancelled while its payment waited here');
    expect(queue).toContain('₹20,000 is then due back to the traveler');

    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
    expect((await proofOf(b.bookingId)).status).toBe('verified');
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      payment_status: 'paid',
      payment_method: 'upi',
      verification_status: 'verified',
    });
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
    const [refund] = await refundsOf(b.bookingId);
    expect(refund).toMatchObject({
      method: 'manual',
      status: 'pending',
      amount_paise: 2_000_000,
      reason: 'Cancelled while the UPI payment was being checked',
    });
    const due = (await outboxFor('refund-due')).map((m) => JSON.parse(m.payload).text as string);
    expect(due.filter((x) => x.includes(code) && x.includes('₹20,000'))).toHaveLength(1);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'upi.verified')
      .where('target_id', '=', String(b.bookingId))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after!)).toMatchObject({ booking_status: 'cancelled', refund_due_paise: 2_000_000 });

    // The organizer pays it back and says so: the booking shows the money returned.
    expect((await t.post(`/organizer/refunds/${refund.id}/done`, {}, org)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({ payment_status: 'refunded', refund_paise: 2_000_000 });
  });

  it('a traveler cancelling while it is checked is told the policy refund, which is due only once the organizer finds the money', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr);
    const proof = await sendProof(b.bookingId, b.me.cookie);
    t.clock.set('2027-02-20T06:00:00Z'); // 18 days out: 50 %
    try {
      const cookie = await sessionCookie(t.deps, b.me.id); // signed in again, months later
      expect(await (await t.request(`/bookings/${b.bookingId}/cancel`, { cookie })).text()).toContain(
        'you get back <strong>₹5,000</strong> (50% of ₹10,000), paid back by the organizer to your UPI account once they have found your payment',
      );
      expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, cookie)).status).toBe(303);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      refund_paise: 500_000,
      verification_status: 'pending',
    });
    expect(await refundsOf(b.bookingId)).toEqual([]);
    const code = (await booking(b.bookingId)).code;
    const mail = (await outboxFor('booking-cancelled'))
      .map((m) => JSON.parse(m.payload).text as string)
      .find((x) => x.includes(code));
    expect(mail).toContain('Once the organizer has found your UPI payment, ₹5,000 is paid back to you.');

    // Not found: rejected, nothing is due, and the traveler is not told the seats were just released.
    const org = await sessionCookie(t.deps, tr.organizerId);
    expect(
      (await t.post(`/organizer/verifications/${proof.id}/reject`, { reason: 'No such UTR in our account' }, org))
        .status,
    ).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      verification_status: 'rejected',
      payment_status: 'pending',
      refund_paise: 0,
    });
    expect(await refundsOf(b.bookingId)).toEqual([]);
    const rejected = (await outboxFor('payment-rejected'))
      .map((m) => JSON.parse(m.payload).text as string)
      .find((x) => x.includes(code));
    expect(rejected).toContain('The booking was already cancelled');
    expect(rejected).not.toContain('The seats were released');
  });

  it('paid online meanwhile: the booking stays confirmed, and the UPI money, once verified, is due back in full', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr);
    const order = await orderOf(b.bookingId, b.me.cookie); // Checkout opened, then left for UPI
    const proof = await sendProof(b.bookingId, b.me.cookie);
    // Back to the checkout page: not while the proof is with the organizer.
    expect((await t.request(`/bookings/${b.bookingId}/checkout`, { cookie: b.me.cookie })).status).toBe(409);
    const { payment } = rzp.fake.pay(order); // paid anyway, in the Checkout tab left open
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      payment_method: 'online',
    });

    const org = await sessionCookie(t.deps, tr.organizerId);
    expect(await (await t.request('/organizer/verifications', { cookie: org })).text()).toContain(
      'This booking was paid online meanwhile',
    );
    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      payment_method: 'online',
      verification_status: 'verified',
    });
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(1);
    const refunds = await refundsOf(b.bookingId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      method: 'manual',
      amount_paise: 1_000_000,
      reason: 'Paid twice: online and by UPI',
    });
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(0);
    expect(await (await t.request('/organizer/verifications', { cookie: org })).text()).not.toContain(proof.utr);
    const code = (await booking(b.bookingId)).code;
    const textOf = async (template: string) =>
      (await outboxFor(template))
        .filter((m) => m.channel === 'email')
        .map((m) => JSON.parse(m.payload).text as string)
        .filter((x) => x.includes(code));
    expect(await textOf('refund-due')).toEqual([
      expect.stringContaining('was paid twice, online and by UPI; ₹10,000 of the UPI payment is due back'),
    ]);
    expect(await textOf('payment-verified')).toEqual([expect.stringContaining('₹10,000 of it is due back to you')]);
  });

  it("cancelled at 50 %, then paid online late and refunded in full: verifying the UPI money gives back only the policy's share of it", async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr);
    const order = await orderOf(b.bookingId, b.me.cookie);
    const proof = await sendProof(b.bookingId, b.me.cookie);
    t.clock.set('2027-02-20T06:00:00Z'); // 18 days out: 50 %
    try {
      expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, await sessionCookie(t.deps, b.me.id))).status).toBe(
        303,
      );
      // The Checkout tab left open is paid after all: the seats are gone, so it all goes back.
      const { payment } = rzp.fake.pay(order);
      expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
      expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(1_000_000);
      const org = await sessionCookie(t.deps, tr.organizerId);
      expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
    // ₹20,000 received, ₹10,000 already back: of the UPI ₹10,000 the policy gives back half.
    const manual = (await refundsOf(b.bookingId)).filter((r) => r.method === 'manual');
    expect(manual).toMatchObject([{ amount_paise: 500_000, reason: 'Paid twice: online and by UPI' }]);
  });
});

describe('a Razorpay refund on its way', () => {
  it('is not sent a second time by the retry job while the first attempt still waits for Razorpay', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await paidOnline(tr);
    const gateway = t.deps.payments;
    const send = gateway.refund.bind(gateway);
    let jobRan: Promise<string> | undefined;
    // Razorpay is slow to answer the cancel request's refund: the retry job runs meanwhile.
    gateway.refund = async (...args) => {
      if (!jobRan) {
        jobRan = retryRefunds(t.deps);
        await jobRan;
      }
      return send(...args);
    };
    t.clock.set('2027-02-20T06:00:00Z'); // 18 days out: 50 %
    try {
      expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, await sessionCookie(t.deps, b.me.id))).status).toBe(
        303,
      );
    } finally {
      gateway.refund = send;
      t.clock.set('2026-11-25T06:30:00Z');
    }
    expect(await jobRan).toBe('sent 0');
    expect(rzp.fake.payments.get(b.paymentId)!.amount_refunded).toBe(500_000);
    expect(await refundsOf(b.bookingId)).toMatchObject([{ amount_paise: 500_000, attempts: 1 }]);
    expect(await retryRefunds(t.deps)).toBe('sent 0');
  });

  it('held by an attempt that died is sent once its claim runs out, and only once', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await paidOnline(tr);
    const gateway = t.deps.payments;
    const send = gateway.refund.bind(gateway);
    // The process dies while Razorpay is being asked: the refund stays claimed, never sent.
    gateway.refund = () => new Promise(() => undefined);
    const cancel = t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie);
    try {
      await expect.poll(async () => (await refundsOf(b.bookingId))[0]?.attempts).toBe(1);
    } finally {
      gateway.refund = send;
    }
    void cancel;
    expect(await retryRefunds(t.deps)).toBe('sent 0');
    t.clock.advance(3 * 60_000);
    expect(await retryRefunds(t.deps)).toBe('sent 1');
    expect(await retryRefunds(t.deps)).toBe('sent 0');
    expect(rzp.fake.payments.get(b.paymentId)!.amount_refunded).toBe(1_000_000);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'cancelled', payment_status: 'refunded' });
  });
});

describe('a refund Razorpay refuses outright', () => {
  it('is not retried for ever: it goes to the organizer to pay back by hand', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await paidOnline(tr);
    rzp.fake.payments.get(b.paymentId)!.amount_refunded = 1_000_000; // refunded from Razorpay's dashboard already
    expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie)).status).toBe(303);
    const [refund] = await refundsOf(b.bookingId);
    expect(refund).toMatchObject({ status: 'failed', method: 'razorpay' });
    expect(refund.last_error).toContain('Razorpay refused the refund');
    expect(await retryRefunds(t.deps)).toBe('sent 0');
    const org = await sessionCookie(t.deps, tr.organizerId);
    expect(await (await t.request('/organizer/verifications', { cookie: org })).text()).toContain(
      `/organizer/refunds/${refund.id}/done`,
    );
    expect(
      (await outboxFor('refund-due')).some((m) =>
        JSON.parse(m.payload).text.includes('Razorpay could not send the refund'),
      ),
    ).toBe(true);
  });
});

describe('cancelling a whole trip', () => {
  it('also cancels a booking made on one of its empty departures while the others were being cancelled', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const empty = await addDeparture(t.deps, tr.tripId, { capacity: 10, start: '2027-04-10' });
    await paidOnline(tr);
    const gateway = t.deps.payments;
    const send = gateway.refund.bind(gateway);
    let late: Promise<{ bookingId: number }> | undefined;
    // While the first departure's refund is on its way, someone books the empty one.
    gateway.refund = async (...args) => {
      late ??= book({ tripId: tr.tripId, departureId: empty }, 2);
      await late;
      return send(...args);
    };
    try {
      const org = await sessionCookie(t.deps, tr.organizerId);
      const res = await t.post(`/organizer/trips/${tr.tripId}/cancel`, {}, org);
      expect(res.status).toBe(303);
    } finally {
      gateway.refund = send;
    }
    const lateBooking = await booking((await late!).bookingId);
    expect(lateBooking).toMatchObject({ status: 'cancelled', cancel_reason: 'organizer' });
    expect(
      await t.db.selectFrom('trips').select('status').where('id', '=', tr.tripId).executeTakeFirstOrThrow(),
    ).toEqual({ status: 'cancelled' });
    expect(
      await t.db
        .selectFrom('departures')
        .select(['status', 'seats_taken'])
        .where('trip_id', '=', tr.tripId)
        .orderBy('id')
        .execute(),
    ).toEqual([
      { status: 'cancelled', seats_taken: 0 },
      { status: 'cancelled', seats_taken: 0 },
    ]);
    expect((await outboxFor('trip-cancelled')).some((m) => JSON.parse(m.payload).text.includes(lateBooking.code))).toBe(
      true,
    );
  });
});

describe('a second payment captured on an order already paid', () => {
  it('is refunded in full, once, and the booking stays confirmed', async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr);
    const order = await orderOf(b.bookingId, b.me.cookie);
    const first = rzp.fake.pay(order).payment;
    const second = rzp.fake.pay(order).payment;
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment: first }))).status).toBe(200);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment: second }))).status).toBe(200);
    // The same payment again, as order.paid under another event id: nothing more.
    expect((await deliver(rzp.fake.webhook('order.paid', { payment: second }))).status).toBe(200);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
    expect(rzp.fake.payments.get(first.id)!.amount_refunded).toBe(0);
    expect(rzp.fake.payments.get(second.id)!.amount_refunded).toBe(1_000_000);
    expect(await refundsOf(b.bookingId)).toMatchObject([
      { amount_paise: 1_000_000, status: 'processed', reason: 'Paid twice on the same order' },
    ]);
    const payments = await t.db
      .selectFrom('payments')
      .select(['razorpay_payment_id', 'status'])
      .where('booking_id', '=', b.bookingId)
      .orderBy('id')
      .execute();
    expect(payments).toEqual([
      { razorpay_payment_id: first.id, status: 'paid' },
      { razorpay_payment_id: second.id, status: 'refunded' },
    ]);
  });
});

describe('two UPI proofs sent at once (a double tap)', () => {
  it("make one proof in the organizer's queue", async () => {
    const tr = await makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 10, start: START });
    const b = await book(tr);
    const send = () => sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '623456789012' });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.every((r) => r.status < 500)).toBe(true);
    expect(
      await t.db.selectFrom('upi_proofs').select('id').where('booking_id', '=', b.bookingId).execute(),
    ).toHaveLength(1);
    expect(
      await t.db
        .selectFrom('outbox')
        .select('id')
        .where('template', '=', 'payment-proof-received')
        .where('payload', 'like', `%${(await booking(b.bookingId)).code}%`)
        .execute(),
    ).toHaveLength(1);
  });
});
