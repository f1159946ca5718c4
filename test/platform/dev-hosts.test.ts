import { afterAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { rawRequest, serveOnLoopback } from '../support/http.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { ownHosts } from '../../src/lib/exposure.js';

/**
 * Issue 28, item 5: on a default (loopback) install, a web page that rebinds its own name to
 * 127.0.0.1 reaches us with `Host: attacker.example`. The dev mailbox and the test gateway
 * must not answer it; loopback names and PUBLIC_URL's host still get them.
 */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const ADMIN = 'admin@trektribe.local';

/** A served app (default HOST, loopback) with the admin's reset mail in the dev mailbox and a test order. */
async function installed(env: Record<string, string> = {}) {
  const t: TestApp = await makeTestApp(env);
  cleanups.push(() => t.close());
  const served = await serveOnLoopback(t);
  cleanups.push(served.close);
  await createUser(t.deps, { role: 'admin', email: ADMIN });
  expect((await t.post('/forgot-password', { email: ADMIN })).status).toBe(303);
  await deliverDue(t.deps);
  const [mail] = await t.db.selectFrom('dev_messages').select('id').where('recipient', '=', ADMIN).execute();
  // Made by the app's own Razorpay SDK over 127.0.0.1, as in zero-config mode.
  const order = await t.deps.payments.createOrder({ amount: 50_000, receipt: 'rebind-1', notes: {} });
  const { keyId, keySecret } = t.deps.payments.fake!.keys;
  const basic = 'Basic ' + Buffer.from(`${keyId}:${keySecret}`).toString('base64');
  const as = (host: string) => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      rawRequest(served.url + path, { headers: { Host: host, ...headers } });
    return {
      mailbox: () => get(`/dev/mailbox?to=${encodeURIComponent(ADMIN)}`),
      message: () => get(`/dev/mailbox/${mail.id}`),
      checkout: () => get(`/test-gateway/checkout/${order.id}?callback=/bookings`),
      pay: () =>
        rawRequest(`${served.url}/test-gateway/checkout/${order.id}`, {
          method: 'POST',
          headers: { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'outcome=pay&callback=/bookings',
        }),
      api: () => get(`/test-gateway/v1/orders/${order.id}`, { Authorization: basic }),
    };
  };
  return { t, url: served.url, port: served.port, order, as };
}

describe('the development tools under a name that is not ours', () => {
  it('refuse a DNS-rebinding Host with 404 and hand out nothing: mailbox, message, test checkout, its payment, the fake API', async () => {
    const { t, port, order, as } = await installed();
    for (const host of [
      'attacker.example',
      `attacker.example:${port}`,
      '127.0.0.1.attacker.example',
      'localhost.evil',
    ]) {
      const who = as(host);
      for (const [name, call] of Object.entries(who)) {
        const res = await call();
        expect(res.status, `${name} as ${host}`).toBe(404);
        expect(res.text, `${name} as ${host}`).not.toContain('reset-password');
        expect(res.text, `${name} as ${host}`).not.toContain(order.id);
      }
    }
    expect(t.deps.payments.fake!.orders.get(order.id)!.status).toBe('created');
  });

  it('answer every loopback name, any port: the admin on this machine still reads the mail and pays test orders', async () => {
    const { t, port, order, as } = await installed();
    for (const host of [
      `127.0.0.1:${port}`,
      '127.0.0.1',
      `localhost:${port}`,
      'localhost',
      `[::1]:${port}`,
      '127.0.0.2:80',
    ]) {
      const who = as(host);
      const list = await who.mailbox();
      expect(list.status, host).toBe(200);
      const message = await who.message();
      expect(message.status, host).toBe(200);
      expect(message.text, host).toContain('/reset-password?token=');
      expect((await who.checkout()).status, host).toBe(200);
      expect((await who.api()).status, host).toBe(200);
    }
    expect((await as('localhost').pay()).status).toBe(303);
    expect(t.deps.payments.fake!.orders.get(order.id)!.status).toBe('paid');
  });

  it("answer PUBLIC_URL's host (behind a proxy), and still nothing else", async () => {
    const { as } = await installed({ PUBLIC_URL: 'http://trek.example.in' });
    const ours = as('trek.example.in');
    expect((await ours.mailbox()).status).toBe(200);
    expect((await ours.message()).text).toContain('/reset-password?token=');
    expect((await ours.checkout()).status).toBe(200);
    expect((await as('trek.example.in.attacker.example').mailbox()).status).toBe(404);
    expect((await as('attacker.example').checkout()).status).toBe(404);
  });

  it('leave the rest of the site alone: other pages answer any Host as before', async () => {
    const { url } = await installed();
    for (const path of ['/', '/healthz', '/login'])
      expect((await rawRequest(url + path, { headers: { Host: 'attacker.example' } })).status, path).toBe(200);
  });
});

describe('our own names', () => {
  it('include the address the server listens on when it is one (the SDK calls the test gateway there), never a wildcard', () => {
    const lan = ownHosts({ publicUrl: 'https://trek.example.in', host: '192.168.1.20' });
    expect(
      ['192.168.1.20', 'trek.example.in', 'TREK.example.in', 'localhost', '127.0.0.1', '::1', '[::1]'].filter(lan),
    ).toHaveLength(7);
    expect(['192.168.1.21', 'example.in', 'evil.localhost', 'attacker.example', '0.0.0.0'].filter(lan)).toEqual([]);
    for (const host of ['0.0.0.0', '::']) {
      const wide = ownHosts({ publicUrl: 'http://localhost:3000', host });
      expect(['0.0.0.0', '::', '[::]'].filter(wide)).toEqual([]);
    }
  });
});
