import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { adminBoard, agentBoard, organizerBoard, travelerBoard } from '../../src/dashboards/service.js';
import type { Actor } from '../../src/auth/permissions.js';
import { ForbiddenError } from '../../src/lib/errors.js';

const ROLES = ['traveler', 'organizer', 'agent', 'admin'] as const;
const BOARDS = {
  traveler: travelerBoard,
  organizer: organizerBoard,
  agent: agentBoard,
  admin: adminBoard,
};

/** Loading a whole dashboard and one widget of it, as someone. */
const LOADS = {
  traveler: (a: Actor) => [travelerBoard.all(t.deps, a), travelerBoard.one(t.deps, a, 'upcoming')],
  organizer: (a: Actor) => [organizerBoard.all(t.deps, a), organizerBoard.one(t.deps, a, 'earnings')],
  agent: (a: Actor) => [agentBoard.all(t.deps, a), agentBoard.one(t.deps, a, 'customers')],
  admin: (a: Actor) => [adminBoard.all(t.deps, a), adminBoard.one(t.deps, a, 'growth')],
};

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('who sees which dashboard', () => {
  for (const role of ROLES) {
    it(`a ${role} gets their own dashboard at /dashboard and turned away from every other role's, widgets included`, async () => {
      const me = await signedIn(t.deps, { role });
      const own = await t.request(`/dashboard/${role}`, { cookie: me.cookie });
      expect(own.status).toBe(200);
      const html = await own.text();
      const go = await t.request('/dashboard', { cookie: me.cookie });
      expect(go.status).toBe(200);
      const body = await go.text();
      // The same dashboard as at its own URL: every widget of the role's board, and no other role's.
      for (const name of BOARDS[role].widgets) {
        expect(body, name).toContain(`id="widget-${name}"`);
        expect(html, name).toContain(`id="widget-${name}"`);
      }
      expect(body).toContain(html.match(/<p>[A-Za-z ]+ dashboard<\/p>/)![0]);
      // Its live pieces are fetched from the widgets' own URLs, as on /dashboard/ROLE.
      const pieces = (page: string) => [...page.matchAll(/hx-get="(\/dashboard\/[^"]+)"/g)].map((m) => m[1]);
      expect(pieces(body)).toEqual(pieces(html));
      if (role === 'organizer') expect(pieces(body)).toContain('/dashboard/organizer/verifications');
      for (const other of ROLES.filter((r) => r !== role)) {
        expect((await t.request(`/dashboard/${other}`, { cookie: me.cookie })).status, other).toBe(403);
        for (const name of BOARDS[other].widgets)
          expect((await t.request(`/dashboard/${other}/${name}`, { cookie: me.cookie })).status, name).toBe(403);
      }
    });
  }

  it('the service refuses a dashboard to any other role, whatever the route does', async () => {
    for (const role of ROLES)
      for (const other of ROLES.filter((r) => r !== role)) {
        for (const attempt of LOADS[other]({ id: 1, role }))
          await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
      }
  });

  it('a visitor who is not signed in is sent to sign in, and comes back to the dashboard', async () => {
    for (const path of ['/dashboard', '/dashboard/organizer', '/dashboard/admin/growth']) {
      const res = await t.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('Location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });
});
