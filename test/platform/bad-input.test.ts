import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { postOverSocket } from '../support/http.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';

/**
 * Issue 28's findings, each as the request that found it: bad input gets our page (the form
 * with a message next to the field, 422, or the error page, 400), promptly, never a 500,
 * zod's JSON or a library's message, and changes nothing.
 */
let t: TestApp;
let trip: Awaited<ReturnType<typeof makeTrip>>;
let traveler: { id: number; cookie: string };
let bookingId: number;

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set('2026-12-07T06:00:00.000Z');
  trip = await makeTrip(t.deps);
  traveler = await signedIn(t.deps, { role: 'traveler' });
  bookingId = await makeBooking(t.deps, { trip, userId: traveler.id });
});
afterAll(() => t.close());

const LIBRARY_TEXT = /ZodError|"success":\s*false|Failed to parse|Malformed|RangeError|TypeError|at \S+ \(/;
const count = async (table: 'bookings' | 'announcements' | 'notification_prefs' | 'payments') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function expectOurPage(res: Response, status: number, says?: string) {
  const body = await res.text();
  expect(res.status, body.slice(0, 300)).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/text\/html/);
  expect(body).not.toMatch(LIBRARY_TEXT);
  if (says) expect(body).toContain(says);
  return body;
}

describe('a number of guests no server can count to', () => {
  it('is refused next to the field at once, and nothing is booked', async () => {
    const before = await count('bookings');
    for (const guests of ['100000', '99999999999999999999', '1e308', 'Infinity', '-1', '2.5']) {
      const started = performance.now();
      const res = await t.post(
        `/trips/${trip.tripId}/book`,
        { departure: String(trip.departureId), guests, name: 'Asha Rao', phone: '9812345678', age: '30' },
        traveler.cookie,
      );
      const ms = performance.now() - started;
      const body = await expectOurPage(res, 422);
      expect(body).toMatch(/Book for at (most 10 guests|least 1 guest)\.|Enter the number of guests\./);
      expect(ms, `guests=${guests} took ${ms} ms`).toBeLessThan(500);
    }
    expect(await count('bookings')).toBe(before);
  });

  it('a huge number sent to the form update shows the form again, no larger than 10 guests', async () => {
    const res = await t.post(
      `/trips/${trip.tripId}/book/update`,
      { departure: String(trip.departureId), guests: '99999999999999999999' },
      traveler.cookie,
    );
    const body = await expectOurPage(res, 200);
    expect(body.match(/name="name"/g)?.length ?? 0).toBeLessThanOrEqual(10);
  });
});

describe('a body that is not the form it claims to be', () => {
  const boundary = '----trektribe';
  const cases: [string, Record<string, string>, string][] = [
    ['multipart without a boundary', { 'Content-Type': 'multipart/form-data' }, 'guests=2'],
    [
      'truncated multipart',
      { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      `--${boundary}\r\nContent-Disposition: form-data; name="guests"\r\n\r\n2\r\n--${boundary}\r\nContent-Disposition: form-da`,
    ],
  ];
  for (const [what, headers, body] of cases) {
    it(`${what}: the error page (400) on every route that reads a form, not a 500`, async () => {
      const admin = await signedIn(t.deps, { role: 'admin' });
      for (const [path, cookie] of [
        [`/trips/${trip.tripId}/book/update`, traveler.cookie],
        [`/trips/${trip.tripId}/book`, traveler.cookie],
        [`/bookings/${bookingId}/pay/verify`, traveler.cookie],
        ['/admin/announcements', admin.cookie],
        ['/me', traveler.cookie],
      ] as const) {
        const res = await t.request(path, { method: 'POST', headers, body, cookie });
        await expectOurPage(res, 400, 'The form did not arrive complete');
      }
    });
  }
});

describe('dates that are not on the calendar', () => {
  for (const until of ['2027-13-01', '2027-02-30', '2027-02-29', '2027-00-10']) {
    it(`an announcement until ${until} is refused next to the field and not stored`, async () => {
      const admin = await signedIn(t.deps, { role: 'admin' });
      const before = await count('announcements');
      const res = await t.post(
        '/admin/announcements',
        { audience: 'all', title: 'Maintenance', body: 'Down for an hour.', until },
        admin.cookie,
      );
      await expectOurPage(res, 422, 'Enter a date like 2026-12-31, or leave it empty.');
      expect(await count('announcements')).toBe(before);
    });
  }

  it('an admin filter with an impossible date is dropped, not a 500', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const res = await t.request('/admin/bookings?from=2027-13-01&to=2027-02-30', { cookie: admin.cookie });
    await expectOurPage(res, 200);
  });
});

describe('a query string the page cannot read', () => {
  for (const query of ['role=x', `q=${'a'.repeat(101)}`, 'role=admin&role=agent&q=1']) {
    it(`/admin/users?${query.slice(0, 20)} is the error page (400), not a 500`, async () => {
      const admin = await signedIn(t.deps, { role: 'admin' });
      const res = await t.request(`/admin/users?${query}`, { cookie: admin.cookie });
      if (query.startsWith('role=admin&')) await expectOurPage(res, 200);
      else await expectOurPage(res, 400, 'Something in that request is not valid');
    });
  }
});

describe('forms with nothing to show again', () => {
  it("the checkout's return with a 60 KB value is the error page, not zod's JSON", async () => {
    const before = await count('payments');
    const res = await t.post(
      `/bookings/${bookingId}/pay/verify`,
      { razorpay_order_id: 'o'.repeat(60_000), razorpay_payment_id: 'pay_1', razorpay_signature: 'x' },
      traveler.cookie,
    );
    await expectOurPage(res, 400, 'Something in that request is not valid');
    const get = await t.request(`/bookings/${bookingId}/pay/verify?razorpay_order_id=${'o'.repeat(200)}`, {
      cookie: traveler.cookie,
    });
    await expectOurPage(get, 400, 'Something in that request is not valid');
    expect(await count('payments')).toBe(before);
  });

  it('notification settings with a 60 KB value are the error page, and no preference changes', async () => {
    const before = await count('notification_prefs');
    const res = await t.post('/notifications/settings', { on: 'x'.repeat(60_000) }, traveler.cookie);
    await expectOurPage(res, 400, 'Something in that request is not valid');
    expect(await count('notification_prefs')).toBe(before);
  });

  it('auto-pay set up from an empty form is the error page', async () => {
    const organizer = await signedIn(t.deps, { role: 'organizer' });
    const res = await t.post('/organizer/subscription/autopay', {}, organizer.cookie);
    await expectOurPage(res, 400, 'Something in that request is not valid');
  });
});

describe('over a real socket', () => {
  it('a broken multipart body is the 400 page, and a form the test gateway hands on still reaches it', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of [`/trips/${trip.tripId}/book/update`, '/me', `/bookings/${bookingId}/pay/upi`]) {
        const res = await postOverSocket(`${base}${path}`, 'guests=2', {
          contentType: 'multipart/form-data',
          headers: { Cookie: traveler.cookie },
        });
        expect(res.status, path).toBe(400);
        expect(res.text).toContain('The form did not arrive complete');
        expect(res.text).not.toMatch(LIBRARY_TEXT);
      }
      // The fake Razorpay API is handed the request as it came: without its key, 401 (not a 500).
      const api = await postOverSocket(`${base}/test-gateway/v1/orders`, 'amount=100');
      expect(api.status).toBe(401);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
