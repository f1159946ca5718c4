import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, signedIn, makeTrip } from '../support/factories.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { SESSION_COOKIE } from '../../src/auth/session.js';

/**
 * Issue 18, item 1: a server reachable from other machines (any HOST but loopback) must not
 * hand its dev mailbox or its test gateway to whoever asks.
 */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function app(env: Record<string, string>) {
  const t = await makeTestApp(env);
  cleanups.push(() => t.close());
  return t;
}

const ADMIN = 'admin@trektribe.local';
const tokenCookie = (res: Response) => {
  for (const c of res.headers.getSetCookie()) {
    const m = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(c);
    if (m) return `${SESSION_COOKIE}=${m[1]}`;
  }
  return null;
};

/**
 * The attack as reproduced: anonymous "forgot password" for the admin, the reset link read in
 * /dev/mailbox, a new password, the admin pages. Returns how far it got.
 */
async function takeOver(t: TestApp): Promise<'no mailbox' | 'no message' | 'admin'> {
  await createUser(t.deps, { role: 'admin', email: ADMIN, password_hash: await hashPassword('the real admin secret') });
  expect((await t.post('/forgot-password', { email: ADMIN })).status).toBe(303);
  await deliverDue(t.deps);
  const list = await t.request(`/dev/mailbox?to=${encodeURIComponent(ADMIN)}`);
  const listed = await list.text();
  if (list.status !== 200) return 'no mailbox';
  const id = /\/dev\/mailbox\/(\d+)/.exec(listed)?.[1];
  expect(id, listed).toBeTruthy();
  const message = await t.request(`/dev/mailbox/${id}`);
  if (message.status !== 200) return 'no message';
  const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(await message.text())![1];
  expect((await t.post('/reset-password', { token, password: 'attacker chose this' })).status).toBe(303);
  const signedInRes = await t.post('/login', { email: ADMIN, password: 'attacker chose this' });
  expect(signedInRes.status).toBe(303);
  expect((await t.request('/admin/users', { cookie: tokenCookie(signedInRes)! })).status).toBe(200);
  return 'admin';
}

describe('listening beyond loopback', () => {
  it('the mailbox takeover of the admin works on loopback (this machine only) and fails beyond it', async () => {
    expect(await takeOver(await app({ HOST: '127.0.0.1' }))).toBe('admin');
    for (const HOST of ['0.0.0.0', '192.168.1.20', '::']) {
      const t = await app({ HOST });
      expect(await takeOver(t)).toBe('no mailbox');
      // Not the message page either, for any signed-in role but admin; the admin still reads it.
      const [msg] = await t.db.selectFrom('dev_messages').select('id').where('recipient', '=', ADMIN).execute();
      expect((await t.request(`/dev/mailbox/${msg.id}`)).status).toBe(404);
      for (const role of ['traveler', 'organizer', 'agent'] as const) {
        const { cookie } = await signedIn(t.deps, { role });
        expect((await t.request('/dev/mailbox', { cookie })).status, role).toBe(404);
        expect((await t.request(`/dev/mailbox/${msg.id}`, { cookie })).status, role).toBe(404);
      }
      const admin = await signedIn(t.deps, { role: 'admin' });
      expect((await t.request('/dev/mailbox', { cookie: admin.cookie })).status).toBe(200);
      const page = await t.request(`/dev/mailbox/${msg.id}`, { cookie: admin.cookie });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/reset-password?token=');
      // The admin's password is untouched.
      expect((await t.post('/login', { email: ADMIN, password: 'the real admin secret' })).status).toBe(303);
    }
  });

  it("the test gateway's checkout is an admin's alone, while the app's own calls to its API still work", async () => {
    const t = await app({ HOST: '0.0.0.0' });
    // Served on loopback as server.ts does for the SDK; what counts is the configured HOST.
    const { url, server } = await new Promise<{ url: string; server: ServerType }>((resolve) => {
      const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (i: AddressInfo) =>
        resolve({ url: `http://127.0.0.1:${i.port}`, server }),
      );
    });
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    t.deps.payments.useApiBase(`${url}/test-gateway`);
    const { tripId, departureId } = await makeTrip(t.deps, { pricePaise: 99_900 });
    const traveler = await signedIn(t.deps);
    const admin = await signedIn(t.deps, { role: 'admin' });
    const go = (path: string, cookie: string | undefined, body?: Record<string, string | string[]>) =>
      fetch(url + path, {
        redirect: 'manual',
        method: body ? 'POST' : 'GET',
        body: body
          ? new URLSearchParams(Object.entries(body).flatMap(([k, v]) => [v].flat().map((one) => [k, one])))
          : undefined,
        headers: {
          Origin: url,
          ...(cookie ? { Cookie: cookie } : {}),
          ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        },
      });

    const booked = await go(`/trips/${tripId}/book`, traveler.cookie, bookingForm(departureId, 1));
    const bookingId = bookingIdFrom(booked);
    // The order is made by the real SDK through the app's own /test-gateway/v1 API.
    const started = await go(`/bookings/${bookingId}/pay/online`, traveler.cookie, {});
    expect(started.status).toBe(303);
    const checkout = started.headers.get('location')!;
    expect(checkout).toMatch(/^\/test-gateway\/checkout\/order_[0-9a-f]+\?callback=/);
    const orderId = /order_[0-9a-f]+/.exec(checkout)![0];

    for (const cookie of [
      traveler.cookie,
      undefined,
      (await signedIn(t.deps, { role: 'organizer' })).cookie,
      (await signedIn(t.deps, { role: 'agent' })).cookie,
    ]) {
      expect((await go(checkout, cookie)).status).toBe(404);
      expect(
        (
          await go(`/test-gateway/checkout/${orderId}`, cookie, {
            outcome: 'pay',
            callback: `/bookings/${bookingId}/pay/verify`,
          })
        ).status,
      ).toBe(404);
    }
    expect(t.deps.payments.fake!.orders.get(orderId)!.status).toBe('created');
    expect(
      (await t.db.selectFrom('bookings').select('status').where('id', '=', bookingId).executeTakeFirstOrThrow()).status,
    ).toBe('pending');

    const page = await go(checkout, admin.cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('TEST GATEWAY');
  });
});
