/**
 * The support desk and CRM section of `npm run bench`:
 *  - customer search p95 (the real verb, searchCustomers) over 100,000 users: name, email,
 *    phone and booking-code queries, with the EXPLAIN QUERY PLAN of the FTS5 search;
 *  - the ticket queue p95 (ticketQueue, every filter) with 50,000 tickets, and its plans;
 *  - a ticket page's cold weight (HTML + CSS + JS, compressed as Chromium negotiates) on the
 *    shared app, a thread of 12 messages.
 * Search and queue use a scratch database of their own (the shared app's stays small).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db.js';
import type { Deps } from '../src/deps.js';
import { loadAssets } from '../src/lib/assets.js';
import { createGateway } from '../src/payments/gateway.js';
import { searchCustomers, searchExpression } from '../src/crm/service.js';
import { agentStats } from '../src/support/agent-stats.js';
import { ticketQueue } from '../src/support/agent-desk.js';
import { queueQuery } from '../src/support/schemas.js';
import { queueSql } from '../src/support/queries.js';
import { createSession, SESSION_COOKIE } from '../src/auth/session.js';
import { createUser, makeBooking, makeTrip } from '../test/support/factories.js';
import { rng } from './generate.js';
import { CHROMIUM_ACCEPT_ENCODING, kb, type BenchContext, type Line, type Transfer } from './support.js';

const USERS = 100_000;
const TICKETS = 50_000;
const NOW = new Date('2026-11-25T06:30:00Z');
const clock = { now: () => NOW };

const FIRST = [
  'Asha',
  'Ravi',
  'Meera',
  'Arjun',
  'Kavya',
  'Rohan',
  'Priya',
  'Vikram',
  'Ananya',
  'Karan',
  'Divya',
  'Sanjay',
  'Neha',
  'Aditya',
  'Pooja',
  'Rahul',
  'Sneha',
  'Amit',
  'Isha',
  'Farhan',
];
const LAST = [
  'Sharma',
  'Iyer',
  'Kulkarni',
  'Reddy',
  'Nair',
  'Gupta',
  'Singh',
  'Menon',
  'Das',
  'Patel',
  'Joshi',
  'Rao',
  'Khan',
  'Bose',
  'Mehta',
  'Pillai',
  'Chopra',
  'Verma',
  'Banerjee',
  'Shetty',
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round2 = (n: number) => Math.round(n * 100) / 100;

async function timings(fns: (() => Promise<unknown>)[], rounds: number): Promise<{ p50: number; p95: number }> {
  for (const f of fns) await f();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const f of fns) {
      const t0 = process.hrtime.bigint();
      await f();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  times.sort((a, b) => a - b);
  return { p50: round2(percentile(times, 50)), p95: round2(percentile(times, 95)) };
}

/** The scratch database: 100,000 users (every tenth with a booking code to find), 50,000 tickets. */
async function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-support-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  const deps: Deps = {
    config,
    db,
    clock,
    log: pino({ level: 'silent' }),
    assets: loadAssets(),
    payments: createGateway(config),
  };
  const r = rng(17);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();
  const insertUser = sqlite.prepare(
    `insert into users (email, name, phone, role, email_verified_at, phone_verified_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const created = at(400 - (i * 400) / USERS);
      insertUser.run(
        `${first.toLowerCase()}.${last.toLowerCase()}${i}@mail${i % 7}.example`,
        `${first} ${last}`,
        `+91${String(9_000_000_000 + i * 7919).slice(0, 10)}`,
        i % 200 === 0 ? 'agent' : i % 50 === 0 ? 'organizer' : 'traveler',
        created,
        created,
        created,
        created,
      );
    }
  })();
  const trip = await makeTrip(deps, { title: 'Hampta Pass' });
  const bookingIds: number[] = [];
  for (let i = 1; i <= 2000; i++)
    bookingIds.push(await makeBooking(deps, { trip, userId: i * 37, code: `TT-B${String(i).padStart(4, '0')}` }));
  const agents = (sqlite.prepare(`select id from users where role = 'agent'`).all() as { id: number }[]).map(
    (a) => a.id,
  );
  const STATUSES = [
    'open',
    'in_progress',
    'waiting',
    'resolved',
    'resolved',
    'closed',
    'closed',
    'closed',
    'closed',
    'closed',
  ];
  const insertTicket = sqlite.prepare(
    `insert into support_tickets (customer_id, booking_id, subject, status, assignee_id, waiting_since, first_response_at,
       first_responder_id, resolved_at, closed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < TICKETS; i++) {
      const status = pick(STATUSES);
      const created = at(365 - (i * 365) / TICKETS);
      const assignee = status === 'open' && r() < 0.5 ? null : pick(agents);
      const answered = status !== 'open';
      insertTicket.run(
        1 + Math.floor(r() * USERS),
        r() < 0.1 ? pick(bookingIds) : null,
        `Question ${i} about my trek`,
        status,
        assignee,
        status === 'waiting' ? created : null,
        answered ? created : null,
        answered ? assignee : null,
        status === 'resolved' || status === 'closed' ? created : null,
        status === 'closed' ? created : null,
        created,
        created,
      );
    }
  })();
  sqlite.exec('analyze');
  return {
    deps,
    agentId: agents[0],
    close: async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The EXPLAIN QUERY PLAN details of a compiled Kysely query, one line. */
async function explain(deps: Deps, compiled: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const r = await deps.db.executeQuery<{ detail: string }>({
    sql: `explain query plan ${compiled.sql}`,
    parameters: compiled.parameters,
    query: { kind: 'SelectQueryNode' } as never,
    queryId: { queryId: 'explain' } as never,
  });
  return r.rows.map((x) => x.detail).join('; ');
}

/** The SQL ticketQueue runs for these filters (as its query string). */
function queuePlanOf(deps: Deps, agentId: number, f: Record<string, string | undefined>) {
  const p = queueQuery.parse(f);
  return queueSql(deps.db, agentId, {
    status: p.status,
    assignee: p.assignee,
    aboutBooking: p.booking === 'yes',
    createdBefore: p.age === 'any' ? null : new Date(NOW.getTime() - Number(p.age) * 86_400_000).toISOString(),
  });
}

/** A ticket with a 12-message thread on the shared app, and its customer's cookie. */
async function ticketPageCookie(ctx: BenchContext): Promise<{ path: string; cookie: string }> {
  const { deps } = ctx;
  const customer = await createUser(deps, { name: 'Asha Kulkarni' });
  const agent = await createUser(deps, { role: 'agent', name: 'Meera Iyer' });
  const now = new Date().toISOString();
  const { insertId } = await deps.db
    .insertInto('support_tickets')
    .values({
      customer_id: customer,
      booking_id: null,
      subject: 'Pickup point and what to pack for Hampta Pass',
      status: 'waiting',
      assignee_id: agent,
      waiting_since: now,
      first_response_at: now,
      first_responder_id: agent,
      resolved_at: null,
      closed_at: null,
      rating: null,
      rated_at: null,
      customer_seen_at: null,
      agent_seen_at: null,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(insertId);
  for (let i = 0; i < 12; i++)
    await deps.db
      .insertInto('support_messages')
      .values({
        ticket_id: id,
        author_id: i % 2 ? agent : customer,
        kind: 'reply',
        body: `Message ${i + 1}: where exactly is the pickup on day one, and do we need our own sleeping bags? We arrive by the overnight bus from Delhi.`,
        created_at: now,
      })
      .execute();
  const { token } = await createSession(deps.db, deps.clock, customer);
  return { path: `/support/${id}`, cookie: `${SESSION_COOKIE}=${token}` };
}

const size = (t: Transfer) => t.bodyBytes + t.headerBytes;

export default async function support(ctx: BenchContext): Promise<Line[]> {
  const s = await scratch();
  const lines: Line[] = [];
  try {
    const agent = { id: s.agentId, role: 'agent' as const };
    const SEARCHES = [
      'asha',
      'kulk',
      'Meera Iyer',
      'ravi.sharma12',
      'priya.nair4021@mail',
      '98765',
      '+91 90000',
      'TT-B0042',
      'sh',
      'ar',
    ];
    const search = await timings(
      SEARCHES.map((q) => () => searchCustomers(s.deps, agent, q)),
      30,
    );
    const match = searchExpression('asha')!;
    const searchPlan = await explain(
      s.deps,
      sql`select u.id from (select rowid as id from crm_customers_fts where crm_customers_fts match ${match} order by rowid desc limit 20) f join users u on u.id = f.id order by u.id desc`.compile(
        s.deps.db,
      ),
    );
    lines.push({
      measure: `customer search p95 (${USERS.toLocaleString('en')} users, ${SEARCHES.length} queries)`,
      value: search.p95,
      unit: 'ms',
      budget: { max: 20 },
      note: `p50 ${search.p50} ms; plan: ${searchPlan}`,
    });

    const FILTERS = [
      {},
      { status: 'open' },
      { status: 'waiting' },
      { assignee: 'unassigned' },
      { assignee: 'mine' },
      { age: '7' },
      { booking: 'yes' },
      { status: 'resolved', assignee: 'mine' },
      { status: 'all', booking: 'yes', age: '3' },
    ];
    if (process.env.BENCH_DETAIL)
      for (const f of FILTERS) {
        const one = await timings([() => ticketQueue(s.deps, agent, queueQuery.parse(f))], 10);
        console.log(JSON.stringify(f), one, await explain(s.deps, queuePlanOf(s.deps, agent.id, f)));
      }
    const queue = await timings(
      FILTERS.map((f) => () => ticketQueue(s.deps, agent, queueQuery.parse(f))),
      30,
    );
    const activePlan = await explain(
      s.deps,
      s.deps.db
        .selectFrom('support_tickets as t')
        .select('t.id')
        .where('t.active', '=', 1)
        .orderBy('t.created_at')
        .orderBy('t.id')
        .limit(51)
        .compile(),
    );
    lines.push({
      measure: `ticket queue p95 (${TICKETS.toLocaleString('en')} tickets, ${FILTERS.length} filters)`,
      value: queue.p95,
      unit: 'ms',
      budget: { max: 30 },
      note: `p50 ${queue.p50} ms; active-queue plan: ${activePlan}`,
    });
    if (process.env.BENCH_DETAIL) {
      const q = await import('../src/support/queries.js');
      console.log('counts', await timings([() => q.agentCounts(s.deps.db, '2026-11-23T00:00:00Z')], 10));
      console.log('first', await timings([() => q.firstResponses(s.deps.db, '2026-10-25T00:00:00Z')], 10));
      console.log('active', await timings([() => q.activeTicketCount(s.deps.db)], 10));
    }
    const stats = await timings([() => agentStats(s.deps, agent)], 20);
    lines.push({
      measure: `  agent stats beside the queue (${Math.floor(USERS / 200)} agents)`,
      value: stats.p95,
      unit: 'ms',
      note: `p95; p50 ${stats.p50} ms (open, resolved this week, median first reply)`,
    });
  } finally {
    await s.close();
  }

  const { path, cookie } = await ticketPageCookie(ctx);
  const headers = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING, Cookie: cookie };
  const page = await ctx.get(path, headers);
  const plain = await ctx.get(path, { Cookie: cookie, 'Accept-Encoding': 'identity' });
  const assets = [
    ...[...(plain.text ?? '').matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
    ...[...(plain.text ?? '').matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) => m[1]),
  ];
  const transfers = await Promise.all(assets.map((a) => ctx.get(a, { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING })));
  const cold = size(page) + transfers.reduce((n, t) => n + size(t), 0);
  lines.push({
    measure: 'cold ticket page /support/:id, 12 messages (HTML+CSS+JS)',
    value: kb(cold),
    unit: 'KB',
    budget: { max: 35 },
    note: `status ${page.status}; HTML ${kb(size(page))} KB ${page.headers['content-encoding'] ?? 'identity'} (${kb(plain.bodyBytes)} KB uncompressed)`,
  });
  return lines;
}
