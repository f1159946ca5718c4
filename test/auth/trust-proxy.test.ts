import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { TestApp } from '../support/app.js';
import { forwardedClient } from '../../src/lib/net.js';
import { accountsApp, fromIp, PASSWORD, register } from './helpers.js';

/**
 * Issue 18, item 3: behind a trusted proxy the client address is the one the proxy added
 * (the right-most X-Forwarded-For entry, or the hops-th from the right), never what the
 * client wrote to the left of it.
 */
let t: TestApp;
beforeEach(async () => {
  t = await accountsApp({ TRUST_PROXY: 'on' });
});
afterEach(() => t.close());

/** What reaches us through one proxy when the client sends its own X-Forwarded-For: the proxy appends the real address. */
const spoofed = (i: number, real: string) => `10.${i % 250}.${Math.floor(i / 250)}.1, ${real}`;
const attempt = (email: string, password: string, xff: string) =>
  t.post('/login', { email, password }, undefined, fromIp(xff));
const count = async (key: string) =>
  (await t.db.selectFrom('rate_limits').select('count').where('key', '=', key).executeTakeFirst())?.count ?? 0;

describe('behind a trusted proxy, spoofed X-Forwarded-For entries', () => {
  it('do not dodge the registration limit (10 an hour from one address)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await register(t, {}, spoofed(i, '203.0.113.7'))).res.status);
    expect(statuses).toEqual([...Array(10).fill(303), 429, 429]);
    // Another real address still registers.
    expect((await register(t, {}, spoofed(99, '203.0.113.8'))).res.status).toBe(303);
  });

  it('do not dodge the sign-in limit of one address across accounts (30 failures)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++)
      statuses.push((await attempt(`guess${i}@example.test`, 'wrong password!', spoofed(i, '203.0.113.9'))).status);
    expect(statuses).toEqual([...Array(30).fill(422), ...Array(5).fill(429)]);
    expect(await count('signin-fail:ip:203.0.113.9')).toBe(30);
  });

  it("cannot lock another user's account: one real address gets 5 guesses, the owner signs in from theirs", async () => {
    const { person } = await register(t, { role: 'organizer' }, '198.51.100.5');
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await attempt(person.email, `guess number ${i}`, spoofed(i, '203.0.113.66'))).status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(await count(`signin-fail:acct:${person.email}`)).toBe(5);
    // The owner, through the same proxy from their own address, with a made-up entry of their own.
    expect((await attempt(person.email, PASSWORD, '1.2.3.4, 198.51.100.5')).status).toBe(303);
  });
});

describe('TRUST_PROXY=<hops>', () => {
  it('takes the entry that many from the right, and the socket address when there are fewer', async () => {
    const two = await accountsApp({ TRUST_PROXY: '2' });
    const { url, server } = await new Promise<{ url: string; server: ServerType }>((resolve) => {
      const server = serve({ fetch: two.app.fetch, port: 0, hostname: '127.0.0.1' }, (i: AddressInfo) =>
        resolve({ url: `http://127.0.0.1:${i.port}`, server }),
      );
    });
    try {
      const post = (xff: string) =>
        fetch(`${url}/login`, {
          method: 'POST',
          redirect: 'manual',
          body: new URLSearchParams({ email: 'nobody@example.test', password: 'wrong password!' }),
          headers: { Origin: url, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': xff },
        });
      expect((await post('6.6.6.6, 198.51.100.20, 10.0.0.2')).status).toBe(422);
      expect((await post('198.51.100.20')).status).toBe(422);
      const keys = (
        await two.db
          .selectFrom('rate_limits')
          .select('key')
          .where('key', 'like', 'signin-fail:ip:%')
          .orderBy('key')
          .execute()
      ).map((r) => r.key);
      expect(keys).toEqual(['signin-fail:ip:127.0.0.1', 'signin-fail:ip:198.51.100.20']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await two.close();
    }
  });

  it.each([
    [undefined, 1, 'sock'],
    ['9.9.9.9', 0, 'sock'],
    ['9.9.9.9', 1, '9.9.9.9'],
    ['1.1.1.1, 9.9.9.9', 1, '9.9.9.9'],
    ['1.1.1.1,9.9.9.9 , 10.0.0.1', 2, '9.9.9.9'],
    ['9.9.9.9, 10.0.0.1', 3, 'sock'],
    ['1.1.1.1, , 10.0.0.1', 2, 'sock'],
  ])('X-Forwarded-For %j with %i hops is %s', (xff, hops, expected) => {
    expect(forwardedClient(xff, hops, 'sock')).toBe(expected);
  });
});
