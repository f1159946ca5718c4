/**
 * Deposits and the balance (issue 32, H): a deposit paid online or by UPI confirms a booking, the
 * balance is paid the same two ways, reminders go 7 and 2 days before its due date, a balance still
 * unpaid after the grace cancels the booking under the refund tiers, and refunds are a share of
 * what was actually paid. Real SQLite, real HTTP, the fake Razorpay, the test clock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { chaseBalances } from '../../src/bookings/jobs.js';
import { startScheduler } from '../../src/scheduler.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

const START = '2027-03-10';
const PRICE = 1_000_000; // ₹10,000 a guest
const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const refundsOf = (id: number) =>
  t.db.selectFrom('refunds').selectAll().where('booking_id', '=', id).orderBy('id').execute();
const paymentsOf = (id: number) =>
  t.db.selectFrom('payments').selectAll().where('booking_id', '=', id).orderBy('id').execute();
const sent = (template: string, code: string) =>
  t.db
    .selectFrom('outbox')
    .select(['channel', 'recipient'])
    .where('template', '=', template)
    .where('payload', 'like', `%${code}%`)
    .orderBy('id')
    .execute();
/** The traveler signed in now: a session from before a jump of the test clock has lapsed. */
const travelerCookie = async (id: number) => sessionCookie(t.deps, (await booking(id)).user_id);
const deliver = (w: { body: string; headers: Record<string, string> }) =>
  t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });

/** 20 % to book, the balance 30 days before the start (10 February 2027). */
/** The organizer verifies the booking's UPI proof from their queue. */
async function verifyProofOf(trip: { organizerId: number }, bookingId: number) {
  const proof = await t.db
    .selectFrom('upi_proofs')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .executeTakeFirstOrThrow();
  const org = await sessionCookie(t.deps, trip.organizerId);
  expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
}

const depositTrip = (dueDays = 30, capacity = 10) =>
  makeTrip(t.deps, {
    pricePaise: PRICE,
    capacity,
    start: START,
    end: '2027-03-14',
    deposit: { kind: 'percent', value: 20, dueDays },
  });

async function book(trip: { tripId: number; departureId: number }, guests: number, pay: 'deposit' | 'full') {
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests, { pay }), me.cookie);
  expect(res.status).toBe(303);
  return { cookie: me.cookie, id: bookingIdFrom(res) };
}

/** Pays what the booking asks now through the fake Razorpay: the order, then its captured webhook. */
async function payOnline(id: number) {
  const cookie = await travelerCookie(id);
  expect((await t.post(`/bookings/${id}/pay/online`, {}, cookie)).status).toBe(303);
  const order = (await paymentsOf(id)).filter((p) => p.status === 'created').at(-1)!;
  const { payment } = rzp.fake.pay(order.razorpay_order_id!);
  expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
  return order.amount_paise;
}

async function payByUpi(id: number, organizerId: number) {
  const cookie = await travelerCookie(id);
  expect((await sendUpiProof(t, id, cookie)).status).toBe(303);
  const proof = await t.db
    .selectFrom('upi_proofs')
    .selectAll()
    .where('booking_id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const org = await sessionCookie(t.deps, organizerId);
  expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
  return proof.amount_paise;
}

/** On 1 Dec 2026: one booking of 2 guests with its deposit paid online (₹4,000 of ₹20,000), one of 1 guest paid in full. */
async function depositAndFullPaid() {
  t.clock.set('2026-12-01T04:00:00Z');
  const trip = await depositTrip();
  const part = await book(trip, 2, 'deposit');
  await payOnline(part.id);
  const whole = await book(trip, 1, 'full');
  await payOnline(whole.id);
  return { trip, part, whole };
}

describe('the booking form', () => {
  it('offers the deposit with the balance and its due date, and books the deposit when chosen', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const me = await signedIn(t.deps);
    const tripPage = await (await t.request(`/trips/${trip.tripId}`)).text();
    expect(/id="deposit-terms"[\s\S]*?<\/p>/.exec(tripPage)?.[0]).toMatch(/20%[\s\S]*30 days before the start/);
    const form = await (await t.request(`/trips/${trip.tripId}/book?guests=2`, { cookie: me.cookie })).text();
    expect(form).toContain('Pay the deposit');
    expect(form).toContain('8 Feb');
    const b = await book(trip, 2, 'deposit');
    expect(await booking(b.id)).toMatchObject({
      status: 'pending',
      amount_paise: 2 * PRICE,
      deposit_paise: 400_000,
      paid_paise: 0,
      balance_due_on: '2027-02-08',
    });
    const pay = await (await t.request(`/bookings/${b.id}/pay`, { cookie: b.cookie })).text();
    expect(pay).toContain('Pay ₹4,000');
  });

  it('pays in full when chosen, and when booked on or after the due date whatever was chosen', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const full = await book(trip, 1, 'full');
    expect(await booking(full.id)).toMatchObject({ deposit_paise: 0, balance_due_on: null });
    t.clock.set('2027-02-08T04:00:00Z');
    const late = await book(trip, 1, 'deposit');
    expect(await booking(late.id)).toMatchObject({ deposit_paise: 0, balance_due_on: null, amount_paise: PRICE });
    const form = await (
      await t.request(`/trips/${trip.tripId}/book`, { cookie: await travelerCookie(late.id) })
    ).text();
    expect(form).not.toContain('Pay the deposit');
  });
});

describe('deposit and balance, online', () => {
  it('the deposit confirms the booking; reminders go 7 and 2 days before the due date, once each; the balance paid online settles it', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const b = await book(trip, 2, 'deposit');
    expect(await payOnline(b.id)).toBe(400_000);
    expect(await booking(b.id)).toMatchObject({
      status: 'confirmed',
      payment_status: 'pending',
      paid_paise: 400_000,
      payment_method: 'online',
    });
    const code = (await booking(b.id)).code;
    const page = await (await t.request(`/bookings/${b.id}`, { cookie: await travelerCookie(b.id) })).text();
    expect(page).toContain('Balance due');
    expect(page).toContain('₹16,000');
    expect(page).toContain('8 Feb');
    expect(page).toContain('Pay the balance of ₹16,000');
    const dashboard = await (await t.request('/dashboard/traveler', { cookie: await travelerCookie(b.id) })).text();
    expect(dashboard).toMatch(/pay the balance of ₹16,000 by\s*(<!-- -->)?\s*\w*,? ?8 Feb/);
    const list = await (await t.request('/bookings', { cookie: await travelerCookie(b.id) })).text();
    expect(list).toContain(`href="/bookings/${b.id}/pay">Pay the balance of ₹16,000`);
    const pass = await (await t.request(`/bookings/${b.id}/pass`, { cookie: await travelerCookie(b.id) })).text();
    expect(pass).toMatch(/paid ₹4,000\s*· balance ₹16,000 due\s*by/);

    // Nothing to remind yet.
    t.clock.set('2027-01-31T04:30:00Z');
    await chaseBalances(t.deps);
    expect(await sent('balance-reminder', code)).toHaveLength(0);
    // 7 days before: one reminder, email and SMS, however often the job runs.
    t.clock.set('2027-02-01T04:30:00Z');
    await chaseBalances(t.deps);
    await chaseBalances(t.deps);
    expect((await sent('balance-reminder', code)).map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    // 2 days before: the second.
    t.clock.set('2027-02-06T04:30:00Z');
    await chaseBalances(t.deps);
    await chaseBalances(t.deps);
    expect(await sent('balance-reminder', code)).toHaveLength(4);

    expect(await payOnline(b.id)).toBe(1_600_000);
    expect(await booking(b.id)).toMatchObject({ status: 'confirmed', payment_status: 'paid', paid_paise: 2 * PRICE });
    expect(await sent('balance-paid', code)).toHaveLength(1);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'booking')
      .where('target_id', '=', String(b.id))
      .execute();
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(['payment.captured', 'payment.balance_captured']),
    );

    // Paid: the grace passes without a cancellation.
    t.clock.set('2027-02-20T04:30:00Z');
    await chaseBalances(t.deps);
    expect((await booking(b.id)).status).toBe('confirmed');
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(2);
  });
});

describe('deposit and balance, by UPI', () => {
  it('a verified proof of the deposit confirms the booking; a proof of the balance keeps it confirmed while checked, then settles it', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const b = await book(trip, 1, 'deposit');
    expect(await payByUpi(b.id, trip.organizerId)).toBe(200_000);
    expect(await booking(b.id)).toMatchObject({ status: 'confirmed', payment_status: 'pending', paid_paise: 200_000 });

    t.clock.set('2027-02-07T04:30:00Z');
    expect((await sendUpiProof(t, b.id, await travelerCookie(b.id))).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({
      status: 'confirmed',
      verification_status: 'pending',
      paid_paise: 200_000,
    });
    // A proof being checked holds off the cancellation, whatever the date.
    t.clock.set('2027-02-15T04:30:00Z');
    await chaseBalances(t.deps);
    expect((await booking(b.id)).status).toBe('confirmed');
    const proof = await t.db
      .selectFrom('upi_proofs')
      .selectAll()
      .where('booking_id', '=', b.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(proof.amount_paise).toBe(800_000);
    const org = await sessionCookie(t.deps, trip.organizerId);
    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, org)).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({ status: 'confirmed', payment_status: 'paid', paid_paise: PRICE });
    expect((await paymentsOf(b.id)).map((p) => [p.method, p.amount_paise, p.status])).toEqual([
      ['upi', 200_000, 'paid'],
      ['upi', 800_000, 'paid'],
    ]);
  });
});

describe('an unpaid balance', () => {
  it('cancels the booking after the grace period, under the refund tier of that day on the deposit, releasing the seats and telling both sides, once', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const b = await book(trip, 2, 'deposit');
    await payOnline(b.id);
    const code = (await booking(b.id)).code;
    // The due date (8 Feb) and the 3 days of grace pass with the booking still confirmed.
    for (const day of ['2027-02-08', '2027-02-09', '2027-02-11']) {
      t.clock.set(`${day}T04:30:00Z`);
      await chaseBalances(t.deps);
      expect((await booking(b.id)).status).toBe('confirmed');
    }
    // 12 Feb, 26 days before the start: 50 % of the ₹4,000 paid.
    t.clock.set('2027-02-12T04:30:00Z');
    await chaseBalances(t.deps);
    expect(await chaseBalances(t.deps)).toMatch(/cancelled 0$/);
    expect(await booking(b.id)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'balance_unpaid',
      refund_paise: 200_000,
    });
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(0);
    expect((await refundsOf(b.id)).map((r) => [r.amount_paise, r.method])).toEqual([[200_000, 'razorpay']]);
    expect((await sent('balance-unpaid-cancelled', code)).map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect((await sent('balance-unpaid-organizer', code)).filter((m) => m.channel === 'email')).toHaveLength(1);
  });
});

describe('refunds on a partly paid booking', () => {
  it.each([
    ['2027-02-05T04:30:00Z', 100, 200_000],
    ['2027-02-15T04:30:00Z', 50, 100_000],
    ['2027-02-26T04:30:00Z', 0, 0],
  ])(
    'cancelled by the traveler at %s: %i %% of the deposit paid, never of the amount promised',
    async (at, _pct, refund) => {
      t.clock.set('2026-12-01T04:00:00Z');
      const trip = await depositTrip(10); // balance due 28 Feb: still outstanding at every tier
      const b = await book(trip, 1, 'deposit');
      await payOnline(b.id);
      t.clock.set(at);
      const cookie = await travelerCookie(b.id);
      const preview = await (await t.request(`/bookings/${b.id}/cancel`, { cookie })).text();
      expect(preview).toContain('₹2,000');
      expect((await t.post(`/bookings/${b.id}/cancel`, {}, cookie)).status).toBe(303);
      expect(await booking(b.id)).toMatchObject({ status: 'cancelled', refund_paise: refund, paid_paise: 200_000 });
      expect((await refundsOf(b.id)).reduce((n, r) => n + r.amount_paise, 0)).toBe(refund);
      expect(await seatsTaken(t.deps, trip.departureId)).toBe(0);
    },
  );

  it('a deposit sent by UPI and cancelled while being checked: once verified, the tier of the cancellation applies to the deposit', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip(10);
    const b = await book(trip, 1, 'deposit');
    expect((await sendUpiProof(t, b.id, b.cookie)).status).toBe(303);
    t.clock.set('2026-12-01T05:00:00Z');
    expect((await t.post(`/bookings/${b.id}/cancel`, {}, b.cookie)).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({ status: 'cancelled', refund_paise: 200_000 }); // 100 %: 99 days ahead
    await verifyProofOf(trip, b.id);
    expect((await refundsOf(b.id)).map((r) => [r.amount_paise, r.method])).toEqual([[200_000, 'manual']]);
  });

  it('the same at the 50 % tier: half the deposit is due back, not nothing', async () => {
    t.clock.set('2027-02-10T04:00:00Z');
    const trip = await depositTrip(10);
    const b = await book(trip, 1, 'deposit');
    expect((await sendUpiProof(t, b.id, b.cookie)).status).toBe(303);
    expect((await t.post(`/bookings/${b.id}/cancel`, {}, b.cookie)).status).toBe(303);
    expect(await booking(b.id)).toMatchObject({ status: 'cancelled', refund_paise: 100_000 });
    await verifyProofOf(trip, b.id);
    expect((await refundsOf(b.id)).map((r) => [r.amount_paise, r.method])).toEqual([[100_000, 'manual']]);
  });

  it('a refund of a deposit and a balance goes back against each payment, never above what one took', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip(10);
    const b = await book(trip, 1, 'deposit');
    await payOnline(b.id);
    await payOnline(b.id);
    const [deposit, balance] = (await paymentsOf(b.id)).filter((p) => p.status === 'paid');
    t.clock.set('2027-01-05T04:30:00Z'); // 64 days before: 100 %
    expect((await t.post(`/bookings/${b.id}/cancel`, {}, await travelerCookie(b.id))).status).toBe(303);
    expect((await refundsOf(b.id)).map((r) => [r.payment_id, r.amount_paise])).toEqual([
      [balance.id, 800_000],
      [deposit.id, 200_000],
    ]);
    expect((await booking(b.id)).refund_paise).toBe(PRICE);
  });
});

describe("the organizer's money", () => {
  it('bookings, the participants CSV and earnings show what was paid and what is outstanding; earnings count money received', async () => {
    const { trip, part, whole } = await depositAndFullPaid();
    const org = await sessionCookie(t.deps, trip.organizerId);

    const list = await (await t.request(`/organizer/bookings?trip=${trip.tripId}`, { cookie: org })).text();
    const row = (id: number) => new RegExp(`/bookings/${id}"[\\s\\S]*?</tr>`).exec(list)?.[0] ?? '';
    expect(row(part.id)).toContain('₹4,000');
    expect(row(part.id)).toContain('₹16,000');
    expect(row(part.id)).toContain('8 Feb');
    expect(row(whole.id)).toContain('₹10,000');

    const csv = (
      await (await t.request(`/organizer/departures/${trip.departureId}/participants.csv`, { cookie: org })).text()
    )
      .trimEnd()
      .split('\r\n');
    const partCode = (await booking(part.id)).code;
    const wholeCode = (await booking(whole.id)).code;
    expect(csv.find((l) => l.startsWith(partCode) && l.includes(',1,'))).toMatch(
      /,confirmed,pending,4000\.00,16000\.00,1,/,
    );
    expect(csv.find((l) => l.startsWith(wholeCode))).toMatch(/,confirmed,paid,10000\.00,0\.00,1,/);

    const earnings = await (await t.request('/organizer/earnings', { cookie: org })).text();
    // Received: the ₹4,000 deposit and the ₹10,000 paid in full; the ₹16,000 balance is owed, not earned.
    expect(earnings).toContain('₹14,000');
    expect(/id="outstanding"[\s\S]*?<strong>([^<]*)</.exec(earnings)?.[1]).toBe('₹16,000');
  });
});

describe("the organizer's money through the balance and a cancellation", () => {
  /** A: deposit and balance paid; B: deposit paid, balance owed; C: deposit paid then cancelled (100 % back); D: held, unpaid. */
  async function season() {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const a = await book(trip, 2, 'deposit');
    await payOnline(a.id);
    await payOnline(a.id);
    const b = await book(trip, 1, 'deposit');
    await payOnline(b.id);
    const c = await book(trip, 1, 'deposit');
    await payOnline(c.id);
    expect((await t.post(`/bookings/${c.id}/cancel`, {}, await travelerCookie(c.id))).status).toBe(303);
    const d = await book(trip, 1, 'deposit');
    return { trip, a, b, c, d, org: await sessionCookie(t.deps, trip.organizerId) };
  }
  const cellsOf = (html: string, id: number) =>
    Object.fromEntries(
      [
        ...(new RegExp(`/bookings/${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '').matchAll(
          /data-label="(\w+)">([\s\S]*?)<\/td>/g,
        ),
      ].map((m) => [
        m[1],
        m[2]
          .replace(/<[^>]+>|<!-- -->/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      ]),
    );

  it("the bookings list shows each booking's paid and outstanding: nothing owed once the balance is in, or once cancelled", async () => {
    const { trip, a, b, c, d, org } = await season();
    const list = await (await t.request(`/organizer/bookings?trip=${trip.tripId}`, { cookie: org })).text();
    expect(cellsOf(list, a.id)).toMatchObject({ Amount: '₹20,000', Paid: '₹20,000', Outstanding: '–' });
    expect(cellsOf(list, b.id)).toMatchObject({
      Paid: '₹2,000',
      Outstanding: expect.stringMatching(/^₹8,000 by .*8 Feb/),
    });
    expect(cellsOf(list, c.id)).toMatchObject({ Paid: '₹2,000', Outstanding: '–' });
    expect(cellsOf(list, d.id)).toMatchObject({ Paid: '₹0', Outstanding: '–' });
  });

  it("the participants CSV's paid and outstanding columns add up to what the departure's standing bookings received and still owe", async () => {
    const { trip, a, b, c, d, org } = await season();
    const csv = (
      await (await t.request(`/organizer/departures/${trip.departureId}/participants.csv`, { cookie: org })).text()
    )
      .trimEnd()
      .split('\r\n');
    const header = csv[0].split(',');
    const paidAt = header.indexOf('paid (INR)');
    const owedAt = header.indexOf('outstanding (INR)');
    const rows = csv.slice(1).map((l) => l.split(','));
    const sum = (i: number) => rows.reduce((n, r) => n + Number(r[i] || 0), 0);
    expect(sum(paidAt)).toBe(22_000); // A's ₹20,000 and B's ₹2,000; C is cancelled, D has paid nothing
    expect(sum(owedAt)).toBe(8_000);
    const codes = async (...ids: number[]) => Promise.all(ids.map(async (id) => (await booking(id)).code));
    const listed = new Set(rows.map((r) => r[0]));
    for (const code of await codes(a.id, b.id, d.id)) expect(listed.has(code)).toBe(true);
    expect(listed.has((await codes(c.id))[0])).toBe(false);
  });

  it('earnings count what was received and refunded, and the balance owed apart, not as earned', async () => {
    const { org } = await season();
    const earnings = await (await t.request('/organizer/earnings', { cookie: org })).text();
    const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(earnings)![1];
    const total = (label: string) => new RegExp(`data-label="${label}">([^<]*)<`).exec(foot)?.[1];
    // Received: A ₹4,000 + ₹16,000, B ₹2,000, C ₹2,000; refunded: C's ₹2,000 (100 %, more than 30 days ahead).
    expect([total('Paid'), total('Refunded'), total('Net')]).toEqual(['₹24,000', '₹2,000', '₹22,000']);
    expect(/id="outstanding"[\s\S]*?<strong>([^<]*)</.exec(earnings)?.[1]).toBe('₹8,000');
  });
});

describe("the admin's money pages", () => {
  it('the bookings page and its CSV show what was received and what is still outstanding for a booking with a deposit', async () => {
    const { trip, part, whole } = await depositAndFullPaid();
    const admin = await signedIn(t.deps, { role: 'admin' });

    const list = await (await t.request(`/admin/bookings?trip=${trip.tripId}`, { cookie: admin.cookie })).text();
    const cell = (id: number, label: string) =>
      new RegExp(`id="booking-${id}"[\\s\\S]*?data-label="${label}"[^>]*>([\\s\\S]*?)</td>`)
        .exec(list)?.[1]
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    expect(cell(part.id, 'Amount')).toBe('₹20,000');
    expect(cell(part.id, 'Received')).toBe('₹4,000');
    expect(cell(part.id, 'Outstanding')).toMatch(/^₹16,000 due by \w*,? ?8 Feb/);
    expect(cell(whole.id, 'Received')).toBe('₹10,000');
    expect(cell(whole.id, 'Outstanding')).toBe('₹0');

    const csv = (await (await t.request(`/admin/bookings.csv?trip=${trip.tripId}`, { cookie: admin.cookie })).text())
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toContain('amount (₹),refunded (₹),received (₹),outstanding (₹),balance due');
    const line = async (id: number) => {
      const { code } = await booking(id);
      return csv.find((l) => l.startsWith(code))!;
    };
    expect(await line(part.id)).toMatch(/,20000\.00,0\.00,4000\.00,16000\.00,2027-02-08$/);
    expect(await line(whole.id)).toMatch(/,10000\.00,0\.00,10000\.00,0\.00,$/);
  });
});

describe('the dashboards count money received, not money promised', () => {
  it("the organizer's earnings and new bookings, and the admin's GMV, count the deposit paid and nothing of the balance owed or an unpaid hold", async () => {
    t.clock.set('2026-12-02T04:00:00Z');
    const admin = await signedIn(t.deps, { role: 'admin' });
    const gmv = async () =>
      /id="widget-gmv"[\s\S]*?<strong>([^<]*)</.exec(
        await (await t.request('/dashboard/admin/gmv', { cookie: admin.cookie })).text(),
      )?.[1];
    const gmvBefore = await gmv();
    const trip = await depositTrip();
    const part = await book(trip, 2, 'deposit');
    await payOnline(part.id);
    await book(trip, 1, 'full'); // held, never paid: promised, not received
    const org = await sessionCookie(t.deps, trip.organizerId);

    const earnings = await (await t.request('/dashboard/organizer/earnings', { cookie: org })).text();
    expect(/<strong>([^<]*)<\/strong> received after refunds/.exec(earnings)?.[1]).toBe('₹4,000');
    const fresh = await (await t.request('/dashboard/organizer/newBookings', { cookie: org })).text();
    const code = (await booking(part.id)).code;
    expect(new RegExp(`${code}</a>[^<]*`).exec(fresh)?.[0]).toContain('₹20,000 (₹4,000 received, the balance owed)');
    const rupees = (s: string | undefined) => Number(s!.replace(/[₹,]/g, ''));
    expect(rupees(await gmv()) - rupees(gmvBefore)).toBe(4_000);

    // The balance paid: now it is received, and counted.
    await payOnline(part.id);
    expect(rupees(await gmv()) - rupees(gmvBefore)).toBe(20_000);
    const after = await (await t.request('/dashboard/organizer/earnings', { cookie: org })).text();
    expect(/<strong>([^<]*)<\/strong> received after refunds/.exec(after)?.[1]).toBe('₹20,000');
    const paid = await (await t.request('/dashboard/organizer/newBookings', { cookie: org })).text();
    expect(new RegExp(`${code}</a>[^<]*`).exec(paid)?.[0]).not.toContain('received');
  });
});

describe('an organizer cancelling a departure', () => {
  it('a booking with only its deposit paid gets back 100 % of what was paid (the deposit, not the price), its seats are released and the traveler is told', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const online = await book(trip, 2, 'deposit');
    await payOnline(online.id);
    const upi = await book(trip, 1, 'deposit');
    await payByUpi(upi.id, trip.organizerId);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(3);

    t.clock.set('2027-01-20T04:30:00Z');
    const org = await sessionCookie(t.deps, trip.organizerId);
    const res = await t.post(`/organizer/departures/${trip.departureId}/cancel`, { note: 'Landslide' }, org);
    expect(res.status).toBe(303);

    expect(await booking(online.id)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'organizer',
      paid_paise: 400_000,
      refund_paise: 400_000,
      payment_status: 'refunded',
    });
    expect((await refundsOf(online.id)).map((r) => [r.amount_paise, r.method, r.status])).toEqual([
      [400_000, 'razorpay', 'processed'],
    ]);
    const [deposit] = await paymentsOf(online.id);
    expect(rzp.fake.payments.get(deposit.razorpay_payment_id!)!.amount_refunded).toBe(400_000);
    expect(await booking(upi.id)).toMatchObject({ status: 'cancelled', paid_paise: 200_000, refund_paise: 200_000 });
    expect((await refundsOf(upi.id)).map((r) => [r.amount_paise, r.method])).toEqual([[200_000, 'manual']]);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(0);

    for (const [id, amount] of [
      [online.id, '₹4,000'],
      [upi.id, '₹2,000'],
    ] as const) {
      const told = await t.db
        .selectFrom('outbox')
        .select(['channel', 'payload'])
        .where('template', '=', 'trip-cancelled')
        .where('payload', 'like', `%${(await booking(id)).code}%`)
        .execute();
      expect(told.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      for (const m of told) expect(m.payload).toContain(amount);
      expect(told.map((m) => m.payload).join()).not.toContain(id === online.id ? '₹20,000' : '₹10,000');
    }
  });
});

describe('the balance racing the cancellation', () => {
  it('a balance captured while the job cancels the booking: either it is paid and stands, or it is cancelled and the balance goes back in full, never both or neither', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const b = await book(trip, 2, 'deposit');
    await payOnline(b.id);
    // The last day of grace: the order for the balance is made…
    t.clock.set('2027-02-11T04:30:00Z');
    expect((await t.post(`/bookings/${b.id}/pay/online`, {}, await travelerCookie(b.id))).status).toBe(303);
    const order = (await paymentsOf(b.id)).filter((p) => p.status === 'created').at(-1)!;
    const { payment } = rzp.fake.pay(order.razorpay_order_id!);
    // …and paid just as the job runs on the first day past the grace.
    t.clock.set('2027-02-12T04:30:00Z');
    const [hook] = await Promise.all([
      deliver(rzp.fake.webhook('payment.captured', { payment })),
      chaseBalances(t.deps),
    ]);
    expect(hook.status).toBe(200);
    const after = await booking(b.id);
    const refunds = await refundsOf(b.id);
    if (after.status === 'confirmed') {
      expect(after).toMatchObject({ payment_status: 'paid', paid_paise: 2 * PRICE });
      expect(refunds).toEqual([]);
      expect(await seatsTaken(t.deps, trip.departureId)).toBe(2);
    } else {
      // Received: the deposit and the balance; due back: half the deposit and all the balance.
      expect(after).toMatchObject({
        status: 'cancelled',
        cancel_reason: 'balance_unpaid',
        paid_paise: 2 * PRICE,
        refund_paise: 1_800_000,
      });
      // 50 % of the deposit under the policy, and the balance that came too late, all of it.
      expect(refunds.map((r) => r.amount_paise).sort((x, y) => x - y)).toEqual([200_000, 1_600_000]);
      expect(await seatsTaken(t.deps, trip.departureId)).toBe(0);
    }
  });

  it('a balance captured after the job cancelled the booking goes back in full; the booking stays cancelled and its seats stay on sale', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await depositTrip();
    const b = await book(trip, 1, 'deposit');
    await payOnline(b.id);
    t.clock.set('2027-02-11T04:30:00Z');
    expect((await t.post(`/bookings/${b.id}/pay/online`, {}, await travelerCookie(b.id))).status).toBe(303);
    const order = (await paymentsOf(b.id)).filter((p) => p.status === 'created').at(-1)!;
    t.clock.set('2027-02-12T04:30:00Z');
    await chaseBalances(t.deps);
    expect(await booking(b.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'balance_unpaid' });
    const { payment } = rzp.fake.pay(order.razorpay_order_id!);
    expect((await deliver(rzp.fake.webhook('payment.captured', { payment }))).status).toBe(200);
    // Received (deposit + balance) and due back (half the deposit + all the balance) both count it.
    const after = await booking(b.id);
    expect(after).toMatchObject({ status: 'cancelled', paid_paise: PRICE, refund_paise: 900_000 });
    const refunds = await refundsOf(b.id);
    expect(refunds.map((r) => r.amount_paise).sort((x, y) => x - y)).toEqual([100_000, 800_000]);
    // The totals add up: what the payments took is what the booking received, what the refunds give back is what it owes back.
    const paid = (await paymentsOf(b.id)).filter((p) => p.status === 'paid' || p.status === 'refunded');
    expect(paid.reduce((n, p) => n + p.amount_paise, 0)).toBe(after.paid_paise);
    expect(refunds.reduce((n, r) => n + r.amount_paise, 0)).toBe(after.refund_paise);
    // Refunded at once, in full, against the payment that came too late.
    const late = refunds.find((r) => r.amount_paise === 800_000)!;
    expect(late).toMatchObject({ payment_id: paid.at(-1)!.id, method: 'razorpay', status: 'processed' });
    expect(rzp.fake.payments.get(payment.id)!.amount_refunded).toBe(800_000);
    const auto = await t.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'payment.auto_refund')
      .where('target_id', '=', String(b.id))
      .execute();
    expect(auto).toHaveLength(1);
    expect(JSON.parse(auto[0].after!)).toMatchObject({
      amount_paise: 800_000,
      paid_paise: PRICE,
      refund_paise: 900_000,
    });
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(0);
  });

  it('runs from the scheduler as bookings.balances and is recorded in job_runs', async () => {
    const s = startScheduler(t.deps);
    try {
      await s.runNow('bookings.balances');
    } finally {
      await s.stop();
    }
    const run = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('name', '=', 'bookings.balances')
      .executeTakeFirstOrThrow();
    expect(run.outcome).toBe('ok');
  });
});
