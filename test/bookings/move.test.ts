import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { addDeparture, makeBooking, makeTrip, sessionCookie, signedIn, type TripFields } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom, bookPaidByUpi, emailsAbout } from './support.js';
import { seatsThatDoNotAddUp } from '../support/seats.js';
import { recordRefund } from '../../src/payments/refunds.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

// The test clock starts on 25 Nov 2026 (India): these departures are months away.
const FIRST = '2027-03-10';
const SECOND = '2027-04-10';

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const seats = async (departureId: number) =>
  (await t.db.selectFrom('departures').select('seats_taken').where('id', '=', departureId).executeTakeFirstOrThrow())
    .seats_taken;
const movesOf = (bookingId: number) =>
  t.db.selectFrom('booking_moves').selectAll().where('booking_id', '=', bookingId).execute();
const refundsOf = (bookingId: number) =>
  t.db.selectFrom('refunds').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
const auditRows = (action: string, bookingId: number) =>
  t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', String(bookingId))
    .execute();
const auditsOf = (bookingId: number) => auditRows('booking.moved', bookingId);

/**
 * After every test: each departure holds exactly the seats of its live bookings and of its open
 * waitlist offers. A move that left a booking on two departures (or none) breaks this on one of them.
 */
afterEach(async () => {
  expect(await seatsThatDoNotAddUp(t.db)).toEqual([]);
});

async function twoDepartures(f: TripFields & { second?: { capacity?: number; start?: string } } = {}) {
  const trip = await makeTrip(t.deps, { start: FIRST, ...f });
  const second = await addDeparture(t.deps, trip.tripId, {
    start: f.second?.start ?? SECOND,
    capacity: f.second?.capacity,
  });
  return { ...trip, second };
}

/** A confirmed booking as the factories make it, its seats taken on its departure. */
async function confirmed(
  trip: { tripId: number; departureId: number; organizerId: number },
  guests = 1,
  amountPaise = 1_200_000 * guests,
) {
  const me = await signedIn(t.deps);
  const id = await makeBooking(t.deps, {
    trip,
    userId: me.id,
    guests,
    amountPaise,
    status: 'confirmed',
    participants: Array.from({ length: guests }, (_, i) => ({
      name: `Guest ${i + 1} Rao`,
      phone: `98765000${10 + i}`,
    })),
  });
  await t.db
    .updateTable('departures')
    .set((eb) => ({ seats_taken: eb('seats_taken', '+', guests) }))
    .where('id', '=', trip.departureId)
    .execute();
  return { me, id };
}

/** Booked and paid online through the app and the fake Razorpay. */
async function paidOnline(trip: { tripId: number; departureId: number }, guests = 1) {
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie);
  const id = bookingIdFrom(res);
  await t.post(`/bookings/${id}/pay/online`, {}, me.cookie);
  const { razorpay_order_id } = await t.db
    .selectFrom('payments')
    .select('razorpay_order_id')
    .where('booking_id', '=', id)
    .executeTakeFirstOrThrow();
  const { payment, signature } = rzp.fake.pay(razorpay_order_id!);
  await t.post(
    `/bookings/${id}/pay/verify`,
    { razorpay_order_id: razorpay_order_id!, razorpay_payment_id: payment.id, razorpay_signature: signature },
    me.cookie,
  );
  expect((await booking(id)).status).toBe('confirmed');
  return { me, id, paymentId: payment.id };
}

describe('moving a booking to another departure', () => {
  it('a traveler moves a paid booking: the new seats taken and the old released together, both sides told, audited', async () => {
    const trip = await twoDepartures();
    const b = await paidOnline(trip, 2);
    expect(await seats(trip.departureId)).toBe(2);

    const page = await t.request(`/bookings/${b.id}/move`, { cookie: b.me.cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Moving is free.');

    const res = await t.post(`/bookings/${b.id}/move`, { departure: String(trip.second) }, b.me.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/bookings/${b.id}`);

    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.second,
      status: 'confirmed',
      amount_paise: 2_400_000,
    });
    expect(await seats(trip.departureId)).toBe(0);
    expect(await seats(trip.second)).toBe(2);
    expect(await movesOf(b.id)).toMatchObject([
      {
        from_departure_id: trip.departureId,
        to_departure_id: trip.second,
        status: 'done',
        fee_paise: 0,
        by_organizer: 0,
      },
    ]);
    expect(await auditsOf(b.id)).toHaveLength(1);
    const code = (await booking(b.id)).code;
    expect(await emailsAbout(t.deps, 'booking-moved', code)).toHaveLength(1);
    expect(await emailsAbout(t.deps, 'booking-moved-organizer', code)).toHaveLength(1);
    const sms = await t.db
      .selectFrom('outbox')
      .select('payload')
      .where('template', '=', 'booking-moved')
      .where('channel', '=', 'sms')
      .execute();
    expect(sms.some((m) => m.payload.includes(code))).toBe(true);
  });

  it('two travelers moving into the last seat at once: exactly one succeeds, the other keeps their booking', async () => {
    const trip = await twoDepartures({ second: { capacity: 1 } });
    const a = await confirmed(trip);
    const b = await confirmed(trip);

    const [ra, rb] = await Promise.all([
      t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie),
      t.post(`/bookings/${b.id}/move`, { departure: String(trip.second) }, b.me.cookie),
    ]);

    expect([ra.status, rb.status].sort()).toEqual([303, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(await loser.text()).toContain('Not enough seats left');
    const after = [await booking(a.id), await booking(b.id)].map((x) => x.departure_id).sort();
    expect(after).toEqual([trip.departureId, trip.second].sort());
    expect(await seats(trip.second)).toBe(1);
    expect(await seats(trip.departureId)).toBe(1);
    expect((await movesOf(a.id)).length + (await movesOf(b.id)).length).toBe(1);
  });

  it('the same booking moved twice at once ends on exactly one departure, each move from where the last left it', async () => {
    const trip = await twoDepartures();
    const third = await addDeparture(t.deps, trip.tripId, { start: '2027-05-10' });
    const a = await confirmed(trip);

    await Promise.all([
      t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie),
      t.post(`/bookings/${a.id}/move`, { departure: String(third) }, a.me.cookie),
    ]);

    const moves = (await movesOf(a.id)).sort((x, y) => x.id - y.id);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves[0].from_departure_id).toBe(trip.departureId);
    for (let i = 1; i < moves.length; i++) expect(moves[i].from_departure_id).toBe(moves[i - 1].to_departure_id);
    const now = (await booking(a.id)).departure_id;
    expect(now).toBe(moves.at(-1)!.to_departure_id);
    for (const d of [trip.departureId, trip.second, third]) expect(await seats(d)).toBe(d === now ? 1 : 0);
  });

  it("a move after the trip's cut-off is refused and changes nothing; departures inside the cut-off are not offered", async () => {
    const trip = await twoDepartures({ second: { start: '2026-12-05' } });
    await t.db.updateTable('trips').set({ move_cutoff_days: 14 }).where('id', '=', trip.tripId).execute();
    const a = await confirmed(trip);

    // 25 Nov → 5 Dec is 10 days: inside the 14-day cut-off, so not a choice.
    const page = await (await t.request(`/bookings/${a.id}/move`, { cookie: a.me.cookie })).text();
    expect(page).toContain('There is no other departure');
    const res = await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Choose one of the departures listed.');

    const later = await addDeparture(t.deps, trip.tripId, { start: SECOND });
    t.clock.set('2027-02-25T06:00:00Z'); // 13 days before 10 March: past the cut-off
    try {
      const cookie = await sessionCookie(t.deps, a.me.id);
      const closed = await t.post(`/bookings/${a.id}/move`, { departure: String(later) }, cookie);
      expect(closed.status).toBe(409);
      expect(await closed.text()).toContain('Moves to another departure closed on');
      expect((await booking(a.id)).departure_id).toBe(trip.departureId);
      expect(await movesOf(a.id)).toHaveLength(0);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
  });

  it("the trip's move fee is shown and collected first: the traveler is sent to pay it, the booking staying where it is until then", async () => {
    const trip = await twoDepartures();
    await t.db.updateTable('trips').set({ move_fee_paise: 50_000 }).where('id', '=', trip.tripId).execute();
    const a = await confirmed(trip);

    expect(await (await t.request(`/bookings/${a.id}/move`, { cookie: a.me.cookie })).text()).toContain(
      'Moving costs ₹500',
    );
    const res = await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/bookings/${a.id}/move/pay`);
    expect((await booking(a.id)).departure_id).toBe(trip.departureId);
    expect([await seats(trip.departureId), await seats(trip.second)]).toEqual([1, 0]);
    expect(await movesOf(a.id)).toMatchObject([
      { to_departure_id: trip.second, status: 'awaiting_payment', fee_paise: 50_000, due_paise: 50_000 },
    ]);
    const movePage = await (await t.request(`/bookings/${a.id}/move`, { cookie: a.me.cookie })).text();
    expect(movePage).toContain('Move to 10 Apr 2027: pay ₹500 to complete it.');
  });

  it('a move to a cheaper date gives the difference back through Razorpay; a cancellation then refunds only what is left', async () => {
    const trip = await twoDepartures({ refundPolicy: [{ days: 0, percent: 50 }] });
    const b = await paidOnline(trip, 1);
    await t.db.updateTable('trips').set({ price_paise: 1_000_000 }).where('id', '=', trip.tripId).execute();
    expect(await (await t.request(`/bookings/${b.id}/move`, { cookie: b.me.cookie })).text()).toContain(
      'price is ₹2,000 lower: moving gives back ₹2,000 of what you paid',
    );

    // Razorpay takes the refund and reports it processed later, by webhook.
    rzp.fake.refundStatus = 'pending';
    try {
      const res = await t.post(`/bookings/${b.id}/move`, { departure: String(trip.second) }, b.me.cookie);
      expect(res.status).toBe(303);
    } finally {
      rzp.fake.refundStatus = 'processed';
    }
    expect(await booking(b.id)).toMatchObject({
      departure_id: trip.second,
      status: 'confirmed',
      payment_status: 'paid',
      amount_paise: 1_000_000,
      paid_paise: 1_000_000,
    });
    const [moved] = await refundsOf(b.id);
    expect(moved).toMatchObject({ amount_paise: 200_000, method: 'razorpay', status: 'initiated' });
    expect(rzp.fake.payments.get(b.paymentId)!.amount_refunded).toBe(200_000);
    expect(await movesOf(b.id)).toMatchObject([{ difference_paise: -200_000, status: 'done' }]);
    const code = (await booking(b.id)).code;
    expect((await emailsAbout(t.deps, 'booking-moved', code))[0].text).toContain('₹2,000 comes back to you');
    expect(await auditRows('booking.move_refunded', b.id)).toMatchObject([
      { after: expect.stringContaining('"refund_paise":200000') },
    ]);

    // refund.processed, delivered twice (a retry under another event id, then a replay): recorded once.
    const processed = { ...rzp.fake.refunds.get(moved.razorpay_refund_id!)!, status: 'processed' as const };
    for (const id of ['evt_move_1', 'evt_move_2', 'evt_move_2']) {
      const w = rzp.fake.webhook('refund.processed', { refund: processed }, id);
      expect((await t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers })).status).toBe(
        200,
      );
    }
    expect((await refundsOf(b.id))[0]).toMatchObject({ status: 'processed' });
    expect(await emailsAbout(t.deps, 'booking-refunded', code)).toHaveLength(1);
    // The admin's payments list shows what of the payment came back.
    const admin = await signedIn(t.deps, { role: 'admin' });
    const payments = await (await t.request(`/admin/payments?trip=${trip.tripId}`, { cookie: admin.cookie })).text();
    expect(payments).toContain('(refunded ₹2,000)');
    // Refunded in part: the payment is still a paid one.
    expect(
      (await t.db.selectFrom('payments').select('status').where('booking_id', '=', b.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('paid');

    // A week later, the policy's 50% applies to what is left of the payment (₹10,000), not to the ₹12,000 first paid.
    t.clock.advance(7 * 24 * 3_600_000);
    try {
      expect((await t.post(`/bookings/${b.id}/cancel`, {}, b.me.cookie)).status).toBe(303);
      const all = await refundsOf(b.id);
      expect(all.map((r) => [r.amount_paise, r.status])).toEqual([
        [200_000, 'processed'],
        [500_000, 'processed'],
      ]);
      expect(rzp.fake.payments.get(b.paymentId)!.amount_refunded).toBe(700_000);
      expect(await booking(b.id)).toMatchObject({ status: 'cancelled', refund_paise: 500_000 });
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
  });

  it('cancelling in full after a cheaper move never refunds more than was paid in all', async () => {
    const trip = await twoDepartures();
    const b = await paidOnline(trip, 2);
    await t.db.updateTable('trips').set({ price_paise: 900_000 }).where('id', '=', trip.tripId).execute();
    expect((await t.post(`/bookings/${b.id}/move`, { departure: String(trip.second) }, b.me.cookie)).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({ amount_paise: 1_800_000, paid_paise: 1_800_000 });

    const own = await sessionCookie(t.deps, trip.organizerId);
    const cancel = await t.post(`/organizer/departures/${trip.second}/cancel`, { note: 'Snowed in' }, own);
    expect(cancel.status).toBe(303);
    const all = await refundsOf(b.id);
    expect(all.map((r) => r.amount_paise)).toEqual([600_000, 1_800_000]);
    expect(all.reduce((n, r) => n + r.amount_paise, 0)).toBe(2_400_000);
    expect(rzp.fake.payments.get(b.paymentId)).toMatchObject({ amount_refunded: 2_400_000, status: 'refunded' });
    expect(
      (await t.db.selectFrom('payments').select('status').where('booking_id', '=', b.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('refunded');
  });

  it("a UPI-paid booking's difference goes to the organizer's refunds to pay back by hand", async () => {
    const trip = await twoDepartures({ pricePaise: 500_000 });
    const { me, id, organizer: own } = await bookPaidByUpi(t, trip, 2);
    await t.db
      .updateTable('trips')
      .set({ price_paise: 400_000, move_fee_paise: 50_000 })
      .where('id', '=', trip.tripId)
      .execute();

    expect((await t.post(`/bookings/${id}/move`, { departure: String(trip.second) }, me.cookie)).status).toBe(303);
    // ₹2,000 cheaper for two guests, less the ₹500 fee: ₹1,500 back.
    expect(await booking(id)).toMatchObject({ departure_id: trip.second, amount_paise: 850_000, paid_paise: 850_000 });
    expect(await refundsOf(id)).toMatchObject([{ amount_paise: 150_000, method: 'manual', status: 'pending' }]);
    const code = (await booking(id)).code;
    const due = await emailsAbout(t.deps, 'refund-due', code);
    expect(due).toHaveLength(1);
    expect(due[0].text).toContain('moved from');
    const queue = await (await t.request('/organizer/verifications', { cookie: own })).text();
    expect(queue).toContain(code);
    expect(queue).toContain('₹1,500');

    // The organizer pays it back and says so: the UPI payment, refunded in part, stays a paid one.
    const [refund] = await refundsOf(id);
    expect((await t.post(`/organizer/refunds/${refund.id}/done`, {}, own)).status).toBe(303);
    expect(await refundsOf(id)).toMatchObject([{ status: 'processed' }]);
    expect(await booking(id)).toMatchObject({ status: 'confirmed', payment_status: 'paid', paid_paise: 850_000 });
    const [pay] = await t.db.selectFrom('payments').selectAll().where('booking_id', '=', id).execute();
    expect(pay).toMatchObject({ method: 'upi', status: 'paid', amount_paise: 1_000_000 });
    expect(await emailsAbout(t.deps, 'booking-refunded', code)).toHaveLength(1);
    // Nothing more than is left of the payment can be recorded against it.
    const over = { booking_id: id, payment_id: pay.id, method: 'manual' as const, reason: 'x', created_at: '' };
    expect(await recordRefund(t.db, { ...over, amount_paise: 850_001 })).toBeUndefined();
    expect(await recordRefund(t.db, { ...over, amount_paise: 850_000 })).toBeDefined();
  });

  it('a booking with its balance still owed moved to a cheaper date owes less, and nothing is refunded', async () => {
    const trip = await twoDepartures({ deposit: { kind: 'percent', value: 25, dueDays: 30 } });
    const { me, id } = await bookPaidByUpi(t, trip, 1, { pay: 'deposit' });
    expect(await booking(id)).toMatchObject({ status: 'confirmed', payment_status: 'pending', paid_paise: 300_000 });
    await t.db.updateTable('trips').set({ price_paise: 1_000_000 }).where('id', '=', trip.tripId).execute();

    expect((await t.post(`/bookings/${id}/move`, { departure: String(trip.second) }, me.cookie)).status).toBe(303);
    expect(await booking(id)).toMatchObject({
      amount_paise: 1_000_000,
      paid_paise: 300_000,
      payment_status: 'pending',
    });
    expect(await refundsOf(id)).toEqual([]);
  });

  it('the organizer moves a booking with no fee and past the cut-off; another organizer cannot', async () => {
    const trip = await twoDepartures();
    await t.db
      .updateTable('trips')
      .set({ move_fee_paise: 50_000, move_cutoff_days: 200 })
      .where('id', '=', trip.tripId)
      .execute();
    const a = await confirmed(trip);
    const stranger = await signedIn(t.deps, { role: 'organizer' });
    const own = await sessionCookie(t.deps, trip.organizerId);

    expect((await t.request(`/organizer/bookings/${a.id}/move`, { cookie: stranger.cookie })).status).toBe(404);
    expect(
      (await t.post(`/organizer/bookings/${a.id}/move`, { departure: String(trip.second) }, stranger.cookie)).status,
    ).toBe(404);
    expect((await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie)).status).toBe(409);

    const res = await t.post(`/organizer/bookings/${a.id}/move`, { departure: String(trip.second) }, own);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/organizer/bookings');
    expect((await booking(a.id)).departure_id).toBe(trip.second);
    expect(await movesOf(a.id)).toMatchObject([{ fee_paise: 0, by_organizer: 1, moved_by: trip.organizerId }]);
    const code = (await booking(a.id)).code;
    const told = await emailsAbout(t.deps, 'booking-moved', code);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('The organizer moved your booking');
  });

  it('a departure of another trip, or no departure, is a 422 next to the field and changes nothing', async () => {
    const trip = await twoDepartures();
    const other = await makeTrip(t.deps, { start: SECOND });
    const a = await confirmed(trip);

    const wrong = await t.post(`/bookings/${a.id}/move`, { departure: String(other.departureId) }, a.me.cookie);
    expect(wrong.status).toBe(422);
    const none = await t.post(`/bookings/${a.id}/move`, {}, a.me.cookie);
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Choose a date to move to.');
    expect((await booking(a.id)).departure_id).toBe(trip.departureId);
    expect(await movesOf(a.id)).toHaveLength(0);
  });

  it("someone else's booking cannot be moved by a traveler (404)", async () => {
    const trip = await twoDepartures();
    const a = await confirmed(trip);
    const other = await signedIn(t.deps);
    expect((await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, other.cookie)).status).toBe(404);
    expect((await booking(a.id)).departure_id).toBe(trip.departureId);
  });
});

describe('a move and the rest of the season', () => {
  it('the seats a move frees are offered to the first waitlist entry they fit, in the same transaction', async () => {
    const trip = await twoDepartures({ capacity: 2 });
    const a = await confirmed(trip, 2);
    const waiting = await signedIn(t.deps);
    const joined = await t.post(
      `/trips/${trip.tripId}/waitlist`,
      { departure: String(trip.departureId), guests: '2' },
      waiting.cookie,
    );
    expect(joined.status).toBe(303);

    expect((await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie)).status).toBe(303);
    const entry = await t.db
      .selectFrom('waitlist_entries')
      .selectAll()
      .where('user_id', '=', waiting.id)
      .executeTakeFirstOrThrow();
    expect(entry.status).toBe('offered');
    // Offered seats count as taken: nobody else can buy them.
    expect(await seats(trip.departureId)).toBe(2);
  });

  it("a booking with its balance owed keeps the trip's terms on the new date: the due day follows the start, reminders start again", async () => {
    const trip = await twoDepartures({ deposit: { kind: 'percent', value: 20, dueDays: 30 } });
    const a = await confirmed(trip);
    await t.db
      .updateTable('bookings')
      .set({
        payment_status: 'pending',
        deposit_paise: 240_000,
        paid_paise: 240_000,
        balance_due_on: '2027-02-08',
        balance_reminders: 1,
      })
      .where('id', '=', a.id)
      .execute();

    expect((await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie)).status).toBe(303);
    expect(await booking(a.id)).toMatchObject({
      departure_id: trip.second,
      balance_due_on: '2027-03-11',
      balance_reminders: 0,
      paid_paise: 240_000,
      payment_status: 'pending',
    });
  });

  it('a date whose balance would already be due takes the balance first: the move is refused and nothing changes', async () => {
    const trip = await twoDepartures({
      deposit: { kind: 'percent', value: 20, dueDays: 30 },
      second: { start: '2026-12-20' },
    });
    const a = await confirmed(trip);
    await t.db
      .updateTable('bookings')
      .set({ payment_status: 'pending', deposit_paise: 240_000, paid_paise: 240_000, balance_due_on: '2027-02-08' })
      .where('id', '=', a.id)
      .execute();

    const res = await t.post(`/bookings/${a.id}/move`, { departure: String(trip.second) }, a.me.cookie);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('pay it first, then move');
    expect(await booking(a.id)).toMatchObject({ departure_id: trip.departureId, balance_due_on: '2027-02-08' });
    expect(await movesOf(a.id)).toHaveLength(0);
  });
});

describe("editing participants' details", () => {
  const form = (names: string[]) => ({
    guests: String(names.length),
    name: names,
    phone: names.map((_, i) => `91234567${10 + i}`),
    age: names.map(() => '31'),
    diet: names.map(() => ''),
  });
  const names = async (id: number) =>
    (
      await t.db
        .selectFrom('booking_participants')
        .select('name')
        .where('booking_id', '=', id)
        .orderBy('position')
        .execute()
    ).map((p) => p.name);

  it('the traveler passes a seat to a friend until the cut-off, and not after', async () => {
    const trip = await twoDepartures();
    const a = await confirmed(trip, 2);

    expect((await t.request(`/bookings/${a.id}/participants`, { cookie: a.me.cookie })).status).toBe(200);
    const res = await t.post(`/bookings/${a.id}/participants`, form(['Guest 1 Rao', 'Meera Iyer']), a.me.cookie);
    expect(res.status).toBe(303);
    expect(await names(a.id)).toEqual(['Guest 1 Rao', 'Meera Iyer']);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'booking.participants_edited')
      .where('target_id', '=', String(a.id))
      .execute();
    expect(audits).toHaveLength(1);

    t.clock.set('2027-03-09T06:00:00Z'); // the day before the start: past the 2-day default cut-off
    try {
      const cookie = await sessionCookie(t.deps, a.me.id);
      const late = await t.post(`/bookings/${a.id}/participants`, form(['Guest 1 Rao', 'Arjun Nair']), cookie);
      expect(late.status).toBe(409);
      expect(await names(a.id)).toEqual(['Guest 1 Rao', 'Meera Iyer']);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
  });

  it('a bad name or phone is a 422 next to the field and changes nothing', async () => {
    const trip = await twoDepartures();
    const a = await confirmed(trip, 2);
    const bad = { ...form(['Guest 1 Rao', 'M']), phone: ['9123456710', '12'] };
    const res = await t.post(`/bookings/${a.id}/participants`, bad, a.me.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter the full name.');
    expect(html).toContain('id="e-name-1"');
    expect(await names(a.id)).toEqual(['Guest 1 Rao', 'Guest 2 Rao']);
  });

  it('another traveler cannot edit them (404)', async () => {
    const trip = await twoDepartures();
    const a = await confirmed(trip, 1);
    const other = await signedIn(t.deps);
    expect((await t.post(`/bookings/${a.id}/participants`, form(['Someone Else']), other.cookie)).status).toBe(404);
    expect(await names(a.id)).toEqual(['Guest 1 Rao']);
  });
});
