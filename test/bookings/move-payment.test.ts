/**
 * Issue 32 item 3, the money of a move: a traveler's move that costs something (the trip's fee, a
 * higher price today) waits for its payment with the booking on its old departure; paid online
 * (the fake Razorpay: webhook and checkout return) or by a UPI proof the organizer verifies, it is
 * made in one transaction. The new date's seats are not held meanwhile: gone by the time the money
 * arrives, it goes back in full. Real SQLite, real HTTP, the test clock.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { addDeparture, makeTrip, sessionCookie, signedIn, type TripFields } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { seatsThatDoNotAddUp } from '../support/seats.js';
import { bookingForm, bookingIdFrom, emailsAbout, sendUpiProof } from './support.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

afterEach(async () => {
  expect(await seatsThatDoNotAddUp(t.db)).toEqual([]);
});

// The test clock starts on 25 Nov 2026 (India): these departures are months away.
const FIRST = '2027-03-10';
const SECOND = '2027-04-10';
const PRICE = 1_200_000;
const FEE = 50_000;

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const seats = async (departureId: number) =>
  (await t.db.selectFrom('departures').select('seats_taken').where('id', '=', departureId).executeTakeFirstOrThrow())
    .seats_taken;
const movesOf = (bookingId: number) =>
  t.db.selectFrom('booking_moves').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
const paymentsOf = (id: number) =>
  t.db.selectFrom('payments').selectAll().where('booking_id', '=', id).orderBy('id').execute();
const refundsOf = (id: number) =>
  t.db.selectFrom('refunds').selectAll().where('booking_id', '=', id).orderBy('id').execute();
const audits = (id: number, action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('target_id', '=', String(id)).execute();
const deliver = (w: { body: string; headers: Record<string, string> }) =>
  t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });

async function twoDepartures(f: TripFields & { fee?: number; secondCapacity?: number } = {}) {
  const trip = await makeTrip(t.deps, { start: FIRST, pricePaise: PRICE, ...f });
  const second = await addDeparture(t.deps, trip.tripId, { start: SECOND, capacity: f.secondCapacity });
  if (f.fee) await t.db.updateTable('trips').set({ move_fee_paise: f.fee }).where('id', '=', trip.tripId).execute();
  return { ...trip, second };
}

/** Booked and paid online through the app and the fake Razorpay. */
async function paidOnline(trip: { tripId: number; departureId: number }, guests = 1) {
  const me = await signedIn(t.deps);
  const id = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie),
  );
  await t.post(`/bookings/${id}/pay/online`, {}, me.cookie);
  const order = (await paymentsOf(id)).at(-1)!;
  const { payment } = rzp.fake.pay(order.razorpay_order_id!);
  expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
  expect((await booking(id)).status).toBe('confirmed');
  return { me, id };
}

/** The traveler asks to move to `to`: sent to the move's pay page, the move waiting. */
async function askToMove(b: { me: { cookie: string }; id: number }, to: number) {
  const res = await t.post(`/bookings/${b.id}/move`, { departure: String(to) }, b.me.cookie);
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/bookings/${b.id}/move/pay`);
}

/** Opens the move's Razorpay order from its pay page; the order's payment row. */
async function openMoveOrder(b: { me: { cookie: string }; id: number }) {
  const res = await t.post(`/bookings/${b.id}/move/pay/online`, {}, b.me.cookie);
  expect(res.status).toBe(303);
  return (await paymentsOf(b.id)).filter((p) => p.status === 'created').at(-1)!;
}

async function sendMoveProof(b: { me: { cookie: string }; id: number }) {
  const res = await sendUpiProof(t, b.id, b.me.cookie, { path: `/bookings/${b.id}/move/pay/upi` });
  expect(res.status).toBe(303);
  return t.db
    .selectFrom('upi_proofs')
    .selectAll()
    .where('booking_id', '=', b.id)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
}

describe('a move that costs money', () => {
  it("the trip's fee paid online: the booking waits on its old date, then moves once though the webhook and the checkout return both arrive", async () => {
    const trip = await twoDepartures({ fee: FEE });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);

    // Waiting: nothing about the booking or the seats has changed.
    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.departureId,
      amount_paise: PRICE,
      paid_paise: PRICE,
    });
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([1, 0]);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'awaiting_payment', due_paise: FEE, fee_paise: FEE }]);
    const bookingPage = await (await t.request(`/bookings/${b.id}`, { cookie: b.me.cookie })).text();
    expect(bookingPage).toContain('Move to 10 Apr 2027: pay ₹500 to complete it.');
    const payPage = await (await t.request(`/bookings/${b.id}/move/pay`, { cookie: b.me.cookie })).text();
    expect(payPage).toContain('Pay ₹500 to move to 10 Apr 2027');
    expect(payPage).toContain(`action="/bookings/${b.id}/move/pay/upi"`);

    const order = await openMoveOrder(b);
    expect(order.amount_paise).toBe(FEE);
    const { payment, signature } = rzp.fake.pay(order.razorpay_order_id!);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    const back = await t.post(
      `/bookings/${b.id}/move/pay/verify`,
      { razorpay_order_id: order.razorpay_order_id!, razorpay_payment_id: payment.id, razorpay_signature: signature },
      b.me.cookie,
    );
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/bookings/${b.id}`);

    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.second,
      status: 'confirmed',
      amount_paise: PRICE + FEE,
      paid_paise: PRICE + FEE,
      payment_status: 'paid',
    });
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([0, 1]);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'done', due_paise: FEE }]);
    expect((await paymentsOf(b.id)).map((p) => [p.amount_paise, p.status])).toEqual([
      [PRICE, 'paid'],
      [FEE, 'paid'],
    ]);
    expect(await refundsOf(b.id)).toEqual([]);
    const code = (await booking(b.id)).code;
    expect(await emailsAbout(t.deps, 'booking-moved', code)).toHaveLength(1);
    expect(await emailsAbout(t.deps, 'booking-moved-organizer', code)).toHaveLength(1);
    expect(await audits(b.id, 'booking.moved')).toHaveLength(1);
  });

  it('a higher price today paid by a UPI proof: the organizer sees it is for the move, verifies it, and the booking moves', async () => {
    const trip = await twoDepartures();
    const b = await paidOnline(trip, 2);
    await t.db.updateTable('trips').set({ price_paise: 1_500_000 }).where('id', '=', trip.tripId).execute();
    await askToMove(b, trip.second);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'awaiting_payment', due_paise: 600_000, fee_paise: 0 }]);

    const proof = await sendMoveProof(b);
    expect(proof).toMatchObject({ amount_paise: 600_000, move_id: (await movesOf(b.id))[0].id });
    // The booking's own state is untouched while the organizer checks.
    expect(await booking(b.id)).toMatchObject({ departure_id: trip.departureId, verification_status: null });
    const org = await sessionCookie(t.deps, trip.organizerId);
    const queue = await (await t.request('/organizer/verifications', { cookie: org })).text();
    expect(queue).toContain('A payment for moving this booking to');

    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.second,
      amount_paise: 3_000_000,
      paid_paise: 3_000_000,
      payment_status: 'paid',
    });
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([0, 2]);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'done' }]);
    expect((await paymentsOf(b.id)).filter((p) => p.method === 'upi')).toMatchObject([
      { amount_paise: 600_000, status: 'paid', utr: proof.utr },
    ]);
    expect(await audits(b.id, 'upi.move_verified')).toHaveLength(1);
    expect(await emailsAbout(t.deps, 'booking-moved', (await booking(b.id)).code)).toHaveLength(1);
  });

  it('a rejected UPI proof leaves the booking on its old departure, cancels the move and tells the traveler', async () => {
    const trip = await twoDepartures({ fee: FEE });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);
    const proof = await sendMoveProof(b);

    // While the organizer checks, the move can be neither cancelled nor replaced.
    expect((await t.post(`/bookings/${b.id}/move/cancel`, {}, b.me.cookie)).status).toBe(409);
    expect((await t.post(`/bookings/${b.id}/move`, { departure: String(trip.second) }, b.me.cookie)).status).toBe(409);

    const org = await sessionCookie(t.deps, trip.organizerId);
    const res = await t.post(`/organizer/verifications/${proof.id}/reject`, { reason: 'No such credit' }, org);
    expect(res.status).toBe(303);
    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.departureId,
      status: 'confirmed',
      amount_paise: PRICE,
      paid_paise: PRICE,
    });
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([1, 0]);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'cancelled' }]);
    const told = await emailsAbout(t.deps, 'move-not-made', (await booking(b.id)).code);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('No such credit');
    expect(
      (await t.request(`/bookings/${b.id}`, { cookie: b.me.cookie }).then((r) => r.text())).includes('pending-move'),
    ).toBe(false);
  });

  it('the seats gone before the payment arrives: the booking stays, the payment goes back in full and the traveler is told', async () => {
    const trip = await twoDepartures({ fee: FEE, secondCapacity: 1 });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);
    const order = await openMoveOrder(b);
    // Not held: someone else books the last seat meanwhile.
    await paidOnline({ tripId: trip.tripId, departureId: trip.second }, 1);

    const { payment } = rzp.fake.pay(order.razorpay_order_id!);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);

    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.departureId,
      amount_paise: PRICE,
      paid_paise: PRICE,
    });
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([1, 1]);
    expect(await movesOf(b.id)).toMatchObject([{ status: 'cancelled' }]);
    const movePayment = (await paymentsOf(b.id)).find((p) => p.razorpay_order_id === order.razorpay_order_id)!;
    expect(await refundsOf(b.id)).toMatchObject([
      { payment_id: movePayment.id, amount_paise: FEE, method: 'razorpay', status: 'processed' },
    ]);
    const told = await emailsAbout(t.deps, 'move-not-made', (await booking(b.id)).code);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('being refunded in full');
    expect(await audits(b.id, 'booking.move_refunded')).toHaveLength(1);
  });

  it('a new move replaces the one waiting, and the traveler can cancel it: the booking stays where it is', async () => {
    const trip = await twoDepartures({ fee: FEE });
    const third = await addDeparture(t.deps, trip.tripId, { start: '2027-05-10' });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);
    await askToMove(b, third);
    expect((await movesOf(b.id)).map((m) => [m.to_departure_id, m.status])).toEqual([
      [trip.second, 'cancelled'],
      [third, 'awaiting_payment'],
    ]);
    const cancelled = await t.post(`/bookings/${b.id}/move/cancel`, {}, b.me.cookie);
    expect(cancelled.status).toBe(303);
    expect((await movesOf(b.id)).map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    expect((await booking(b.id)).departure_id).toBe(trip.departureId);
    // Nothing waits any longer: paying is refused with the reason.
    const again = await t.post(`/bookings/${b.id}/move/pay/online`, {}, b.me.cookie);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('No move of this booking is waiting for payment.');
  });

  it("a bad UTR on the move's proof is a 422 next to the field and sends nothing to the organizer", async () => {
    const trip = await twoDepartures({ fee: FEE });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);
    const res = await sendUpiProof(t, b.id, b.me.cookie, { utr: '12ab', path: `/bookings/${b.id}/move/pay/upi` });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Enter the 12-digit UTR');
    expect(await t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', b.id).execute()).toEqual([]);
  });

  it("a move's order is never taken for the balance of the same amount, nor the balance's for the move", async () => {
    // A deposit of 20 % (₹2,400): the balance owed is ₹9,600, and so is this move's fee.
    const trip = await twoDepartures({ fee: 960_000, deposit: { kind: 'percent', value: 20, dueDays: 30 } });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(
      await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1, { pay: 'deposit' }), me.cookie),
    );
    await t.post(`/bookings/${id}/pay/online`, {}, me.cookie);
    const { payment } = rzp.fake.pay((await paymentsOf(id)).at(-1)!.razorpay_order_id!);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    expect(await booking(id)).toMatchObject({ status: 'confirmed', payment_status: 'pending', paid_paise: 240_000 });
    const b = { me, id };

    await askToMove(b, trip.second);
    const moveOrder = await openMoveOrder(b);
    expect(moveOrder.amount_paise).toBe(960_000);
    expect((await t.post(`/bookings/${id}/pay/online`, {}, me.cookie)).status).toBe(303);
    const balanceOrder = (await paymentsOf(id)).filter((p) => p.status === 'created').at(-1)!;
    expect(balanceOrder.razorpay_order_id).not.toBe(moveOrder.razorpay_order_id);

    // The balance paid: the booking is paid in full and stays on its date; the move still waits.
    const paid = rzp.fake.pay(balanceOrder.razorpay_order_id!);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment: paid.payment }))).status).toBe(200);
    expect(await booking(id)).toMatchObject({
      departure_id: trip.departureId,
      payment_status: 'paid',
      paid_paise: 1_200_000,
    });
    expect((await movesOf(id)).at(-1)!.status).toBe('awaiting_payment');
  });

  it("someone else's pending move cannot be paid, seen or cancelled (404)", async () => {
    const trip = await twoDepartures({ fee: FEE });
    const b = await paidOnline(trip, 1);
    await askToMove(b, trip.second);
    const other = await signedIn(t.deps);
    expect((await t.request(`/bookings/${b.id}/move/pay`, { cookie: other.cookie })).status).toBe(404);
    expect((await t.post(`/bookings/${b.id}/move/cancel`, {}, other.cookie)).status).toBe(404);
    expect((await movesOf(b.id)).map((m) => m.status)).toEqual(['awaiting_payment']);
  });
});
