import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip, type TripFields } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { cancelTripBookings, refundPreview } from '../../src/bookings/cancel.js';
import { retryRefunds } from '../../src/payments/refunds.js';
import { DEFAULT_SETTINGS } from '../../src/lib/settings.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

const START = '2027-03-10';
const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function book(trip: { tripId: number; departureId: number }, guests = 1, who?: { id: number; cookie: string }) {
  const me = who ?? (await signedIn(t.deps));
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie);
  expect(res.status).toBe(303);
  return { me, bookingId: bookingIdFrom(res) };
}

async function paidOnline(trip: { tripId: number; departureId: number }, guests = 1) {
  const b = await book(trip, guests);
  await t.post(`/bookings/${b.bookingId}/pay/online`, {}, b.me.cookie);
  const { razorpay_order_id } = await t.db
    .selectFrom('payments')
    .select('razorpay_order_id')
    .where('booking_id', '=', b.bookingId)
    .executeTakeFirstOrThrow();
  const { payment, signature } = rzp.fake.pay(razorpay_order_id!);
  const res = await t.post(
    `/bookings/${b.bookingId}/pay/verify`,
    { razorpay_order_id: razorpay_order_id!, razorpay_payment_id: payment.id, razorpay_signature: signature },
    b.me.cookie,
  );
  expect(res.status).toBe(303);
  expect((await booking(b.bookingId)).status).toBe('confirmed');
  return { ...b, paymentId: payment.id };
}

async function paidByUpi(trip: { tripId: number; departureId: number; organizerId: number }) {
  const b = await book(trip);
  expect((await sendUpiProof(t, b.bookingId, b.me.cookie)).status).toBe(303);
  const p = await t.db
    .selectFrom('upi_proofs')
    .select('id')
    .where('booking_id', '=', b.bookingId)
    .executeTakeFirstOrThrow();
  expect(
    (await t.post(`/organizer/verifications/${p.id}/verify`, {}, await sessionCookie(t.deps, trip.organizerId))).status,
  ).toBe(303);
  return b;
}

const trip = (f: TripFields = {}) =>
  makeTrip(t.deps, { pricePaise: 1_000_000, capacity: 20, start: START, end: '2027-03-14', ...f });

describe('refund policy', () => {
  it('pays 100 % from 30 days before the start, 50 % from 15 to 29 days, nothing under 15 (IST calendar days)', () => {
    const b = {
      start_date: START,
      amount_paise: 1_000_001,
      paid_paise: 1_000_001,
      deposit_paise: 0,
      status: 'confirmed' as const,
      payment_status: 'paid' as const,
    };
    const at = (iso: string) => refundPreview(b, DEFAULT_SETTINGS.refundPolicy, new Date(iso));
    expect(at('2027-02-08T18:29:00Z')).toMatchObject({ daysBefore: 30, percent: 100, refund: 1_000_001 });
    // 18:30 UTC is already the next day in India.
    expect(at('2027-02-08T18:30:00Z')).toMatchObject({ daysBefore: 29, percent: 50, refund: 500_000 });
    expect(at('2027-02-23T06:00:00Z')).toMatchObject({ daysBefore: 15, percent: 50 });
    expect(at('2027-02-24T06:00:00Z')).toMatchObject({ daysBefore: 14, percent: 0, refund: 0 });
    expect(
      refundPreview(
        { ...b, status: 'pending', paid_paise: 0, payment_status: 'pending' },
        DEFAULT_SETTINGS.refundPolicy,
        new Date('2027-01-01'),
      ),
    ).toMatchObject({ percent: 100, refund: 0 });
  });

  it.each([
    ['2027-02-08T06:00:00Z', 30, 1_000_000],
    ['2027-02-09T06:00:00Z', 29, 500_000],
    ['2027-02-23T06:00:00Z', 15, 500_000],
    ['2027-02-24T06:00:00Z', 14, 0],
  ])(
    'a traveler cancelling an online payment on %s (%i days before) gets %i paise back through Razorpay',
    async (when, days, expected) => {
      const tr = await trip();
      const b = await paidOnline(tr);
      t.clock.set(when);
      try {
        const cookie = await sessionCookie(t.deps, b.me.id); // months later: a fresh session
        const preview = await (await t.request(`/bookings/${b.bookingId}/cancel`, { cookie })).text();
        expect(preview).toContain(`${days} days from now`);
        const res = await t.post(`/bookings/${b.bookingId}/cancel`, {}, cookie);
        expect(res.status).toBe(303);
        const row = await booking(b.bookingId);
        expect(row).toMatchObject({ status: 'cancelled', cancel_reason: 'traveler', refund_paise: expected });
        expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
        const refunds = await t.db.selectFrom('refunds').selectAll().where('booking_id', '=', b.bookingId).execute();
        if (expected === 0) {
          expect(refunds).toHaveLength(0);
          expect(row.payment_status).toBe('paid');
        } else {
          expect(refunds).toMatchObject([{ amount_paise: expected, method: 'razorpay', status: 'processed' }]);
          expect(row.payment_status).toBe('refunded');
          expect(rzp.fake.payments.get(b.paymentId)!.amount_refunded).toBe(expected);
        }
        expect(
          await t.db
            .selectFrom('audit_log')
            .select('after')
            .where('action', '=', 'booking.cancelled')
            .where('target_id', '=', String(b.bookingId))
            .execute(),
        ).toHaveLength(1);
      } finally {
        t.clock.set('2026-11-25T06:30:00Z');
      }
    },
  );

  it("follows the trip's own policy when it has one", async () => {
    const tr = await trip({
      refundPolicy: [
        { days: 7, percent: 80 },
        { days: 0, percent: 10 },
      ],
    });
    const b = await paidOnline(tr);
    t.clock.set('2027-02-24T06:00:00Z');
    try {
      await t.post(`/bookings/${b.bookingId}/cancel`, {}, await sessionCookie(t.deps, b.me.id));
      expect((await booking(b.bookingId)).refund_paise).toBe(800_000);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
  });
});

describe('cancellation', () => {
  it('cancelling an unpaid hold releases the seats and refunds nothing', async () => {
    const tr = await trip();
    const b = await book(tr, 3);
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(3);
    const preview = await (await t.request(`/bookings/${b.bookingId}/cancel`, { cookie: b.me.cookie })).text();
    expect(preview).toContain('You have not paid');
    await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'cancelled', refund_paise: 0 });
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
    expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie)).status).toBe(409);
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
  });

  it('a free trip is left in one click', async () => {
    const tr = await trip({ pricePaise: 0 });
    const me = await signedIn(t.deps);
    const joined = await t.post(`/trips/${tr.tripId}/join`, { departure: String(tr.departureId) }, me.cookie);
    const id = bookingIdFrom(joined);
    expect((await t.post(`/bookings/${id}/cancel`, {}, me.cookie)).status).toBe(303);
    expect((await booking(id)).status).toBe('cancelled');
    expect(await seatsTaken(t.deps, tr.departureId)).toBe(0);
  });

  it("a UPI booking's refund is recorded for the organizer, who marks it paid back", async () => {
    const tr = await trip();
    const b = await paidByUpi(tr);
    await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie);
    const refund = await t.db
      .selectFrom('refunds')
      .selectAll()
      .where('booking_id', '=', b.bookingId)
      .executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ method: 'manual', status: 'pending', amount_paise: 1_000_000 });
    const orgCookie = await sessionCookie(t.deps, tr.organizerId);
    expect(await (await t.request('/organizer/verifications', { cookie: orgCookie })).text()).toContain(
      'Refunds to pay back',
    );
    const stranger = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.post(`/organizer/refunds/${refund.id}/done`, {}, stranger.cookie)).status).toBe(404);
    expect((await t.post(`/organizer/refunds/${refund.id}/done`, {}, orgCookie)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({ payment_status: 'refunded' });
    expect(
      (await t.db.selectFrom('refunds').select('status').where('id', '=', refund.id).executeTakeFirstOrThrow()).status,
    ).toBe('processed');
    expect((await t.post(`/organizer/refunds/${refund.id}/done`, {}, orgCookie)).status).toBe(409);
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'refund.processed')
        .where('target_id', '=', String(refund.id))
        .execute(),
    ).toEqual([{ actor_id: tr.organizerId }]);
  });

  it('a refund Razorpay could not take is retried by the job, once, and not sent twice', async () => {
    const tr = await trip();
    const b = await paidOnline(tr);
    await rzp.stop();
    try {
      expect((await t.post(`/bookings/${b.bookingId}/cancel`, {}, b.me.cookie)).status).toBe(303);
    } finally {
      await rzp.start();
    }
    const pending = await t.db
      .selectFrom('refunds')
      .selectAll()
      .where('booking_id', '=', b.bookingId)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending.last_error).toBeTruthy();
    await retryRefunds(t.deps);
    await retryRefunds(t.deps);
    expect(
      (await t.db.selectFrom('refunds').select('status').where('id', '=', pending.id).executeTakeFirstOrThrow()).status,
    ).toBe('processed');
    expect([...rzp.fake.refunds.values()].filter((r) => r.payment_id === b.paymentId)).toHaveLength(1);
    expect((await booking(b.bookingId)).payment_status).toBe('refunded');
  });

  it('an organizer cancelling a departure cancels every booking on it with full refunds and tells each traveler', async () => {
    const tr = await trip();
    const online = await paidOnline(tr, 2);
    const upi = await paidByUpi(tr);
    const unpaid = await book(tr, 1);
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect(
      (await t.post(`/organizer/departures/${tr.departureId}/cancel`, { note: 'Heavy snow' }, other.cookie)).status,
    ).toBe(404);
    t.clock.set('2027-03-05T06:00:00Z'); // 5 days out: the traveler policy would pay nothing
    try {
      const orgCookie = await sessionCookie(t.deps, tr.organizerId);
      expect(
        await (await t.request(`/organizer/departures/${tr.departureId}/cancel`, { cookie: orgCookie })).text(),
      ).toContain('3 bookings will be cancelled');
      const res = await t.post(
        `/organizer/departures/${tr.departureId}/cancel`,
        { note: 'Heavy snow on the pass' },
        orgCookie,
      );
      expect(res.status).toBe(303);
    } finally {
      t.clock.set('2026-11-25T06:30:00Z');
    }
    expect(
      await t.db
        .selectFrom('departures')
        .select(['status', 'seats_taken'])
        .where('id', '=', tr.departureId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'cancelled', seats_taken: 0 });
    expect(await booking(online.bookingId)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'organizer',
      payment_status: 'refunded',
      refund_paise: 2_000_000,
    });
    expect(await booking(upi.bookingId)).toMatchObject({ status: 'cancelled', refund_paise: 1_000_000 });
    expect(await booking(unpaid.bookingId)).toMatchObject({ status: 'cancelled', refund_paise: 0 });
    expect(rzp.fake.payments.get(online.paymentId)!.amount_refunded).toBe(2_000_000);
    const told = await t.db
      .selectFrom('outbox')
      .select(['channel', 'payload'])
      .where('template', '=', 'trip-cancelled')
      .execute();
    expect(
      told.filter((m) => m.channel === 'email' && JSON.parse(m.payload).text.includes('Heavy snow on the pass')),
    ).toHaveLength(3);
    expect(told.filter((m) => m.channel === 'sms').length).toBeGreaterThanOrEqual(3);
    // Booking a cancelled departure is no longer possible.
    const late = await signedIn(t.deps);
    expect((await t.post(`/trips/${tr.tripId}/book`, bookingForm(tr.departureId), late.cookie)).status).toBe(404);
  });

  it('cancelling a whole trip (for the trips feature) cancels all its open departures', async () => {
    const tr = await trip();
    const b = await book(tr, 2);
    const res = await cancelTripBookings(
      t.deps,
      { id: tr.organizerId, role: 'organizer' },
      tr.tripId,
      'Permit withdrawn',
    );
    expect(res.bookings).toBe(1);
    expect((await booking(b.bookingId)).status).toBe('cancelled');
  });
});

describe('traveler pages', () => {
  it('my bookings lists upcoming, past and cancelled trips', async () => {
    const me = await signedIn(t.deps);
    const up = await trip({ title: 'Hampta Pass Upcoming' });
    const gone = await trip({ title: 'Valley Cancelled' });
    await book(up, 1, me);
    const c = await book(gone, 1, me);
    await t.post(`/bookings/${c.bookingId}/cancel`, {}, me.cookie);
    const html = await (await t.request('/bookings', { cookie: me.cookie })).text();
    const [upcoming, rest] = html.split('<h2>Past</h2>');
    expect(upcoming).toContain('Hampta Pass Upcoming');
    expect(rest.split('<h2>Cancelled</h2>')[1]).toContain('Valley Cancelled');
  });

  it('the booking page shows the timeline, payment and participants; the pass and .ics exist once confirmed', async () => {
    const tr = await trip({ title: 'Brahmatal', meetingPoint: 'Kathgodam station, 7 AM' });
    const b = await paidOnline(tr, 2);
    const row = await booking(b.bookingId);
    const html = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text();
    expect(html).toContain('Confirmed');
    expect(html).toContain('Paid ₹20,000 (online)');
    expect(html).toContain('Guest 2 Kumar');
    const pass = await (await t.request(`/bookings/${b.bookingId}/pass`, { cookie: b.me.cookie })).text();
    expect(pass).toContain(row.code);
    expect(pass).toContain('Kathgodam station, 7 AM');
    expect(pass).toContain(`/bookings/${b.bookingId}/pass-qr.svg`);
    expect(
      (await t.request(`/bookings/${b.bookingId}/pass-qr.svg`, { cookie: b.me.cookie })).headers.get('Content-Type'),
    ).toBe('image/svg+xml');
    const ics = await t.request(`/bookings/${b.bookingId}/booking.ics`, { cookie: b.me.cookie });
    expect(ics.headers.get('Content-Type')).toBe('text/calendar; charset=utf-8');
    const text = await ics.text();
    expect(text).toContain('DTSTART;VALUE=DATE:20270310\r\n');
    expect(text).toContain('DTEND;VALUE=DATE:20270315\r\n');
    expect(text).toContain(`SUMMARY:Brahmatal (${row.code})`);
    expect(text).toContain('LOCATION:Kathgodam station\\, 7 AM');
    // The trip's organizer may look at the booking; another traveler may not.
    expect(
      (await t.request(`/bookings/${b.bookingId}`, { cookie: await sessionCookie(t.deps, tr.organizerId) })).status,
    ).toBe(200);
    expect(
      (await t.request(`/bookings/${b.bookingId}/booking.ics`, { cookie: (await signedIn(t.deps)).cookie })).status,
    ).toBe(404);
  });

  it('the pass of an unpaid booking is not issued', async () => {
    const b = await book(await trip());
    const res = await t.request(`/bookings/${b.bookingId}/pass`, { cookie: b.me.cookie });
    expect(res.status).toBe(303);
  });
});
