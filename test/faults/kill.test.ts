import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../platform/server-process.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import {
  book,
  drainOutbox,
  integrityCheck,
  load,
  openAppDb,
  payOnline,
  percentile,
  post,
  seatsThatDoNotAddUp,
  seed,
  sleep,
  startApp,
  stopApp,
  timePassesForTheOutbox,
  type BookingResult,
  type Seeded,
} from './support.js';

let smtp: TestSmtp;
let rzp: FakeRazorpayServer;
let app: ServerProcess | undefined;
let again: ServerProcess | undefined;
beforeAll(async () => {
  smtp = await startSmtp();
  rzp = await startFakeRazorpay();
});
afterAll(async () => {
  for (const p of [app, again]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
  await smtp?.stop();
  await rzp?.stop();
});

describe('kill -9 in the middle of bookings and payments', () => {
  it('after a restart: the file is sound, every acknowledged booking and payment is there, seats add up, every queued message goes out, a resend keeps its Message-ID', async () => {
    const env = { SMTP_URL: smtp.url, ...rzp.env };
    app = await startApp(env);
    const first = openAppDb(app.dataDir);
    const s: Seeded = await seed(first.deps, { departures: 6, capacity: 500, travelers: 40 });
    await first.close();

    // Steady load: each client books 1–2 seats on a random departure, pays every third booking,
    // and moves every other paid one to the next departure (a move may be in flight at the kill).
    let killed = false;
    const paid: number[] = [];
    const moveSent = new Map<number, number>();
    const moved = new Map<number, number>();
    const loadDone = load<BookingResult>({
      clients: 6,
      maxRequests: 2000,
      maxMs: 30_000,
      stop: () => killed,
      one: async (n) => {
        const traveler = s.travelers[n % s.travelers.length];
        const r = await book(app!.url, s, traveler, s.departureIds[n % s.departureIds.length], 1 + (n % 2));
        if (r.bookingId && n % 3 === 0) {
          const p = await payOnline(app!.url, rzp, traveler.cookie, r.bookingId);
          if (p.step === 'done') paid.push(r.bookingId);
          if (p.step === 'done' && n % 2 === 0) {
            const to = s.departureIds[(n + 1) % s.departureIds.length];
            moveSent.set(r.bookingId, to);
            const m = await post(app!.url, `/bookings/${r.bookingId}/move`, traveler.cookie, {
              departure: String(to),
            }).catch(() => undefined);
            if (m?.status === 303) moved.set(r.bookingId, to);
          }
        }
        return r;
      },
    });
    // Kill a moment after the outbox job's 10-second tick, so a send may well be under way.
    await sleep(3000);
    await sleep(10_000 - (Date.now() % 10_000) + 500);
    app.child.kill('SIGKILL');
    killed = true;
    expect((await app.exited).signal).toBe('SIGKILL');
    const results = await loadDone;

    const acked = results.filter((r) => r.bookingId !== undefined);
    const refusedOrCut = results.filter((r) => r.status === 0).length;
    // Before the kill every answer was an acknowledgement or, once a departure filled up under the
    // load, its plain "sold out" (409): no 500, no busy database reaching a person.
    expect(results.filter((r) => r.status !== 0 && r.status !== 303 && r.status !== 409)).toEqual([]);
    expect(acked.length).toBeGreaterThan(20);

    // The file as the killed process left it.
    expect(integrityCheck(app.dataDir)).toBe('ok');
    const mid = openAppDb(app.dataDir);
    const midSend = (await mid.db.selectFrom('outbox').select('id').where('status', '=', 'sending').execute()).map(
      (r) => r.id,
    );
    await timePassesForTheOutbox(mid.db);
    await mid.close();

    again = await startApp({ ...env, DATA_DIR: app.dataDir });
    const { db, close } = openAppDb(app.dataDir);
    try {
      expect(integrityCheck(app.dataDir)).toBe('ok');
      const rows = await db
        .selectFrom('bookings')
        .select(['id', 'user_id', 'departure_id', 'guests', 'status', 'payment_status'])
        .where(
          'id',
          'in',
          acked.map((r) => r.bookingId!),
        )
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const r of acked) {
        const row = byId.get(r.bookingId!);
        expect(row).toMatchObject({ user_id: r.travelerId, guests: r.guests });
        // An acknowledged move is there; one cut by the kill left the booking on one of the two.
        const where = moved.get(r.bookingId!) ?? r.departureId;
        const either = moveSent.has(r.bookingId!) ? [r.departureId, moveSent.get(r.bookingId!)] : [where];
        expect(either).toContain(row!.departure_id);
      }
      const moveRows = await db.selectFrom('booking_moves').select(['booking_id', 'to_departure_id']).execute();
      for (const [id, to] of moved) expect(moveRows).toContainEqual({ booking_id: id, to_departure_id: to });
      for (const m of moveRows) expect(byId.get(m.booking_id)?.departure_id).toBe(m.to_departure_id);
      for (const id of paid) expect(byId.get(id)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
      const paidRows = await db
        .selectFrom('payments')
        .select(['booking_id', 'status'])
        .where('status', '=', 'paid')
        .execute();
      expect(paidRows.filter((p) => paid.includes(p.booking_id!)).length).toBe(paid.length);
      expect(await seatsThatDoNotAddUp(db)).toEqual([]);

      await drainOutbox(again.url, s.admin.cookie, db);
      const email = await db.selectFrom('outbox').select(['id', 'status']).where('channel', '=', 'email').execute();
      expect(email.length).toBeGreaterThanOrEqual(acked.length);
      expect(email.filter((m) => m.status !== 'sent')).toEqual([]);

      // Every email row reached the receiver; a second copy only of one that was mid-send, with the same Message-ID.
      const host = new URL(again.url).hostname;
      const received = new Map<string, number>();
      for (const m of smtp.messages) received.set(m.messageId ?? '', (received.get(m.messageId ?? '') ?? 0) + 1);
      for (const m of email)
        expect(received.get(`<outbox-${m.id}@${host}>`), `outbox ${m.id}`).toBeGreaterThanOrEqual(1);
      const twice = [...received].filter(([, n]) => n > 1).map(([id]) => id);
      expect(twice.filter((id) => !midSend.some((m) => id === `<outbox-${m}@${host}>`))).toEqual([]);
      expect([...received.keys()].filter((id) => !/^<outbox-\d+@/.test(id))).toEqual([]);

      const p95 = percentile(
        acked.map((r) => r.ms),
        95,
      );
      console.log(
        `kill -9: ${acked.length} bookings acknowledged (${paid.length} paid, ${moved.size} moved), ${refusedOrCut} cut or refused at the kill; ` +
          `booking p95 ${p95.toFixed(0)} ms; ${email.length} emails, ${midSend.length} mid-send at the kill, ${twice.length} received twice`,
      );
    } finally {
      await close();
      await stopApp(again);
    }
  }, 120_000);
});
