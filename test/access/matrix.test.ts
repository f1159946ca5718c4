import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { TestApp } from '../support/app.js';
import { makeTestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import type { RouteAccess, Who } from './types.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue } from '../../src/notifications/delivery.js';

/**
 * The role × route matrix: every GET/POST route the app registers must be listed in one of
 * the test/access/<feature>.ts tables, and each of anonymous, traveler, organizer, agent
 * and admin must be let through or turned away exactly as the table says.
 */
const tables = import.meta.glob<Record<string, unknown>>(['./*.ts', '!./types.ts', '!./matrix.test.ts'], {
  eager: true,
});
const entries: RouteAccess[] = Object.values(tables).flatMap(
  (mod) => Object.values(mod).filter(Array.isArray).flat() as RouteAccess[],
);
const WHO: Who[] = ['anon', 'traveler', 'organizer', 'agent', 'admin'];
const key = (method: string, path: string) => `${method} ${path}`;

let t: TestApp;
let routes: { method: 'GET' | 'POST'; path: string }[];
beforeAll(async () => {
  t = await makeTestApp();
  const seen = new Set<string>();
  routes = [];
  for (const r of t.app.routes) {
    // app.routes lists middleware (`use`) as method ALL; only real GET/POST handlers count.
    if (r.method !== 'GET' && r.method !== 'POST') continue;
    if (seen.has(key(r.method, r.path))) continue;
    seen.add(key(r.method, r.path));
    routes.push({ method: r.method, path: r.path });
  }
});
afterAll(() => t.close());

async function requestAs(who: Who, e: RouteAccess): Promise<Response> {
  // A fresh user per request: some routes (sign out, password change) end the session they use.
  const cookie = who === 'anon' ? undefined : (await signedIn(t.deps, { role: who })).cookie;
  const url = e.sample ?? e.path;
  const res = e.method === 'GET' ? await t.request(url, { cookie }) : await t.post(url, {}, cookie);
  await res.body?.cancel();
  return res;
}

function verdict(res: Response): 'to-login' | 'forbidden' | 'not-found' | 'through' {
  // requireUser always says where to come back to; a plain "/login" is a flow's own next step
  // (signed out everywhere, account created), not a refusal.
  const location = res.headers.get('Location') ?? '';
  if ((res.status === 302 || res.status === 303) && location.startsWith('/login?next=')) return 'to-login';
  if (res.status === 401 && (res.headers.get('HX-Redirect') ?? '').startsWith('/login')) return 'to-login';
  if (res.status === 401) return 'forbidden';
  if (res.status === 403) return 'forbidden';
  return res.status === 404 ? 'not-found' : 'through';
}

describe('role × route matrix', () => {
  it('every table entry has a sample URL when its path has parameters, and names a real route', () => {
    const real = new Set(routes.map((r) => key(r.method, r.path)));
    for (const e of entries) {
      if (e.path.includes(':') || e.path.includes('*'))
        expect(e.sample, `${key(e.method, e.path)} needs a sample URL`).toBeTruthy();
      expect(
        real.has(key(e.method, e.path)),
        `${key(e.method, e.path)} is in an access table but no such route is registered`,
      ).toBe(true);
    }
  });

  it('every registered GET and POST route has an entry in an access table', () => {
    const listed = new Set(entries.map((e) => key(e.method, e.path)));
    const missing = routes.filter((r) => !listed.has(key(r.method, r.path))).map((r) => key(r.method, r.path));
    expect(missing, 'routes with no entry in test/access/*.ts').toEqual([]);
  });

  it('lets in exactly who the tables say, and turns away everyone else', async () => {
    const wrong: string[] = [];
    for (const e of entries) {
      for (const who of WHO) {
        const res = await requestAs(who, e);
        const v = verdict(res);
        const allowed = e.allowed === 'all' || e.allowed.includes(who);
        const label = `${who} ${e.method} ${e.sample ?? e.path} → ${res.status} ${res.headers.get('Location') ?? ''}`;
        if (e.apiKey) {
          // Machine-to-machine routes ignore the session: without the API key everyone gets 401.
          if (res.status !== 401) wrong.push(`${label}: should be 401 without the API key`);
        } else if (allowed) {
          if (v === 'to-login' || v === 'forbidden') wrong.push(`${label}: should be let through`);
        } else if (who === 'anon') {
          if (v !== 'to-login') wrong.push(`${label}: should be sent to /login`);
        } else if (res.status !== 403 && res.status !== e.deniedStatus) {
          wrong.push(`${label}: should be 403${e.deniedStatus ? ` or ${e.deniedStatus}` : ''}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

/**
 * The same server listening beyond loopback (HOST=0.0.0.0, as on a LAN demo): the development
 * tools that act for anyone (the dev mailbox, the test gateway's checkout pages) answer a
 * signed-in admin and nobody else, anonymous visitors included: 404, not a sign-in page. The
 * fake Razorpay API the app calls itself keeps its Basic auth (401 without it, for everyone).
 */
describe('role × route matrix, listening beyond loopback', () => {
  const isDevTool = (path: string) => path.startsWith('/dev/mailbox') || path.startsWith('/test-gateway/');

  it('every dev mailbox and test gateway route answers an admin only, 404 for everyone else', async () => {
    const wide = await makeTestApp({ HOST: '0.0.0.0' });
    try {
      expect(wide.config.beyondLoopback).toBe(true);
      // Real things to look at, so that "let through" is a 200 and not a 404 for a missing one.
      await wide.db.transaction().execute((trx) =>
        enqueue(trx, wide, {
          channel: 'sms',
          to: '+919812345678',
          template: 'otp',
          text: 'Your TrekTribe code is 482913',
        }),
      );
      await deliverDue(wide.deps);
      const { id: messageId } = await wide.db.selectFrom('dev_messages').select('id').executeTakeFirstOrThrow();
      const fake = wide.deps.payments.fake!;
      const auth = 'Basic ' + Buffer.from(`${fake.keys.keyId}:${fake.keys.keySecret}`).toString('base64');
      const order = (await (
        await fake.api.request('/v1/orders', {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ amount: 10_000, currency: 'INR', receipt: 'r1' }),
        })
      ).json()) as { id: string };
      const sampleFor = (e: RouteAccess) =>
        (e.sample ?? e.path)
          .replace('/dev/mailbox/999999', `/dev/mailbox/${messageId}`)
          .replace('order_none', order.id);

      const tools = entries.filter((e) => isDevTool(e.path));
      expect(tools.map((e) => key(e.method, e.path)).sort()).toEqual(
        routes
          .filter((r) => isDevTool(r.path))
          .map((r) => key(r.method, r.path))
          .sort(),
      );
      const wrong: string[] = [];
      for (const e of tools) {
        for (const who of WHO) {
          const cookie = who === 'anon' ? undefined : (await signedIn(wide.deps, { role: who })).cookie;
          const url = sampleFor(e);
          const res =
            e.method === 'GET'
              ? await wide.request(url, { cookie })
              : await wide.post(url, { outcome: 'decline' }, cookie);
          await res.body?.cancel();
          const label = `${who} ${e.method} ${url} → ${res.status}`;
          if (e.apiKey) {
            if (res.status !== 401) wrong.push(`${label}: should be 401 without the API key`);
          } else if (who === 'admin') {
            // A page (200), or the checkout's answer: straight back to the shop (303).
            if (res.status !== (e.method === 'GET' ? 200 : 303))
              wrong.push(`${label}: should be let through for an admin`);
          } else if (res.status !== 404) {
            wrong.push(`${label}: should be 404`);
          }
        }
      }
      expect(wrong).toEqual([]);
      // With the key, the API answers whoever calls it (the app itself, on loopback).
      expect(
        (await wide.request(`/test-gateway/v1/orders/${order.id}`, { headers: { Authorization: auth } })).status,
      ).toBe(200);
    } finally {
      await wide.close();
    }
  });
});

describe('CSRF', () => {
  it('every POST route refuses a form from another site and changes nothing', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const counts = async () => {
      const tablesNow = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%_fts%'`.execute(
        t.db,
      );
      const out: Record<string, number> = {};
      for (const { name } of tablesNow.rows)
        out[name] = Number(
          (await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(t.db)).rows[0].n,
        );
      return out;
    };
    const before = await counts();
    const posts = routes.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(10);
    const sampleOf = (path: string) => entries.find((e) => e.method === 'POST' && e.path === path)?.sample ?? path;
    for (const r of posts) {
      for (const origin of ['https://evil.example', 'null']) {
        const res = await t.post(
          sampleOf(r.path),
          {
            email: 'x@example.test',
            password: 'long enough password',
            name: 'X',
            role: 'admin',
            status: 'deactivated',
          },
          admin.cookie,
          { Origin: origin },
        );
        // The Razorpay webhook is exempt from the origin check (server-to-server): its signature refuses it.
        expect(res.status, `${r.path} from ${origin}`).toBe(r.path === '/webhooks/razorpay' ? 400 : 403);
      }
    }
    expect(await counts()).toEqual(before);
  });
});
