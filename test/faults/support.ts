import Database from 'better-sqlite3';
import { createServer, Socket, type Server } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase, type DB } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { signedIn, addDeparture, makeTrip, liftSeatCaps } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { spawnServer, type ServerProcess } from '../platform/server-process.js';

/** Every loop here stops at whichever comes first, its count or its time. */
export const deadlineAfter = (ms: number) => {
  const end = Date.now() + ms;
  return () => Date.now() > end;
};
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server process on `dataDir` (a fresh one when none), started and answering. */
export async function startApp(env: Record<string, string> = {}): Promise<ServerProcess> {
  const p = await spawnServer({ LOG_LEVEL: 'warn', ...env });
  try {
    await p.ready();
  } catch (e) {
    p.child.kill('SIGKILL');
    throw e;
  }
  return p;
}

export async function stopApp(p: ServerProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await p.exited;
  clearTimeout(timer);
}

export const dbFile = (dataDir: string) => join(dataDir, 'trektribe.db');

/** The test's own connection to the server's database file (WAL: both work at once). */
export function openAppDb(dataDir: string): {
  db: DB;
  deps: { db: DB; clock: typeof systemClock };
  close(): Promise<void>;
} {
  const { db, sqlite } = openDatabase(dbFile(dataDir));
  return {
    db,
    deps: { db, clock: systemClock },
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

export const quietLog = pino({ level: 'silent' });

export interface Seeded {
  tripId: number;
  organizerId: number;
  departureIds: number[];
  travelers: { id: number; cookie: string; email: string }[];
  admin: { id: number; cookie: string };
}

/** One trip (₹4,500 a seat) with departures of `capacity` seats from next year, travelers signed in, an admin. */
export async function seed(
  deps: { db: DB; clock: typeof systemClock },
  o: { departures: number; capacity: number; travelers: number },
): Promise<Seeded> {
  // A steady load from a few travelers: their caps on unpaid seats are lifted (the checks still run).
  await liftSeatCaps(deps);
  const year = new Date().getUTCFullYear() + 1;
  const trip = await makeTrip(deps, { pricePaise: 450_000, capacity: o.capacity, start: `${year}-03-10` });
  const departureIds = [trip.departureId];
  for (let i = 1; i < o.departures; i++)
    departureIds.push(
      await addDeparture(deps, trip.tripId, {
        capacity: o.capacity,
        start: `${year}-${String(4 + (i % 8)).padStart(2, '0')}-${String(1 + Math.floor(i / 8)).padStart(2, '0')}`,
      }),
    );
  const travelers = [];
  for (let i = 0; i < o.travelers; i++) {
    const email = `fault-traveler-${i}-${Math.random().toString(36).slice(2, 8)}@example.test`;
    travelers.push({ ...(await signedIn(deps, { role: 'traveler', email })), email });
  }
  const admin = await signedIn(deps, { role: 'admin' });
  return { tripId: trip.tripId, organizerId: trip.organizerId, departureIds, travelers, admin };
}

const formBody = (f: Record<string, string | string[]>) => {
  const b = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) for (const one of [v].flat()) b.append(k, one);
  return b;
};

/** A form POST as a browser sends it (Origin of the server, its cookie), redirects not followed. */
export async function post(url: string, path: string, cookie: string, form: Record<string, string | string[]> = {}) {
  const t0 = performance.now();
  const res = await fetch(url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formBody(form),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location') ?? '', text, ms: performance.now() - t0 };
}

export interface BookingResult {
  /** HTTP status, or 0 when the request failed (connection refused or cut by a kill). */
  status: number;
  ms: number;
  bookingId?: number;
  departureId: number;
  guests: number;
  travelerId: number;
  text?: string;
}

/** Books `guests` seats on a departure; a 303 to /bookings/<id>/pay is the acknowledgement. */
export async function book(
  url: string,
  s: Seeded,
  traveler: Seeded['travelers'][number],
  departureId: number,
  guests: number,
): Promise<BookingResult> {
  const t0 = performance.now();
  try {
    const r = await post(url, `/trips/${s.tripId}/book`, traveler.cookie, bookingForm(departureId, guests));
    const id = /^\/bookings\/(\d+)\/pay$/.exec(r.location)?.[1];
    return {
      status: r.status,
      ms: r.ms,
      bookingId: r.status === 303 && id ? Number(id) : undefined,
      departureId,
      guests,
      travelerId: traveler.id,
      text: r.status >= 400 ? r.text : undefined,
    };
  } catch {
    return { status: 0, ms: performance.now() - t0, departureId, guests, travelerId: traveler.id };
  }
}

/**
 * Closed-loop load: `clients` workers, each sending the next request as soon as its last one
 * is answered, until `stop()` is true, `maxRequests` have been sent, or `maxMs` have passed.
 */
export async function load<T>(o: {
  clients: number;
  maxRequests: number;
  maxMs: number;
  stop?: () => boolean;
  /** A pause after each answer (a steady rate rather than as fast as the server goes). */
  pauseMs?: number;
  one: (n: number) => Promise<T>;
}): Promise<T[]> {
  const results: T[] = [];
  const over = deadlineAfter(o.maxMs);
  let sent = 0;
  const worker = async () => {
    while (sent < o.maxRequests && !over() && !o.stop?.()) {
      const n = sent++;
      results.push(await o.one(n));
      if (o.pauseMs) await sleep(o.pauseMs);
    }
  };
  await Promise.all(Array.from({ length: o.clients }, worker));
  return results;
}

export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** `PRAGMA integrity_check` of the file, by a connection of its own. */
export function integrityCheck(dataDir: string): string {
  const sqlite = new Database(dbFile(dataDir), { readonly: true });
  try {
    return (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    sqlite.close();
  }
}

export { seatsThatDoNotAddUp } from '../support/seats.js';

export type ProxyMode = 'up' | 'refused' | 'hanging' | 'http-503';

/**
 * A provider's address on 127.0.0.1 that the test can break: `up` passes every connection to
 * the real stand-in; `refused` stops listening (connection refused); `hanging` accepts and never
 * answers; `http-503` answers every HTTP request with a 503. Each change drops the connections
 * already open, as a provider's restart does. The port stays the same throughout.
 */
export interface FaultProxy {
  url: string;
  port: number;
  mode: ProxyMode;
  set(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

export async function faultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const open = new Set<Socket>();
  let mode: ProxyMode = 'up';
  let server: Server | null = null;
  let port = 0;

  const onConnection = (client: Socket) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (mode === 'hanging') return;
    if (mode === 'http-503') {
      let head = '';
      client.on('data', (d) => {
        head += String(d);
        if (!head.includes('\r\n\r\n')) return;
        head = '';
        const body = JSON.stringify({
          error: { code: 'SERVER_ERROR', description: 'The server is down' },
          code: 20500,
          message: 'Service unavailable',
          status: 503,
        });
        client.write(
          `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        client.end();
      });
      return;
    }
    const upstream = new Socket();
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.connect(target.port, target.host ?? '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  const unlisten = async () => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };

  await listen();
  const proxy: FaultProxy = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    async set(next) {
      mode = next;
      dropAll();
      if (next === 'refused') await unlisten();
      else if (!server) await listen();
    },
    async close() {
      dropAll();
      await unlisten();
    },
  };
  return proxy;
}

type FakeRzp = {
  fake: {
    orders: Map<string, { id: string; notes: Record<string, string> }>;
    pay(orderId: string): { payment: { id: string }; signature: string };
  };
};

export interface Payment {
  bookingId: number;
  /** How far it got: no order yet, paid at Razorpay but the app has not taken the return, or done. */
  step: 'order' | 'verify' | 'done';
  status: number;
  ms: number;
  /** Once Razorpay took the money: what Checkout hands back, to send again (never pay again). */
  back?: { razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string };
  text?: string;
}

/**
 * Pays a held booking online as a traveler does: the pay button (the app asks Razorpay for an
 * order), Checkout (the fake takes the money), the return to the app (signature checked).
 * Given an earlier attempt that got as far as Razorpay taking the money, only the return is sent again.
 */
export async function payOnline(
  url: string,
  rzp: FakeRzp,
  cookie: string,
  bookingId: number,
  earlier?: Payment,
): Promise<Payment> {
  const t0 = performance.now();
  let back = earlier?.back;
  try {
    if (!back) {
      const start = await post(url, `/bookings/${bookingId}/pay/online`, cookie);
      if (start.location !== `/bookings/${bookingId}/checkout`)
        return {
          bookingId,
          step: 'order',
          status: start.status,
          ms: performance.now() - t0,
          text: `${start.location} ${start.text}`,
        };
      const order = [...rzp.fake.orders.values()].findLast((o) => o.notes.booking_id === String(bookingId));
      if (!order) throw new Error(`the app redirected to checkout without an order for booking ${bookingId}`);
      const { payment, signature } = rzp.fake.pay(order.id);
      back = { razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: signature };
    }
    const done = await post(url, `/bookings/${bookingId}/pay/verify`, cookie, back);
    const ok = done.status === 303 && done.location === `/bookings/${bookingId}`;
    return {
      bookingId,
      step: ok ? 'done' : 'verify',
      status: done.status,
      ms: performance.now() - t0,
      back,
      text: ok ? undefined : done.text,
    };
  } catch (e) {
    return { bookingId, step: back ? 'verify' : 'order', status: 0, ms: performance.now() - t0, back, text: String(e) };
  }
}

/** Asks the app to run its outbox job now (the admin's "run now"), as often as needed until nothing is left to send. */
export async function drainOutbox(url: string, adminCookie: string, db: DB, maxMs = 60_000): Promise<void> {
  const over = deadlineAfter(maxMs);
  for (;;) {
    const left = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return;
    if (over()) throw new Error(`${left.n} outbox messages still unsent after ${maxMs} ms`);
    await post(url, '/admin/jobs/outbox/run', adminCookie).catch(() => {});
    await sleep(300);
  }
}

/** The back-off and the killed sender's lease are over: what would be due in a few minutes is due now. */
export async function timePassesForTheOutbox(db: DB, statuses: ('pending' | 'sending')[] = ['pending', 'sending']) {
  await db
    .updateTable('outbox')
    .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
    .where('status', 'in', statuses)
    .execute();
}
