/**
 * Trips bench: 100,000 trips with 300,000 departures in a scratch database, then
 *  - server-side p50/p95 of the real search (searchTrips: query, count, page, cards),
 *  - EXPLAIN QUERY PLAN of the listing (no full scan of departures or trips),
 *  - requests/s of /trips?q=… against /healthz (autocannon, in-process, 127.0.0.1),
 *  - bytes of a cold /trips visit (compressed HTML + CSS + JS) and of an htmx result swap.
 * `npx tsx bench/trips.ts` runs it alone; bench/run.ts imports benchTrips().
 */
import { createGateway } from '../src/payments/gateway.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { sql } from 'kysely';
import { signedIn } from '../test/support/factories.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db.js';
import type { Deps } from '../src/deps.js';
import { loadAssets } from '../src/lib/assets.js';
import { searchTrips } from '../src/trips/discovery.js';
import { SearchQuery } from '../src/trips/schemas.js';
import { searchSql, type SearchFilters, type SearchPlan } from '../src/trips/queries/discovery.js';
import type { Sort } from '../src/trips/catalog.js';
import { createRequire } from 'node:module';
import { generateTrips } from './generate.js';

/** autocannon ships no types; this is the part we use. */
type Autocannon = (o: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: { setupRequest: (r: { path: string }) => { path: string } }[];
}) => Promise<{ non2xx: number; errors: number; requests: { average: number } }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface BenchLine {
  label: string;
  value: string;
  budget: string;
  pass: boolean;
  /** The figure the budget is about, for bench/run.ts's table (trips.bench.ts). */
  metric?: { value: number; unit: 'KB' | 'ms' | 'req/s' | '%' | ''; max?: number; min?: number };
}

const TODAY = '2026-11-25';
const clock = { now: () => new Date(`${TODAY}T06:30:00Z`) };

const SEARCHES: [string, Record<string, string>][] = [
  ['browse, soonest', {}],
  ['q=kedarkantha', { q: 'kedarkantha' }],
  ['q=valley + region + seats', { q: 'valley', region: 'Uttarakhand', seats: '1' }],
  ['q=trek + max price, price ↑', { q: 'trek', max: '15000', sort: 'price_asc' }],
  [
    'region + difficulty + dates',
    { region: 'Himachal Pradesh', difficulty: 'beginner', from: '2026-12-25', to: '2027-02-23' },
  ],
  ['category, newest, page 3', { category: 'snow', sort: 'newest', page: '3' }],
  ['q=roopkund lake + advanced', { q: 'roopkund lake', difficulty: 'advanced' }],
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const round = (n: number) => Math.round(n * 10) / 10;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function bytesOf(
  app: ReturnType<typeof createApp>,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ bytes: number; body: string; encoding: string | null }> {
  const res = await app.request(`http://127.0.0.1${path}`, {
    headers: { 'Accept-Encoding': 'br, gzip, deflate', ...headers },
  });
  const raw = new Uint8Array(await res.arrayBuffer());
  const encoding = res.headers.get('content-encoding');
  let body = '';
  if (!encoding) body = new TextDecoder().decode(raw);
  else {
    const { gunzipSync, brotliDecompressSync, inflateSync } = await import('node:zlib');
    body = (
      encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : inflateSync(raw)
    ).toString();
  }
  return { bytes: raw.byteLength, body, encoding };
}

async function rps(
  url: string,
  seconds: number,
  vary?: () => string,
  extraHeaders: Record<string, string> = {},
): Promise<number> {
  const r = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { 'Accept-Encoding': 'gzip', ...extraHeaders },
    ...(vary ? { requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: vary() }) }] } : {}),
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

export async function benchTrips(
  o: { trips?: number; departuresPerTrip?: number; seconds?: number; log?: (s: string) => void } = {},
): Promise<BenchLine[]> {
  const log = o.log ?? (() => {});
  const nTrips = o.trips ?? 100_000;
  const perTrip = o.departuresPerTrip ?? 3;
  const seconds = o.seconds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-trips-'));
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  const lines: BenchLine[] = [];
  try {
    await migrateToLatest(db);
    let t0 = performance.now();
    generateTrips(sqlite, { trips: nTrips, departuresPerTrip: perTrip, organizers: 2000, today: TODAY });
    sqlite.exec('analyze');
    log(
      `generated ${nTrips} trips / ${nTrips * perTrip} departures in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://127.0.0.1:3000',
    });
    const deps: Deps = {
      config,
      db,
      clock,
      log: pino({ level: 'silent' }),
      assets: loadAssets(),
      payments: createGateway(config),
    };

    // 1. The search function, server side (searchTrips; the signed-out pages go through a cache).
    const all: number[] = [];
    const allCpu: number[] = [];
    for (const [label, params] of SEARCHES) {
      const query = SearchQuery.parse(params);
      for (let i = 0; i < 5; i++) await searchTrips(deps, query);
      const times: number[] = [];
      const cpu: number[] = [];
      let total = 0;
      for (let i = 0; i < 40; i++) {
        const c0 = process.cpuUsage();
        t0 = performance.now();
        const r = await searchTrips(deps, query);
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        total = r.total;
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      all.push(...times);
      allCpu.push(...cpu);
      // CPU time is shown too: on a shared machine, wall time includes waiting for a core.
      lines.push({
        label: `search: ${label} (${total}${total === 120 ? '+' : ''} hits)`,
        value: `p50 ${ms(pct(times, 50))} · p95 ${ms(pct(times, 95))} (CPU p95 ${ms(pct(cpu, 95))})`,
        budget: '≤ 20 ms',
        pass: pct(times, 95) <= 20,
        metric: { value: round(pct(times, 95)), unit: 'ms', max: 20 },
      });
    }
    all.sort((a, b) => a - b);
    allCpu.sort((a, b) => a - b);
    lines.push({
      label: 'search: all typical searches',
      value: `p50 ${ms(pct(all, 50))} · p95 ${ms(pct(all, 95))} (CPU p95 ${ms(pct(allCpu, 95))})`,
      budget: '≤ 20 ms',
      pass: pct(all, 95) <= 20,
      metric: { value: round(pct(all, 95)), unit: 'ms', max: 20 },
    });

    // 2. Query plans: the listing walks indexes.
    const plans: [string, SearchFilters, Sort, SearchPlan][] = [
      ['listing (soonest, by date index)', { from: TODAY }, 'soonest', 'stream'],
      ['listing (text + price order)', { from: TODAY, match: '"trek"*' }, 'price_asc', 'stream'],
      ['narrow search (by trip)', { from: TODAY, match: '"kedarkantha"*', region: 'Uttarakhand' }, 'soonest', 'trips'],
    ];
    for (const [label, f, sort, plan] of plans) {
      const rows = (await sql<{ detail: string }>`explain query plan ${searchSql(f, sort, plan)}`.execute(db)).rows.map(
        (r) => r.detail,
      );
      const scans = rows.filter((d) => /^SCAN (d|e|t|departures|trips)\b/.test(d));
      const used = rows
        .filter((d) => /USING .*INDEX|INTEGER PRIMARY KEY|VIRTUAL TABLE/.test(d))
        .map((d) => d.replace(/^(SEARCH|SCAN) /, ''))
        .slice(0, 2);
      lines.push({
        label: `query plan: ${label}`,
        value: scans.length ? scans.join('; ') : used.join('; '),
        budget: 'no table scan',
        pass: scans.length === 0,
        metric: { value: scans.length, unit: '', max: 0 },
      });
    }

    // 3. Requests per second, in-process over 127.0.0.1.
    const app = createApp(deps);
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const health = await rps(`${base}/healthz`, seconds);
      const search = await rps(`${base}/trips?q=kedarkantha`, seconds);
      // Every request a different search (a random price cap), so none is answered from the cache.
      const fresh = await rps(
        `${base}/trips?q=kedarkantha`,
        seconds,
        () => `/trips?q=kedarkantha&max=${20_000 + Math.floor(Math.random() * 1_000_000)}`,
      );
      // Signed in: the search itself comes from its cache, the page is rendered every time.
      const { cookie } = await signedIn(deps, { name: 'Bench Traveler' });
      const rendered = await rps(`${base}/trips?q=kedarkantha`, seconds, undefined, { Cookie: cookie });
      const share = (n: number) => `${n.toFixed(0)} (${((100 * n) / health).toFixed(0)} % of /healthz)`;
      lines.push({
        label: 'req/s /healthz',
        value: health.toFixed(0),
        budget: '—',
        pass: true,
        metric: { value: Math.round(health), unit: 'req/s' },
      });
      lines.push({
        label: 'req/s /trips?q=kedarkantha',
        value: share(search),
        budget: '≥ 30 % of /healthz',
        pass: search >= 0.3 * health,
        metric: { value: Math.round((100 * search) / health), unit: '%', min: 30 },
      });
      lines.push({
        label: 'req/s /trips?q=kedarkantha signed in (page rendered each time)',
        value: share(rendered),
        budget: '(information)',
        pass: true,
        metric: { value: Math.round((100 * rendered) / health), unit: '%' },
      });
      lines.push({
        label: 'req/s /trips?q=kedarkantha&max=<random> (never cached)',
        value: share(fresh),
        budget: '(information)',
        pass: true,
        metric: { value: Math.round((100 * fresh) / health), unit: '%' },
      });
    } finally {
      await new Promise((r) => server.close(r));
    }

    // 4. Bytes on the wire.
    const page = await bytesOf(app, '/trips');
    const assets = [...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    let cold = page.bytes;
    for (const a of assets) cold += (await bytesOf(app, a)).bytes;
    lines.push({
      label: `cold /trips (HTML ${kb(page.bytes)} ${page.encoding ?? 'identity'} + ${assets.length} assets)`,
      value: kb(cold),
      budget: '≤ 35 KB',
      pass: cold <= 35 * 1024,
      metric: { value: round(cold / 1024), unit: 'KB', max: 35 },
    });
    const swap = await bytesOf(app, '/trips?q=trek&sort=price_asc&page=2', { 'HX-Request': 'true' });
    lines.push({
      label: `htmx result swap (${swap.encoding ?? 'identity'}, ${(swap.body.match(/<article>/g) ?? []).length} cards)`,
      value: kb(swap.bytes),
      budget: '≤ 6 KB',
      pass: swap.bytes <= 6 * 1024,
      metric: { value: round(swap.bytes / 1024), unit: 'KB', max: 6 },
    });
  } finally {
    await db.destroy();
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

export default benchTrips;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { loadavg } = await import('node:os');
  console.log(
    `load average before: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
  const lines = await benchTrips({ log: (s) => console.log(s) });
  console.log(
    `load average after: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
  const w = Math.max(...lines.map((l) => l.label.length));
  for (const l of lines)
    console.log(`${l.pass ? 'PASS' : 'FAIL'}  ${l.label.padEnd(w)}  ${l.value}  (budget ${l.budget})`);
  process.exitCode = lines.every((l) => l.pass) ? 0 : 1;
}
