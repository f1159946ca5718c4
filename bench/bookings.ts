/**
 * Bookings budgets (issue "Bookings and traveler payments"):
 *  - 500 concurrent attempts on 10 seats → exactly 10 held, 0 errors
 *  - booking creation p95 ≤ 50 ms with 50 concurrent clients
 *  - the booking form and payment pages ≤ 35 KB cold (compressed HTML + CSS + JS)
 * Runs the real app over HTTP on 127.0.0.1 with a fresh SQLite file.
 * Alone: `npx tsx bench/bookings.ts`; `runBookingsBench()` for a combined bench runner.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase } from '../src/db.js';
import { systemClock } from '../src/lib/clock.js';
import { signedIn } from '../test/support/factories.js';
import { addDeparture, bookingForm, makeTrip } from '../test/bookings/support.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  budget: string;
  ok: boolean;
}

const formBody = (f: Record<string, string | string[]>) => {
  const b = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) for (const one of [v].flat()) b.append(k, one);
  return b.toString();
};

/** Bytes on the wire for one GET (body as sent, compressed if the server compressed it). */
function wireBytes(url: string, cookie?: string): Promise<{ bytes: number; body: Buffer; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { 'Accept-Encoding': 'br, gzip', ...(cookie ? { Cookie: cookie } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ bytes: chunks.reduce((s, c) => s + c.length, 0), body: Buffer.concat(chunks), encoding: String(res.headers['content-encoding'] ?? 'identity') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function coldPageWeight(base: string, path: string, cookie: string) {
  const { zlib } = { zlib: await import('node:zlib') };
  const page = await wireBytes(base + path, cookie);
  const html = page.encoding === 'br' ? zlib.brotliDecompressSync(page.body).toString() : page.encoding === 'gzip' ? zlib.gunzipSync(page.body).toString() : page.body.toString();
  const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]);
  let total = page.bytes;
  for (const a of assets) total += (await wireBytes(base + a)).bytes;
  return { total, html: page.bytes, assets: assets.length };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export async function runBookingsBench(log: (s: string) => void = console.log): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-bookings-'));
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  const deps = { db, clock: systemClock };
  // The app runs in its own process, as in production; this process only generates load.
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app process.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, '../test/bookings/serve-app.ts')], {
    env: { ...process.env, DATA_DIR: dir, NODE_ENV: 'test', PUBLIC_URL: 'http://localhost:3000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT=(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`app exited with ${code}`)));
  });
  const close = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  const results: BenchResult[] = [];
  // Latency depends on the machine being otherwise idle: say how busy it was.
  log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at start`);
  const post = (path: string, body: string, cookie: string) =>
    fetch(base + path, { method: 'POST', body, redirect: 'manual', headers: { Cookie: cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' } });

  try {
    // 1. 500 concurrent attempts on 10 seats.
    const race = await makeTrip(deps, { capacity: 10, pricePaise: 1_000_000 });
    const racers = await Promise.all(Array.from({ length: 50 }, async () => (await signedIn(deps)).cookie));
    const body = formBody(bookingForm(race.departureId, 1));
    const statuses = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        try {
          const res = await post(`/trips/${race.tripId}/book`, body, racers[i % racers.length]);
          await res.arrayBuffer();
          return res.status;
        } catch {
          return 0;
        }
      }),
    );
    const held = statuses.filter((s) => s === 303).length;
    const errors = statuses.filter((s) => s === 0 || s >= 500).length;
    const taken = (await db.selectFrom('departures').select('seats_taken').where('id', '=', race.departureId).executeTakeFirstOrThrow()).seats_taken;
    results.push({ name: 'race: seats held of 10 (500 concurrent attempts)', value: taken, unit: 'seats', budget: '= 10', ok: taken === 10 && held === 10 });
    results.push({ name: 'race: errors (5xx or connection)', value: errors, unit: 'requests', budget: '= 0', ok: errors === 0 });

    // 2. Booking creation latency, 50 concurrent clients, each booking in a loop.
    const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
    const PER_CLIENT = 30;
    const seats = await makeTrip(deps, { capacity: 500, pricePaise: 1_000_000 });
    const departures = [seats.departureId];
    for (let i = 0; i < 3; i++) departures.push(await addDeparture(deps, seats.tripId, { capacity: 500, start: `2027-0${4 + i}-10` }));
    const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => (await signedIn(deps)).cookie));
    // warm-up: JIT, statement cache
    for (let i = 0; i < 20; i++) await (await post(`/trips/${seats.tripId}/book`, formBody(bookingForm(departures[0], 1)), clients[0])).arrayBuffer();
    const times: number[] = [];
    let bad = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (cookie, c) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const dep = departures[(c + i) % departures.length];
          const t0 = performance.now();
          const res = await post(`/trips/${seats.tripId}/book`, formBody(bookingForm(dep, 1)), cookie);
          await res.arrayBuffer();
          times.push(performance.now() - t0);
          if (res.status !== 303) bad++;
        }
      }),
    );
    const wall = (performance.now() - started) / 1000;
    log(`machine: load average ${loadavg()[0].toFixed(1)} after the latency run`);
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    log(`booking creation: ${times.length} bookings by ${CLIENTS} concurrent clients in ${wall.toFixed(2)} s (${Math.round(times.length / wall)}/s); p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, non-303: ${bad}`);
    results.push({ name: 'booking creation p95 (50 concurrent clients)', value: Math.round(p95 * 10) / 10, unit: 'ms', budget: '≤ 50', ok: p95 <= 50 && bad === 0 });

    // 3. Cold page weight of the booking form, the payment page and the booking page.
    const weigher = await signedIn(deps);
    const pw = await makeTrip(deps, { capacity: 10, pricePaise: 1_000_000 });
    const made = await post(`/trips/${pw.tripId}/book`, formBody(bookingForm(pw.departureId, 2)), weigher.cookie);
    const bookingId = Number(/\/bookings\/(\d+)/.exec(made.headers.get('location') ?? '')?.[1]);
    for (const [name, path] of [
      ['booking form', `/trips/${pw.tripId}/book?departure=${pw.departureId}`],
      ['payment page', `/bookings/${bookingId}/pay`],
      ['booking page', `/bookings/${bookingId}`],
    ] as const) {
      const w = await coldPageWeight(base, path, weigher.cookie);
      log(`${name}: ${(w.total / 1024).toFixed(1)} KB cold (HTML ${(w.html / 1024).toFixed(1)} KB + ${w.assets} assets)`);
      results.push({ name: `${name} cold weight`, value: Math.round((w.total / 1024) * 10) / 10, unit: 'KB', budget: '≤ 35', ok: w.total <= 35 * 1024 });
    }
  } finally {
    await close().catch(() => undefined);
    await db.destroy();
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runBookingsBench();
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.value} ${r.unit} (budget ${r.budget})`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
