import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { startTrial } from '../../src/billing/trial.js';
import { chargeDueSubscriptions } from '../../src/billing/charges.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function served(t: TestApp) {
  const { url, server } = await new Promise<{ url: string; server: ServerType }>((resolve) => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (i: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${i.port}`, server }),
    );
  });
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  t.deps.payments.useApiBase(`${url}/test-gateway`);
  return url;
}

const form = (fields: Record<string, string | string[]>) => {
  const b = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) b.append(k, one);
  return b;
};

describe('the built-in test gateway', () => {
  it('runs the whole Razorpay path with no keys: real SDK order, test checkout, signed return and signed webhook', async () => {
    const t = await makeTestApp();
    cleanups.push(() => t.close());
    expect(t.deps.payments.mode).toBe('test');
    const url = await served(t);
    const { tripId, departureId } = await makeTrip(t.deps, { pricePaise: 99_900 });
    const me = await signedIn(t.deps);
    const go = (path: string, init: RequestInit = {}) =>
      fetch(url + path, {
        redirect: 'manual',
        ...init,
        headers: {
          Cookie: me.cookie,
          Origin: url,
          ...(init.body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
          ...init.headers,
        },
      });

    const booked = await go(`/trips/${tripId}/book`, { method: 'POST', body: form(bookingForm(departureId, 2)) });
    const payPath = booked.headers.get('location')!;
    const payPage = await (await go(payPath)).text();
    expect(payPage).toContain('Test mode');
    const bookingId = Number(/\/bookings\/(\d+)/.exec(payPath)![1]);

    const started = await go(`/bookings/${bookingId}/pay/online`, { method: 'POST', body: form({}) });
    expect(started.status).toBe(303);
    const checkoutPath = started.headers.get('location')!;
    expect(checkoutPath).toMatch(/^\/test-gateway\/checkout\/order_[0-9a-f]+\?callback=/);
    const checkout = await (await go(checkoutPath)).text();
    expect(checkout).toContain('TEST GATEWAY');
    expect(checkout).toContain('₹1,998');

    const orderId = /order_[0-9a-f]+/.exec(checkoutPath)![0];
    const paid = await go(`/test-gateway/checkout/${orderId}`, {
      method: 'POST',
      body: form({ outcome: 'pay', callback: `/bookings/${bookingId}/pay/verify` }),
    });
    // The gateway sends the browser straight back (303) with the signed outcome on the return URL.
    expect(paid.status).toBe(303);
    const returnUrl = new URL(paid.headers.get('location')!, 'http://x');
    expect(returnUrl.pathname).toBe(`/bookings/${bookingId}/pay/verify`);
    expect([...returnUrl.searchParams.keys()].sort()).toEqual([
      'razorpay_order_id',
      'razorpay_payment_id',
      'razorpay_signature',
    ]);

    const back = await go(returnUrl.pathname + returnUrl.search);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/bookings/${bookingId}`);
    const row = await t.db.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'confirmed', payment_status: 'paid', amount_paise: 199_800 });

    // The signed webhook reaches /webhooks/razorpay on its own and is recorded once.
    for (let i = 0; i < 50 && (await t.db.selectFrom('razorpay_events').selectAll().execute()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const events = await t.db.selectFrom('razorpay_events').selectAll().execute();
    expect(events.map((e) => e.event)).toEqual(['payment.captured']);
  });

  it('sets up auto-pay with no keys, and can make the mandate fail its later debits on demand', async () => {
    const t = await makeTestApp();
    cleanups.push(() => t.close());
    const url = await served(t);
    const me = await signedIn(t.deps, { role: 'organizer' });
    await startTrial(t.db, t.clock, me.id);
    const go = (path: string, body?: Record<string, string>) =>
      fetch(url + path, {
        redirect: 'manual',
        method: body ? 'POST' : 'GET',
        body: body && form(body),
        headers: { Cookie: me.cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
      });

    const started = await go('/organizer/subscription/autopay', { method: 'upi' });
    const checkoutPath = started.headers.get('location')!;
    expect(checkoutPath).toMatch(/^\/test-gateway\/checkout\/order_/);
    const checkout = await (await go(checkoutPath)).text();
    expect(checkout).toContain('value="pay-failing-mandate"');
    const orderId = /order_[0-9a-f]+/.exec(checkoutPath)![0];
    const callback = new URL(checkoutPath, url).searchParams.get('callback')!;
    const paid = await go(`/test-gateway/checkout/${orderId}`, { outcome: 'pay-failing-mandate', callback });
    const back = await go(
      new URL(paid.headers.get('location')!, url).pathname + new URL(paid.headers.get('location')!, url).search,
    );
    expect(back.status).toBe(303);
    const sub = await t.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('organizer_id', '=', me.id)
      .executeTakeFirstOrThrow();
    expect(sub).toMatchObject({ status: 'active', token_status: 'confirmed' });

    // At the next charge the debit fails when the bank answers, as the button promised.
    t.clock.set(sub.next_charge_at!);
    await chargeDueSubscriptions(t.deps);
    const answers = await t.deps.payments.fake!.settleDebits();
    expect(answers.map((w) => JSON.parse(w.body).event)).toEqual(['payment.failed']);
    for (const w of answers)
      expect((await t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers })).status).toBe(
        200,
      );
    const charges = await t.db
      .selectFrom('subscription_charges')
      .select(['kind', 'status'])
      .where('subscription_id', '=', sub.id)
      .orderBy('id')
      .execute();
    expect(charges.at(-1)).toMatchObject({ status: 'failed' });
  });

  it("a booking's checkout has no mandate button", async () => {
    const t = await makeTestApp();
    cleanups.push(() => t.close());
    const url = await served(t);
    const { tripId, departureId } = await makeTrip(t.deps);
    const me = await signedIn(t.deps);
    const headers = { Cookie: me.cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' };
    const booked = await fetch(`${url}/trips/${tripId}/book`, {
      method: 'POST',
      redirect: 'manual',
      headers,
      body: form(bookingForm(departureId, 1)),
    });
    const bookingId = Number(/\/bookings\/(\d+)/.exec(booked.headers.get('location')!)![1]);
    const started = await fetch(`${url}/bookings/${bookingId}/pay/online`, {
      method: 'POST',
      redirect: 'manual',
      headers,
      body: form({}),
    });
    const checkout = await (await fetch(url + started.headers.get('location')!, { headers })).text();
    expect(checkout).toContain('value="pay"');
    expect(checkout).not.toContain('pay-failing-mandate');
  });

  it('is off in production unless asked for: no fake API, no online button, only UPI', async () => {
    const t = await makeTestApp({ NODE_ENV: 'production' });
    cleanups.push(() => t.close());
    expect(t.deps.payments.mode).toBe('off');
    const { tripId, departureId } = await makeTrip(t.deps);
    const me = await signedIn(t.deps);
    const res = await t.post(`/trips/${tripId}/book`, bookingForm(departureId), me.cookie);
    const html = await (await t.request(res.headers.get('location')!, { cookie: me.cookie })).text();
    expect(html).not.toContain('Pay online');
    expect(html).toContain('Pay by UPI');
    expect(html).not.toContain('Test mode');
    expect(
      (
        await t.request('/test-gateway/v1/orders', {
          method: 'POST',
          body: '{}',
          headers: { 'Content-Type': 'application/json' },
        })
      ).status,
    ).toBe(404);
  });
});
