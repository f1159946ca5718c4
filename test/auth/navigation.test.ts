import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { makeTestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import type { RouteAccess } from '../access/types.js';
import { accountsAccess } from '../access/accounts.js';
import { adminPlatformAccess } from '../access/admin-platform.js';
import { bookingsAccess } from '../access/bookings.js';
import { coreAccess } from '../access/core.js';
import { notificationAccess } from '../access/notifications.js';
import { platformAccess } from '../access/platform.js';
import { tripAccess } from '../access/trips.js';

/**
 * A signed-in person reaches every page of their role from the header or their dashboard:
 * every GET page without parameters that the access matrix opens to the role (and not to
 * everyone) is linked from the header or the body of the page /dashboard leads to.
 */
const all: RouteAccess[] = [
  ...accountsAccess,
  ...adminPlatformAccess,
  ...bookingsAccess,
  ...coreAccess,
  ...notificationAccess,
  ...platformAccess,
  ...tripAccess,
];
/** Steps of a flow, not destinations: reached from the page that needs them. */
const STEPS = new Set(['/verify-phone', '/complete-profile', '/dashboard']);
/** /bookings lists one's own bookings as a traveler: organizers and agents cannot book, so it is always empty for them. */
const cannotBook = (role: string, path: string) => path === '/bookings' && (role === 'organizer' || role === 'agent');
const pagesOf = (role: 'traveler' | 'organizer' | 'agent' | 'admin') =>
  all
    .filter(
      (r) =>
        r.method === 'GET' &&
        !/[:*]/.test(r.path) &&
        Array.isArray(r.allowed) &&
        r.allowed.includes(role) &&
        !r.apiKey &&
        !STEPS.has(r.path) &&
        !r.path.startsWith('/dashboard/') &&
        !cannotBook(role, r.path),
    )
    .map((r) => r.path)
    .sort();

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('navigation', () => {
  for (const role of ['traveler', 'organizer', 'agent', 'admin'] as const) {
    it(`a signed-in ${role} reaches every page of the role from the header or the dashboard`, async () => {
      const me = await signedIn(t.deps, { role });
      const res = await t.request('/dashboard', { cookie: me.cookie });
      expect(res.status).toBe(200);
      const html = await res.text();
      const links = new Set([...html.matchAll(/<a [^>]*href="([^"#?]*)/g)].map((m) => m[1]));
      const pages = pagesOf(role);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.filter((p) => !links.has(p))).toEqual([]);
    });
  }
});
