import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { rawRequest, serveOnLoopback } from '../support/http.js';
import { SESSION_COOKIE } from '../../src/auth/session.js';

/** Issue 28, item 6: nothing served to a session may be kept by a cache; public pages and assets keep theirs. */
let t: TestApp;
let url: string;
let stop: () => Promise<void>;
type Who = { id: number; cookie: string };
let traveler: Who, organizer: Who, agent: Who, admin: Who;
let bookingId: number;
let departureId: number;
let tripId: number;

beforeAll(async () => {
  t = await makeTestApp();
  ({ url, close: stop } = await serveOnLoopback(t));
  organizer = await signedIn(t.deps, { role: 'organizer', upi_id: 'hills@okaxis' });
  traveler = await signedIn(t.deps, { role: 'traveler' });
  agent = await signedIn(t.deps, { role: 'agent' });
  admin = await signedIn(t.deps, { role: 'admin' });
  const trip = await makeTrip(t.deps, { organizerId: organizer.id });
  ({ tripId, departureId } = trip);
  bookingId = await makeBooking(t.deps, { trip, userId: traveler.id, status: 'confirmed' });
});
afterAll(async () => {
  await stop();
  await t.close();
});

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  rawRequest(url + path, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });

const assetPaths = async () => {
  const html = (await get('/')).text;
  return [/href="(\/static\/app\.[0-9a-f]{12}\.css)"/, /src="(\/static\/app\.[0-9a-f]{12}\.js)"/].map(
    (r) => r.exec(html)![1],
  );
};

describe('a signed-in session', () => {
  it('gets Cache-Control: private, no-store on every page, fragment, CSV, image and error of each role', async () => {
    const pages: [Who, string, Record<string, string>?][] = [
      [traveler, '/dashboard/traveler'],
      [traveler, '/dashboard/traveler/upcoming'],
      [traveler, '/bookings'],
      [traveler, `/bookings/${bookingId}`],
      [traveler, `/bookings/${bookingId}`, { 'HX-Request': 'true' }],
      [traveler, `/bookings/${bookingId}/booking.ics`],
      [traveler, `/bookings/${bookingId}/pass`],
      [traveler, `/bookings/${bookingId}/pass-qr.svg`],
      [traveler, '/me'],
      [traveler, '/notifications'],
      [traveler, '/'],
      [traveler, `/trips/${tripId}`],
      [traveler, '/no-such-page'],
      [traveler, '/admin/users'],
      [organizer, '/dashboard/organizer'],
      [organizer, '/dashboard/organizer/trips'],
      [organizer, '/organizer/trips'],
      [organizer, '/organizer/bookings'],
      [organizer, '/organizer/earnings'],
      [organizer, `/organizer/departures/${departureId}/participants.csv`],
      [agent, '/dashboard/agent'],
      [agent, `/agent/customers/${traveler.id}`],
      [agent, '/agent/customers?q=trav'],
      [agent, '/agent/tickets'],
      [admin, '/dashboard/admin'],
      [admin, '/admin'],
      [admin, '/admin/users'],
      [admin, '/admin/bookings.csv'],
      [admin, '/admin/payments.csv'],
      [admin, '/dev/mailbox'],
    ];
    const statuses = new Set<number>();
    for (const [who, path, headers] of pages) {
      const res = await get(path, who.cookie, headers);
      statuses.add(res.status);
      expect(res.headers['cache-control'], `${path} (${res.status} ${res.headers['content-type']})`).toBe(
        'private, no-store',
      );
    }
    // Pages, 403 and 404 pages alike.
    expect([...statuses].sort()).toEqual([200, 403, 404]);
  });

  it('gets it on a 304 and on a redirect as well', async () => {
    const first = await get(`/bookings/${bookingId}`, traveler.cookie);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await get(`/bookings/${bookingId}`, traveler.cookie, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('private, no-store');
    const moved = await get('/register', traveler.cookie);
    expect(moved.status).toBe(303);
    expect(moved.headers['cache-control']).toBe('private, no-store');
  });

  it('with a cookie that is no longer valid still gets nothing cacheable', async () => {
    const res = await get('/', `${SESSION_COOKIE}=expired-or-forged`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('still gets the hashed assets as cacheable as before', async () => {
    for (const path of await assetPaths()) {
      const res = await get(path, traveler.cookie);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
    }
  });
});

describe('an anonymous visitor', () => {
  it('gets the public pages and assets with their caching unchanged', async () => {
    for (const path of ['/', '/trips', `/trips/${tripId}`, '/login', '/register', '/healthz']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBeUndefined();
      expect(res.headers.etag, path).toBeTruthy();
    }
    for (const path of await assetPaths())
      expect((await get(path)).headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
    expect((await get('/payments/checkout.js')).headers['cache-control']).toBe('public, max-age=3600');
  });
});
