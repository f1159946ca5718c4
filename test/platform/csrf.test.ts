import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { rawRequest, serveOnLoopback } from '../support/http.js';
import { enqueue } from '../../src/notifications/outbox.js';

/** Issue 28, item 9: a state-changing request from another site is refused whatever its content type. */
let t: TestApp;
let url: string;
let stop: () => Promise<void>;
let admin: { id: number; cookie: string };

beforeAll(async () => {
  t = await makeTestApp();
  ({ url, close: stop } = await serveOnLoopback(t));
  admin = await signedIn(t.deps, { role: 'admin' });
});
afterAll(async () => {
  await stop();
  await t.close();
});

/** A failed SMS in the outbox; the admin's retry puts it back to pending. */
async function failedMessage() {
  const id = await t.db
    .transaction()
    .execute((trx) => enqueue(trx, t.deps, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'x' }));
  await t.db.updateTable('outbox').set({ status: 'failed', attempts: 10 }).where('id', '=', id).execute();
  return id;
}
const statusOf = async (id: number) =>
  (await t.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

const BOUNDARY = '----trektribe-test';
const BODIES: Record<string, { type?: string; body?: string }> = {
  form: { type: 'application/x-www-form-urlencoded', body: 'a=1' },
  multipart: {
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
  },
  'text/plain': { type: 'text/plain', body: 'a=1' },
  json: { type: 'application/json', body: '{"a":1}' },
  none: {},
};

describe('cross-site requests', () => {
  it('a JSON POST from another site is refused with a 403 page and changes nothing; from our origin it works', async () => {
    const id = await failedMessage();
    const evil = await rawRequest(`${url}/admin/outbox/${id}/retry`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(evil.status).toBe(403);
    expect(evil.headers['content-type']).toMatch(/^text\/html/);
    expect(evil.text).toContain('came from another website');
    expect(await statusOf(id)).toBe('failed');

    const ours = await rawRequest(`${url}/admin/outbox/${id}/retry`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, Origin: url, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(ours.status).toBe(303);
    expect(await statusOf(id)).toBe('pending');
  });

  it('methods × content types × Origin × Sec-Fetch-Site: refused exactly when the browser says another site sent it', async () => {
    const id = await failedMessage();
    const origins: Record<string, string | undefined> = {
      same: url,
      public: 'http://localhost:3000',
      cross: 'http://evil.example',
      null: 'null',
      absent: undefined,
    };
    const sites = [undefined, 'same-origin', 'none', 'same-site', 'cross-site'];
    const seen: string[] = [];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      for (const [kind, { type, body }] of Object.entries(BODIES))
        for (const [originName, origin] of Object.entries(origins))
          for (const site of sites) {
            const headers: Record<string, string> = { Cookie: admin.cookie };
            if (type) headers['Content-Type'] = type;
            if (origin) headers.Origin = origin;
            if (site) headers['Sec-Fetch-Site'] = site;
            await t.db.updateTable('outbox').set({ status: 'failed' }).where('id', '=', id).execute();
            const res = await rawRequest(`${url}/admin/outbox/${id}/retry`, { method, headers, body });
            const crossSite =
              originName === 'cross' || originName === 'null' || site === 'same-site' || site === 'cross-site';
            const label = `${method} ${kind} Origin=${originName} Sec-Fetch-Site=${site ?? 'absent'}`;
            seen.push(label);
            if (crossSite) {
              expect(res.status, label).toBe(403);
              expect(res.text, label).toContain('came from another website');
              expect(await statusOf(id), label).toBe('failed');
            } else {
              // Through to the router: the retry (POST) or no such route (the other methods).
              expect(res.status, label).toBe(method === 'POST' ? 303 : 404);
            }
          }
    expect(seen).toHaveLength(4 * 5 * 5 * 5);
  });

  it('GET, HEAD and OPTIONS are never refused, even from another site', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await rawRequest(`${url}/healthz`, {
        method,
        headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      });
      expect(res.status, method).not.toBe(403);
    }
  });

  it('the signed Razorpay webhook is the one exception: it is taken whatever Origin it carries, and still needs its signature', async () => {
    const fake = t.deps.payments.fake!;
    const hook = fake.webhook('payment.authorized', {});
    const signed = await rawRequest(`${url}/webhooks/razorpay`, {
      method: 'POST',
      headers: { ...hook.headers, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      body: hook.body,
    });
    expect(signed.status).toBe(200);
    expect(
      await t.db
        .selectFrom('razorpay_events')
        .select('id')
        .where('id', '=', hook.headers['X-Razorpay-Event-Id'])
        .execute(),
    ).toHaveLength(1);
    const forged = await rawRequest(`${url}/webhooks/razorpay`, {
      method: 'POST',
      headers: {
        ...hook.headers,
        'X-Razorpay-Signature': '0'.repeat(64),
        'X-Razorpay-Event-Id': 'evt_forged',
        Origin: 'http://evil.example',
      },
      body: hook.body,
    });
    expect(forged.status).toBe(400);
  });

  it("the app's own SDK reaches the built-in test gateway, its DELETE (cancelling a mandate) included", async () => {
    const gw = t.deps.payments;
    const customer = await gw.createCustomer({ name: 'Asha', email: 'asha@example.test', contact: '+919812345678' });
    const order = await gw.createAuthorisationOrder({
      amount: 100,
      receipt: 'mandate-1',
      customerId: customer.id,
      method: 'upi',
      maxAmount: 500_000,
      expireAt: Math.floor(t.clock.now().getTime() / 1000) + 86_400 * 365,
      notes: {},
    });
    const { token } = gw.fake!.pay(order.id);
    expect((await gw.fetchTokens(customer.id)).map((x) => x.recurring_details?.status)).toEqual(['confirmed']);
    await gw.cancelToken(customer.id, token!.id);
    expect(gw.fake!.tokens.get(token!.id)!.recurring_details.status).toBe('cancelled');
  });
});
