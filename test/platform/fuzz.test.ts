import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { fieldNames } from '../support/schemas.js';
import type { RouteAccess, Who } from '../access/types.js';

/**
 * Hostile input on every route: fast-check drives each GET and POST route the app registers
 * (the role × route tables in test/access/ say who may use it and give a URL), as someone
 * allowed to use it, with huge and infinite numbers, 100 KB strings, NUL bytes, repeated keys,
 * impossible dates, other people's ids, wrong content types and broken multipart bodies. No
 * answer is a 500 or shows a library's error text, and a refused request (4xx) changes no row.
 */
const tables = import.meta.glob<Record<string, unknown>>(
  ['../access/*.ts', '!../access/types.ts', '!../access/matrix.test.ts'],
  { eager: true },
);
const entries: RouteAccess[] = Object.values(tables).flatMap(
  (mod) => Object.values(mod).filter(Array.isArray).flat() as RouteAccess[],
);
const key = (method: string, path: string) => `${method} ${path}`;

/** An endless SSE stream: nothing to fuzz, and it never ends. */
const SKIP = new Set([key('GET', '/events')]);
/** Tables a refused request may still write, by design. */
const WRITTEN_WHEN_REFUSED = new Set([
  // Rate limits count attempts, refused ones included (that is their point).
  'rate_limits',
]);

const LIBRARY_TEXT =
  /ZodError|"success":\s*false|Failed to parse|Malformed|RangeError|TypeError|SqliteError|at \S+ \(\S+:\d+:\d+\)/;
const RUNS_PER_ROUTE = 8;

let t: TestApp;
let rzp: FakeRazorpayServer;
let users: Record<Exclude<Who, 'anon'>, number>;
let ids: number[];

beforeAll(async () => {
  // A form limit above 100 KB, so the long strings reach the forms instead of the body limit;
  // a Razorpay that answers, so paying online is fuzzed past the order (not a 503 for a gateway away).
  rzp = await startFakeRazorpay();
  t = await makeTestApp({ FORM_LIMIT_KB: '512', ...rzp.env });
  t.clock.set('2026-12-07T06:00:00.000Z');
  const organizer = await createUser(t.deps, { role: 'organizer' });
  users = {
    traveler: await createUser(t.deps, { role: 'traveler' }),
    organizer,
    agent: await createUser(t.deps, { role: 'agent' }),
    admin: await createUser(t.deps, { role: 'admin' }),
  };
  const trip = await makeTrip(t.deps, { organizerId: organizer });
  const other = await makeTrip(t.deps);
  const someoneElse = await createUser(t.deps, { role: 'traveler' });
  const own = await makeBooking(t.deps, { trip, userId: users.traveler });
  const theirs = await makeBooking(t.deps, { trip: other, userId: someoneElse });
  // Real ids of the actor's own things and of other people's, and one that does not exist.
  ids = [trip.tripId, trip.departureId, other.tripId, own, theirs, someoneElse, users.traveler, 999999];
});
afterAll(async () => {
  await t.close();
  await rzp.stop();
});

async function rowCounts(): Promise<Record<string, number>> {
  const names = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%_fts%'`.execute(
    t.db,
  );
  const out: Record<string, number> = {};
  for (const { name } of names.rows) {
    if (WRITTEN_WHEN_REFUSED.has(name)) continue;
    out[name] = Number(
      (await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(t.db)).rows[0].n,
    );
  }
  return out;
}

const HUGE = 'x'.repeat(100 * 1024);
const hostileText = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '1e308',
    '-1e308',
    'Infinity',
    'NaN',
    '-1',
    '0',
    '1.5',
    '0x1f',
    '2027-13-01',
    '2027-02-30',
    '0000-00-00',
    '',
    ' ',
    'a\u0000b',
    '\u0000',
    '%00',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../etc/passwd',
    '[]',
    '{}',
    'true',
    '😀'.repeat(50),
  ),
  fc.constant(HUGE),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.string({ maxLength: 30 }),
);

type Encoding = 'urlencoded' | 'multipart' | 'multipart-no-boundary' | 'multipart-truncated' | 'json' | 'text' | 'none';
const BOUNDARY = '----fuzzboundary';

function bodyOf(pairs: [string, string][], encoding: Encoding): { body?: BodyInit; headers: Record<string, string> } {
  const urlencoded = new URLSearchParams(pairs).toString();
  const multipart = pairs
    .map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
  switch (encoding) {
    case 'urlencoded':
      return { body: urlencoded, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    case 'multipart':
      return {
        body: `${multipart}--${BOUNDARY}--\r\n`,
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      };
    case 'multipart-no-boundary':
      return { body: `${multipart}--${BOUNDARY}--\r\n`, headers: { 'Content-Type': 'multipart/form-data' } };
    case 'multipart-truncated':
      return {
        body: `${multipart}--${BOUNDARY}\r\nContent-Disposition: form-da`,
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
      };
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(pairs)), headers: { 'Content-Type': 'application/json' } };
    case 'text':
      return { body: urlencoded, headers: { 'Content-Type': 'text/plain' } };
    case 'none':
      return { body: urlencoded, headers: {} };
  }
}

/** Who uses the route in the fuzz: a visitor where everyone may, else the first role let in. */
function actorOf(e: RouteAccess): Who {
  if (e.allowed === 'all') return 'anon';
  return (
    (['traveler', 'organizer', 'agent', 'admin'] as const).find((w) => (e.allowed as Who[]).includes(w)) ?? 'admin'
  );
}

describe('hostile input on every form and query route', () => {
  it('the routes fuzzed are every GET and POST route the app registers', () => {
    const listed = new Set(entries.map((e) => key(e.method, e.path)));
    const registered = t.app.routes
      .filter((r) => r.method === 'GET' || r.method === 'POST')
      .map((r) => key(r.method, r.path));
    expect(registered.filter((r) => !listed.has(r))).toEqual([]);
    expect(registered.filter((r) => r.startsWith('POST')).length).toBeGreaterThan(40);
  });

  it('never answers 500, never shows a library error, and a refused request changes no row', async () => {
    const names = [...fieldNames(), 'departures[0][start_date]', 'outcome', 'intent', 'images'];
    const problems: string[] = [];
    const seen = new Set<string>();
    const statuses = new Map<string, number[]>();
    for (const e of entries) {
      const k = key(e.method, e.path);
      if (SKIP.has(k) || seen.has(k)) continue;
      seen.add(k);
      const who = actorOf(e);
      const sample = e.sample ?? e.path;
      const request = fc.record({
        pathIds: fc.array(fc.constantFrom(...ids), { minLength: 4, maxLength: 4 }),
        pairs: fc.array(fc.tuple(fc.constantFrom(...names), hostileText), { maxLength: 6 }),
        encoding: fc.constantFrom<Encoding>(
          'urlencoded',
          'urlencoded',
          'multipart',
          'multipart-no-boundary',
          'multipart-truncated',
          'json',
          'text',
          'none',
        ),
      });
      try {
        await fc.assert(
          fc.asyncProperty(request, async ({ pathIds, pairs, encoding }) => {
            let n = 0;
            const url = sample.replace(/999999/g, () => String(pathIds[n++ % pathIds.length]));
            // A session made for this request: a route may sign its user out.
            const cookie = who === 'anon' ? undefined : await sessionCookie(t.deps, users[who]);
            const before = await rowCounts();
            let res: Response;
            if (e.method === 'GET') {
              const q = new URLSearchParams(pairs).toString();
              res = await t.request(q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url, { cookie });
            } else {
              const { body, headers } = bodyOf(pairs, encoding);
              res = await t.request(url, { method: 'POST', body, headers, cookie });
            }
            const text = await res.text();
            statuses.set(k, [...(statuses.get(k) ?? []), res.status]);
            const label = `${who} ${e.method} ${url} [${encoding}] ${JSON.stringify(pairs.map(([a, b]) => [a, b.slice(0, 40)]))} → ${res.status}`;
            expect(res.status, label).not.toBe(500);
            expect(res.status, label).toBeLessThan(500);
            expect(text.match(LIBRARY_TEXT)?.[0], label).toBeUndefined();
            if (res.status >= 400) expect(await rowCounts(), label).toEqual(before);
          }),
          // A fixed seed of its own per route: each route gets different requests, the same on every run.
          { numRuns: RUNS_PER_ROUTE, seed: 28_000 + seen.size, endOnFailure: true },
        );
      } catch (err) {
        const cause = (err as Error).cause as Error | undefined;
        problems.push(
          `${k}: ${String(cause?.message ?? (err as Error).message)
            .split('\n')[0]
            .slice(0, 600)}`,
        );
      }
    }
    expect(problems).toEqual([]);
    // The fuzz reached the forms, not only the doors: many routes showed a form again with messages.
    const formsRefused = [...statuses].filter(([, s]) => s.includes(422)).map(([k]) => k);
    expect(formsRefused.length, formsRefused.join(', ')).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
