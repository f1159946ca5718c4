import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../platform/server-process.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startFakeTwilio, TEST_TWILIO, type FakeTwilio } from '../support/fake-twilio.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import type { DB } from '../../src/db.js';
import {
  book,
  deadlineAfter,
  drainOutbox,
  faultProxy,
  load,
  openAppDb,
  payOnline,
  percentile,
  post,
  seatsThatDoNotAddUp,
  seed,
  startApp,
  stopApp,
  timePassesForTheOutbox,
  type BookingResult,
  type FaultProxy,
  type Payment,
  type Seeded,
} from './support.js';

let smtp: TestSmtp;
let twilio: FakeTwilio;
let rzp: FakeRazorpayServer;
let proxies: { smtp: FaultProxy; twilio: FaultProxy; razorpay: FaultProxy };
let app: ServerProcess;
let appDb: { db: DB; close(): Promise<void> };
let s: Seeded;

beforeAll(async () => {
  [smtp, twilio, rzp] = await Promise.all([startSmtp(), startFakeTwilio(), startFakeRazorpay()]);
  proxies = {
    smtp: await faultProxy({ port: smtp.port }),
    twilio: await faultProxy({ port: Number(new URL(twilio.url).port) }),
    razorpay: await faultProxy({ port: Number(new URL(rzp.url).port) }),
  };
  // The app reaches every provider through its breakable address.
  app = await startApp({
    SMTP_URL: `smtp://127.0.0.1:${proxies.smtp.port}`,
    ...TEST_TWILIO,
    TWILIO_API_BASE: proxies.twilio.url,
    ...rzp.env,
    RAZORPAY_API_BASE: proxies.razorpay.url,
  });
  appDb = openAppDb(app.dataDir);
  s = await seed({ db: appDb.db, clock: { now: () => new Date() } }, { departures: 12, capacity: 500, travelers: 260 });
}, 60_000);

afterAll(async () => {
  await appDb?.close();
  await stopApp(app);
  await Promise.all(Object.values(proxies ?? {}).map((p) => p.close()));
  await Promise.all([smtp?.stop(), twilio?.stop(), rzp?.stop()]);
});

type Outage = 'refused' | 'hanging' | 'errors';

async function breakProviders(how: Outage | 'fixed') {
  smtp.refuseWith(how === 'errors' ? 451 : null);
  const mode = how === 'fixed' ? 'up' : how === 'errors' ? 'http-503' : how;
  await Promise.all([
    proxies.smtp.set(how === 'errors' ? 'up' : mode),
    proxies.twilio.set(mode),
    proxies.razorpay.set(mode),
  ]);
}

/** Messages being sent when a provider changed state: cut mid-send, they may have arrived and go again. */
const cutMidSend = new Set<number>();

const sendingNow = async () =>
  (await appDb.db.selectFrom('outbox').select('id').where('status', '=', 'sending').execute()).map((r) => r.id);

/** A provider's change of state drops its open connections; whatever was being sent then is noted. */
async function switchProviders(how: Outage | 'fixed') {
  const before = await sendingNow();
  await breakProviders(how);
  for (const id of [...before, ...(await sendingNow())]) cutMidSend.add(id);
}

const SECONDS = 6;

let sent = 0;
const payerCookie = new Map<number, string>();

/** Steady bookings from 3 clients (each pausing 60 ms between them) for SECONDS, while a fourth books and pays; the outbox is asked to run at the start. */
async function underLoad() {
  const payments: Payment[] = [];
  const outboxRun = post(app.url, '/admin/jobs/outbox/run', s.admin.cookie).catch(() => null);
  const bookingLoad = load<BookingResult>({
    clients: 3,
    pauseMs: 60,
    maxRequests: 400,
    maxMs: SECONDS * 1000,
    one: () => {
      // Each traveler books one departure after another (one traveler holds at most 10 unpaid seats on one).
      const n = sent++;
      const departureId = s.departureIds[Math.floor(n / 240) % s.departureIds.length];
      return book(app.url, s, s.travelers[n % 240], departureId, 1 + (n % 2));
    },
  });
  let booked = false;
  const paying = load<void>({
    clients: 1,
    maxRequests: 50,
    maxMs: SECONDS * 1000,
    stop: () => booked,
    one: async (n) => {
      const traveler = s.travelers[240 + (n % 20)];
      const r = await book(app.url, s, traveler, s.departureIds[n % s.departureIds.length], 1);
      if (!r.bookingId) return;
      payerCookie.set(r.bookingId, traveler.cookie);
      payments.push(await payOnline(app.url, rzp, traveler.cookie, r.bookingId));
    },
  });
  const bookings = await bookingLoad;
  booked = true;
  return { bookings, payments, paying, outboxRun };
}

describe('SMTP, Twilio and Razorpay down, hanging, answering errors, then back', () => {
  it('bookings stay fast throughout; once they are back every message goes out once and every payment is taken once', async () => {
    const figures: string[] = [];
    const allBookings: BookingResult[] = [];
    const allPayments: Payment[] = [];

    const normal = await underLoad();
    await normal.paying;
    await normal.outboxRun;
    allBookings.push(...normal.bookings);
    allPayments.push(...normal.payments);
    const baseP95 = percentile(
      normal.bookings.map((r) => r.ms),
      95,
    );
    console.log(`providers up: ${normal.bookings.length} bookings, p95 ${baseP95.toFixed(0)} ms`);

    for (const how of ['refused', 'hanging', 'errors'] as const) {
      await switchProviders(how);
      const r = await underLoad();
      // Back: hung connections are dropped (as a provider's restart does), the senders stuck on them fail and retry.
      await switchProviders('fixed');
      await r.paying;
      await r.outboxRun;
      allBookings.push(...r.bookings);
      allPayments.push(...r.payments);
      const p95 = percentile(
        r.bookings.map((b) => b.ms),
        95,
      );
      const payMs = percentile(
        r.payments.map((p) => p.ms),
        95,
      );
      console.log(
        `${how}: ${r.bookings.length} bookings, p95 ${p95.toFixed(0)} ms; ${r.payments.length} payments tried ` +
          `(${r.payments.filter((p) => p.status === 503).length} told 503), p95 ${payMs.toFixed(0)} ms`,
      );
      // Booking never waits on a provider.
      expect(p95, `${how}: booking p95`).toBeLessThan(Math.max(1500, baseP95 * 4));
      // A payment the gateway could not start is a plain 503 page, never a 500.
      for (const p of r.payments.filter((p) => p.status !== 303)) {
        expect(p.status, p.text?.slice(0, 200)).toBe(503);
        expect(p.text).toContain('nothing was charged');
      }
    }
    for (const b of allBookings) expect([b.status, b.text?.slice(0, 200)]).toEqual([303, undefined]);

    // Everyone who had not got through pays now: a return that was cut is sent again, nobody pays twice.
    const settled: Payment[] = [];
    for (const p of allPayments) {
      settled.push(
        p.step === 'done' ? p : await payOnline(app.url, rzp, payerCookie.get(p.bookingId)!, p.bookingId, p),
      );
    }
    expect(settled.filter((p) => p.step !== 'done').map((p) => [p.status, p.text?.slice(0, 200)])).toEqual([]);

    // The outbox's back-off has elapsed (minutes, not waited for here): everything queued goes out.
    const over = deadlineAfter(120_000);
    for (;;) {
      await timePassesForTheOutbox(appDb.db, ['pending']);
      await drainOutbox(app.url, s.admin.cookie, appDb.db, 5_000).catch(() => {});
      const left = await appDb.db
        .selectFrom('outbox')
        .select(['id', 'status', 'attempts', 'last_error'])
        .where('status', '!=', 'sent')
        .execute();
      if (left.length === 0) break;
      if (over()) throw new Error(`${left.length} not sent: ${JSON.stringify(left.slice(0, 5))}`);
    }
    const db = appDb.db;
    const rows = await db.selectFrom('outbox').select(['id', 'channel', 'recipient', 'payload', 'attempts']).execute();
    const retried = rows.filter((r) => r.attempts > 1).length;

    // Email: each row arrived exactly once, under its own Message-ID.
    const host = new URL(app.url).hostname;
    const copies = new Map<string, number>();
    for (const m of smtp.messages) copies.set(m.messageId ?? '', (copies.get(m.messageId ?? '') ?? 0) + 1);
    const email = rows.filter((r) => r.channel === 'email');
    for (const r of email) {
      const n = copies.get(`<outbox-${r.id}@${host}>`) ?? 0;
      expect(n, `email ${r.id}`).toBeGreaterThanOrEqual(1);
      if (n > 1) expect(cutMidSend.has(r.id), `email ${r.id} received ${n} times`).toBe(true);
    }
    expect([...copies.keys()].filter((id) => !/^<outbox-\d+@/.test(id))).toEqual([]);
    const emailTwice = [...copies.values()].filter((n) => n > 1).length;

    // SMS and WhatsApp: Twilio accepted each row's message once.
    const phone = rows.filter((r) => r.channel !== 'email');
    const accepted = new Map<string, number>();
    for (const q of twilio.requests) {
      const k = `${q.form.To.replace(/^whatsapp:/, '')}|${q.form.Body ?? q.form.ContentSid}`;
      accepted.set(k, (accepted.get(k) ?? 0) + 1);
    }
    for (const r of phone) {
      const p = JSON.parse(r.payload) as { text: string; contentSid?: string };
      const n = accepted.get(`${r.recipient}|${p.contentSid ?? p.text}`) ?? 0;
      expect(n, `${r.channel} ${r.id}`).toBeGreaterThanOrEqual(1);
      if (n > 1) expect(cutMidSend.has(r.id), `${r.channel} ${r.id} accepted ${n} times`).toBe(true);
    }
    const phoneTwice = [...accepted.values()].filter((n) => n > 1).length;

    // Razorpay: one captured payment per paid booking, and one paid payment row for it.
    const paidIds = settled.map((p) => p.bookingId);
    const captured = [...rzp.fake.payments.values()].filter((p) => p.status === 'captured');
    expect(captured).toHaveLength(paidIds.length);
    const payRows = await db
      .selectFrom('payments')
      .select(['booking_id', 'status'])
      .where('status', '=', 'paid')
      .execute();
    expect(payRows.map((p) => p.booking_id).sort()).toEqual([...paidIds].sort());
    const confirmed = await db
      .selectFrom('bookings')
      .select('id')
      .where('id', 'in', paidIds)
      .where('status', '=', 'confirmed')
      .execute();
    expect(confirmed).toHaveLength(paidIds.length);
    expect(await seatsThatDoNotAddUp(db)).toEqual([]);

    figures.push(
      `after: ${email.length} emails and ${phone.length} SMS/WhatsApp sent (${retried} after retries; ` +
        `${cutMidSend.size} cut mid-send at a switch, ${emailTwice + phoneTwice} of them received twice), ` +
        `${paidIds.length} payments taken once each`,
    );
    console.log(figures.join('\n'));
  }, 240_000);
});
