import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type Sqlite from 'better-sqlite3';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db.js';
import type { Deps } from '../src/deps.js';
import { loadAssets } from '../src/lib/assets.js';
import { systemClock } from '../src/lib/clock.js';
import { istDate } from '../src/lib/time.js';
import { createSession, SESSION_COOKIE } from '../src/auth/session.js';
import { createGateway } from '../src/payments/gateway.js';
import { rng } from './generate.js';
import { percentile } from './bookings.js';
import { CHROMIUM_ACCEPT_ENCODING, kb, type Line } from './support.js';

/**
 * The dashboards (issue 16): each role's dashboard p95 server time with 5,000 users, 1,000
 * trips and 50,000 bookings (payments, UPI proofs, refunds, messages and job runs with them),
 * and its page weight on a first visit (HTML + CSS + JS, compressed as Chromium asks). Its own
 * database and app in this process, so the data set does not change the other sections'
 * figures; requests go through `app.request` (server time: routing, queries, rendering,
 * compression; no socket).
 */
const USERS = { traveler: 4_700, organizer: 280, agent: 10, admin: 10 };
const TRIPS = 1_000;
const BOOKINGS = 50_000;
const RUNS = 200;

const DAY = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** Every row straight into SQLite, in one transaction. The busiest organizer (the first) has a tenth of the trips. */
function seed(sqlite: Sqlite.Database) {
  const r = rng(16);
  const now = Date.now();
  const today = istDate(new Date(now));
  const iso = (ms: number) => new Date(ms).toISOString();
  const ids: Record<keyof typeof USERS, number[]> = { traveler: [], organizer: [], agent: [], admin: [] };
  const insUser = sqlite.prepare(
    `insert into users (email, name, phone, role, status, email_verified_at, phone_verified_at, created_at, updated_at)
     values (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
  );
  const insTrip = sqlite.prepare(
    `insert into trips (organizer_id, title, description, destination, region, price_paise, categories, difficulty, itinerary, schedule, status, created_at, updated_at)
     values (?, ?, 'A trek', 'Uttarakhand', 'Himalaya', ?, '[]', 'beginner', '', '[]', ?, ?, ?)`,
  );
  const insDep = sqlite.prepare(
    `insert into departures (trip_id, start_date, end_date, capacity, seats_taken, status) values (?, ?, ?, ?, ?, 'open')`,
  );
  const insBooking = sqlite.prepare(
    `insert into bookings (code, trip_id, departure_id, user_id, organizer_id, guests, amount_paise, status, payment_method, payment_status,
       verification_status, hold_expires_at, confirmed_at, cancelled_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insPayment = sqlite.prepare(
    `insert into payments (booking_id, method, amount_paise, status, paid_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insProof = sqlite.prepare(
    `insert into upi_proofs (booking_id, utr, screenshot_key, screenshot_width, screenshot_height, amount_paise, created_at)
     values (?, ?, 'bench', 640, 1280, ?, ?)`,
  );
  const insRefund = sqlite.prepare(
    `insert into refunds (booking_id, payment_id, amount_paise, method, status, reason, processed_at, created_at) values (?, ?, ?, ?, ?, 'cancelled', ?, ?)`,
  );
  const insOutbox = sqlite.prepare(
    `insert into outbox (channel, recipient, template, payload, status, attempts, next_attempt_at, created_at) values ('email', 'x@example.test', 't', '{}', ?, 0, ?, ?)`,
  );
  const insRun = sqlite.prepare(
    `insert into job_runs (name, started_at, finished_at, outcome, detail) values (?, ?, ?, ?, ?)`,
  );
  const departures: { id: number; trip: number; organizer: number; price: number; start: string }[] = [];
  sqlite.transaction(() => {
    let n = 0;
    for (const role of Object.keys(USERS) as (keyof typeof USERS)[])
      for (let i = 0; i < USERS[role]; i++) {
        n++;
        const at = iso(now - Math.floor(r() * 500) * DAY);
        ids[role].push(
          Number(
            insUser.run(
              `${role}${i}@bench.test`,
              `${role} ${i}`,
              `+9197${String(n).padStart(8, '0')}`,
              role,
              at,
              at,
              at,
              at,
            ).lastInsertRowid,
          ),
        );
      }
    for (let i = 0; i < TRIPS; i++) {
      const organizer = i < TRIPS / 10 ? ids.organizer[0] : ids.organizer[1 + Math.floor(r() * (USERS.organizer - 1))];
      const price = (3000 + Math.floor(r() * 200) * 100) * 100;
      const at = iso(now - Math.floor(r() * 400) * DAY);
      const trip = Number(
        insTrip.run(organizer, `Trek ${i}`, price, r() < 0.9 ? 'active' : 'draft', at, at).lastInsertRowid,
      );
      for (const offset of [-60 - Math.floor(r() * 200), 1 + Math.floor(r() * 30), 30 + Math.floor(r() * 200)]) {
        const start = addDays(today, offset);
        const cap = 10 + Math.floor(r() * 20);
        const id = Number(insDep.run(trip, start, addDays(start, 4), cap, Math.floor(r() * cap)).lastInsertRowid);
        departures.push({ id, trip, organizer, price, start });
      }
    }
    for (let i = 0; i < BOOKINGS; i++) {
      const d = departures[Math.floor(r() * departures.length)];
      const traveler = ids.traveler[Math.floor(r() * ids.traveler.length)];
      const guests = 1 + Math.floor(r() * 3);
      const amount = d.price * guests;
      const created = now - Math.floor(r() * 400 * DAY);
      const x = r();
      const status = x < 0.6 ? 'confirmed' : x < 0.75 ? 'completed' : x < 0.9 ? 'cancelled' : 'pending';
      const upi = r() < 0.4;
      const pendingProof = status === 'pending' && upi && r() < 0.5;
      const id = Number(
        insBooking.run(
          `TT-B${i}`,
          d.trip,
          d.id,
          traveler,
          d.organizer,
          guests,
          amount,
          status,
          status === 'pending' ? (upi ? 'upi' : null) : upi ? 'upi' : 'online',
          status === 'confirmed' || status === 'completed' ? 'paid' : status === 'cancelled' ? 'refunded' : 'pending',
          upi ? (pendingProof ? 'pending' : status === 'pending' ? null : 'verified') : null,
          status === 'pending' ? iso(now + (r() < 0.5 ? -1 : 1) * Math.floor(r() * 48) * 3_600_000) : null,
          status === 'pending' ? null : iso(created + 3_600_000),
          status === 'cancelled' ? iso(created + 2 * DAY) : null,
          iso(created),
          iso(created),
        ).lastInsertRowid,
      );
      if (pendingProof) insProof.run(id, String(100000000000 + i), amount, iso(created + 600_000));
      if (status !== 'pending') {
        const paidAt = iso(created + 3_600_000);
        const payment = Number(
          insPayment.run(
            id,
            upi ? 'upi' : 'razorpay',
            amount,
            status === 'cancelled' ? 'refunded' : 'paid',
            paidAt,
            paidAt,
            paidAt,
          ).lastInsertRowid,
        );
        if (status === 'cancelled') {
          const done = r() < 0.8;
          insRefund.run(
            id,
            payment,
            Math.round(amount / 2),
            upi ? 'manual' : 'razorpay',
            done ? 'processed' : upi ? 'pending' : 'failed',
            done ? iso(created + 3 * DAY) : null,
            iso(created + 2 * DAY),
          );
        }
      }
    }
    for (let i = 0; i < 2_000; i++) {
      const at = iso(now - Math.floor(r() * 30 * DAY));
      insOutbox.run(i < 1_900 ? 'sent' : i < 1_980 ? 'pending' : 'failed', at, at);
    }
    for (let i = 0; i < 300; i++) {
      const at = iso(now - i * 3_600_000);
      insRun.run(
        ['expire-holds', 'send-reminders', 'deliver-outbox'][i % 3],
        at,
        at,
        i % 17 === 0 ? 'failed' : 'ok',
        null,
      );
    }
  })();
  return { ids };
}

function busiest(sqlite: Sqlite.Database, column: 'user_id' | 'organizer_id'): number {
  return (
    sqlite.prepare(`select ${column} as id from bookings group by ${column} order by count(*) desc limit 1`).get() as {
      id: number;
    }
  ).id;
}

export default async function dashboards(): Promise<Line[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tt-bench-dash-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    ALLOW_HTTP: 'on',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'info',
  });
  const { db, sqlite } = openDatabase(join(dataDir, 'trektribe.db'));
  try {
    await migrateToLatest(db);
    const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
    const deps: Deps = { config, db, clock: systemClock, log, assets: loadAssets(), payments: createGateway(config) };
    const app = createApp(deps);
    const t0 = performance.now();
    const { ids } = seed(sqlite);
    const seedMs = Math.round(performance.now() - t0);
    const who = {
      organizer: busiest(sqlite, 'organizer_id'),
      traveler: busiest(sqlite, 'user_id'),
      agent: ids.agent[0],
      admin: ids.admin[0],
    };
    const counts = sqlite
      .prepare(`select (select count(*) from bookings) b, (select count(*) from bookings where organizer_id = ?) o`)
      .get(who.organizer) as { b: number; o: number };
    const headers = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING };
    const lines: Line[] = [];
    const get = async (path: string, cookie?: string) => {
      const res = await app.request(`http://127.0.0.1:3000${path}`, {
        headers: cookie ? { ...headers, Cookie: cookie } : headers,
      });
      const body = Buffer.from(await res.arrayBuffer());
      let headerBytes = `HTTP/1.1 ${res.status} OK\r\n`.length + 2;
      res.headers.forEach((v, k) => (headerBytes += `${k}: ${v}\r\n`.length));
      return { res, bytes: body.length + headerBytes, body };
    };
    for (const role of ['organizer', 'traveler', 'agent', 'admin'] as const) {
      const { token } = await createSession(db, systemClock, who[role]);
      const cookie = `${SESSION_COOKIE}=${token}`;
      const path = role === 'agent' ? '/dashboard/agent?q=traveler%2012' : `/dashboard/${role}`;
      const first = await get(path, cookie);
      if (first.res.status !== 200) throw new Error(`${path}: ${first.res.status}`);
      const plain = await app.request(`http://127.0.0.1:3000${path}`, { headers: { Cookie: cookie } });
      const html = await plain.text();
      const assets = [
        ...[...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
        ...[...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) => m[1]),
      ];
      let cold = first.bytes;
      for (const a of assets) cold += (await get(a)).bytes;
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await get(path, cookie);
        times.push(performance.now() - s);
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = Math.round(((cpu.user + cpu.system) / 1000 / RUNS) * 100) / 100;
      times.sort((a, b) => a - b);
      const p = (q: number) => Math.round(percentile(times, q) * 100) / 100;
      lines.push({
        measure: `${path} p95 server time`,
        value: p(95),
        unit: 'ms',
        budget: { max: 50 },
        note: `p50 ${p(50)} ms, ${cpuMs} CPU ms a request (this process, all threads), ${RUNS} requests${role === 'organizer' ? `; the busiest organizer: ${counts.o} of ${counts.b} bookings` : ''}`,
      });
      lines.push({
        measure: `${path} cold first visit (HTML+CSS+JS)`,
        value: kb(cold),
        unit: 'KB',
        budget: { max: 35 },
        note: `HTML ${kb(first.bytes)} KB ${first.res.headers.get('content-encoding') ?? 'identity'}, ${kb(Buffer.byteLength(html))} KB uncompressed`,
      });
      if (role === 'organizer') {
        let largest = { name: '', bytes: 0 };
        for (const name of [
          'trips',
          'departures',
          'newBookings',
          'verifications',
          'refunds',
          'earnings',
          'subscription',
          'alerts',
        ]) {
          const w = await get(`/dashboard/organizer/${name}`, cookie);
          if (w.bytes > largest.bytes) largest = { name, bytes: w.bytes };
        }
        lines.push({
          measure: 'largest organizer widget alone (compressed, with headers)',
          value: largest.bytes,
          unit: 'B',
          note: `/dashboard/organizer/${largest.name}`,
        });
      }
    }
    lines.push({
      measure: 'load average while measured (1 min)',
      value: Math.round(loadavg()[0] * 10) / 10,
      unit: '',
      note: `${cpus().length} cores: wall times above include waiting for a core`,
    });
    lines.push({
      measure: 'data set seeded in',
      value: seedMs,
      unit: 'ms',
      note: `5,000 users, ${TRIPS} trips, ${counts.b} bookings`,
    });
    return lines;
  } finally {
    await db.destroy();
    if (sqlite.open) sqlite.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
