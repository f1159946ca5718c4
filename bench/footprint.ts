/**
 * What one machine carries, for the operator's guide (docs/operating.md): the production build
 * in its own process on a fresh DATA_DIR; its RSS idle, then during and after a mixed load
 * (travelers browsing the home page, search and trip pages, booking, and reading their booking)
 * of FOOTPRINT_SECONDS (default 120) with FOOTPRINT_CLIENTS (default 20) closed-loop clients;
 * then the database's size per 10,000 bookings (file pages after a full checkpoint).
 * Alone: `npx tsx bench/footprint.ts`.
 */
import { execFileSync } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase } from '../src/db.js';
import { systemClock } from '../src/lib/clock.js';
import { addDeparture, makeTrip, signedIn, liftSeatCaps } from '../test/support/factories.js';
import { bookingForm } from '../test/bookings/support.js';
import { formBody, postForm, startApp } from './bookings.js';

const SECONDS = Number(process.env.FOOTPRINT_SECONDS ?? 120);
const CLIENTS = Number(process.env.FOOTPRINT_CLIENTS ?? 20);

const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

const get = (base: string, path: string, cookie: string, agent: Agent) =>
  new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const t0 = performance.now();
    httpRequest(base + path, { agent, headers: { Cookie: cookie, 'Accept-Encoding': 'gzip, br' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    })
      .on('error', reject)
      .end();
  });

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

const dir = mkdtempSync(join(tmpdir(), 'tt-footprint-'));
const file = join(dir, 'trektribe.db');
const { db, sqlite } = openDatabase(file);
await migrateToLatest(db);
const deps = { db, clock: systemClock };
// Every client books again and again: the per-traveler caps are lifted (their checks still run).
await liftSeatCaps({ db, clock: systemClock });
const trips = [];
for (let i = 0; i < 40; i++) trips.push(await makeTrip(deps, { capacity: 500, title: `Footprint trek ${i}` }));
const departures = trips.map((t) => ({ tripId: t.tripId, departureId: t.departureId }));
for (const t of trips.slice(0, 10))
  for (let m = 0; m < 5; m++)
    departures.push({
      tripId: t.tripId,
      departureId: await addDeparture(deps, t.tripId, {
        capacity: 500,
        start: `2027-${String(3 + m).padStart(2, '0')}-10`,
      }),
    });
const travelers = await Promise.all(Array.from({ length: CLIENTS }, async () => (await signedIn(deps)).cookie));

const root = join(import.meta.dirname, '..');
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
const app = await startApp(root, dir);
const pid = app.pid;
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
await new Promise((r) => setTimeout(r, 5000));
const idle = rssMb(pid);

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
const times: Record<string, number[]> = { page: [], book: [] };
let peak = idle;
let bookings = 0;
let bad = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 500);
const bookingsBefore = Number((sqlite.prepare('select count(*) n from bookings').get() as { n: number }).n);
const pagesBefore = Number(sqlite.pragma('page_count', { simple: true }));
const end = Date.now() + SECONDS * 1000;
await Promise.all(
  travelers.map(async (cookie, c) => {
    for (let i = 0; Date.now() < end; i++) {
      const d = departures[(c * 7 + i) % departures.length];
      for (const path of ['/', '/trips?q=Footprint', `/trips/${d.tripId}`]) {
        const r = await get(app.base, path, cookie, agent);
        times.page.push(r.ms);
        if (r.status !== 200) bad++;
      }
      const b = await postForm(
        app.base,
        `/trips/${d.tripId}/book`,
        formBody(bookingForm(d.departureId, 1)),
        cookie,
        agent,
      );
      times.book.push(b.ms);
      if (b.status !== 303) bad++;
      else {
        bookings++;
        const r = await get(app.base, b.location.replace(/\/pay$/, ''), cookie, agent);
        times.page.push(r.ms);
      }
    }
  }),
);
clearInterval(sampler);
await new Promise((r) => setTimeout(r, 5000));
const after = rssMb(pid);
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const made = Number((sqlite.prepare('select count(*) n from bookings').get() as { n: number }).n) - bookingsBefore;
const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
const grown = (Number(sqlite.pragma('page_count', { simple: true })) - pagesBefore) * pageSize;
await app.close();
await db.destroy();
rmSync(dir, { recursive: true, force: true });

const requests = times.page.length + times.book.length;
console.log(`footprint: ${CLIENTS} clients for ${SECONDS} s`);
console.log(`  RSS idle after start: ${idle} MB`);
console.log(`  RSS peak during the load: ${peak} MB; 5 s after it: ${after} MB`);
console.log(
  `  served ${requests} requests (${Math.round(requests / SECONDS)}/s), ${bookings} bookings (${(bookings / SECONDS).toFixed(1)}/s), ${bad} not ok`,
);
console.log(`  p95: pages ${p95(times.page).toFixed(1)} ms, booking ${p95(times.book).toFixed(1)} ms`);
console.log(
  `  database growth: ${(grown / 1024 / 1024).toFixed(1)} MB for ${made} bookings = ${(((grown / made) * 10_000) / 1024 / 1024).toFixed(1)} MB per 10,000 bookings (with their participants, messages, audit rows and live events)`,
);
