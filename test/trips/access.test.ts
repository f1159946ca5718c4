import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { tripAccess } from '../access/trips.js';
import type { Who } from '../access/types.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

// The cross-feature matrix test (accounts) covers every route; this checks our table against the app.
describe('trip routes by role', () => {
  it('every trips route is in the access table', () => {
    const registered = new Set(
      t.app.routes.filter((r) => r.method === 'GET' || r.method === 'POST').map((r) => `${r.method} ${r.path}`),
    );
    for (const r of tripAccess) expect(registered.has(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(true);
  });

  for (const who of ['anon', 'traveler', 'organizer', 'agent', 'admin'] as Who[]) {
    it(`${who}: allowed routes pass the permission check, others are refused`, async () => {
      const cookie = who === 'anon' ? undefined : (await signedIn(t.deps, { role: who })).cookie;
      for (const r of tripAccess) {
        const url = r.sample ?? r.path;
        const res = r.method === 'GET' ? await t.request(url, { cookie }) : await t.post(url, {}, cookie);
        const allowed = r.allowed === 'all' || r.allowed.includes(who);
        const label = `${who} ${r.method} ${url} → ${res.status}`;
        if (allowed) expect([200, 303, 404, 422], label).toContain(res.status);
        else if (who === 'anon') expect(res.headers.get('location') ?? '', label).toMatch(/^\/login\?next=/);
        else expect(res.status, label).toBe(403);
      }
    });
  }
});
