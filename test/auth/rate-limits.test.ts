import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { createApp } from '../../src/app.js';
import { MINUTE } from '../../src/lib/clock.js';
import { describeWait } from '../../src/lib/rate-limit.js';
import { accountsApp, fromIp, PASSWORD, register, sessionToken } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

const attempt = (email: string, password: string, ip: string, app = t) => app.post('/login', { email, password }, undefined, fromIp(ip));

describe('sign-in rate limits', () => {
  it('locks an account after 5 failures for 15 minutes, even from other addresses and with the right password', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++) expect((await attempt(person.email, 'wrong password!', `10.6.0.${i}`)).status).toBe(422);
    const locked = await attempt(person.email, PASSWORD, '10.6.1.1');
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many failed sign-in attempts. Try again in 15 minutes.');
    expect(sessionToken(locked)).toBeNull();
    t.clock.advance(10 * MINUTE);
    expect(await (await attempt(person.email, PASSWORD, '10.6.1.1')).text()).toContain('Try again in 5 minutes.');
    t.clock.advance(5 * MINUTE);
    const ok = await attempt(person.email, PASSWORD, '10.6.1.1');
    expect(ok.status).toBe(303);
  });

  it('a successful sign-in forgives the earlier failures of that account', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 4; i++) await attempt(person.email, 'wrong password!', '10.6.2.1');
    expect((await attempt(person.email, PASSWORD, '10.6.2.1')).status).toBe(303);
    for (let i = 0; i < 4; i++) expect((await attempt(person.email, 'wrong password!', '10.6.2.1')).status).toBe(422);
    expect((await attempt(person.email, PASSWORD, '10.6.2.1')).status).toBe(303);
  });

  it('stops one address guessing across many accounts after 30 failures', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 30; i++) expect((await attempt(`guess${i}@example.test`, 'wrong password!', '10.6.3.3')).status).toBe(422);
    const blocked = await attempt(person.email, PASSWORD, '10.6.3.3');
    expect(blocked.status).toBe(429);
    expect((await attempt(person.email, PASSWORD, '10.6.3.4')).status).toBe(303);
  });

  it('survives a restart: the counts live in SQLite', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++) await attempt(person.email, 'wrong password!', '10.6.4.1');
    const restarted = createApp(t.deps);
    const res = await restarted.request('http://localhost:3000/login', {
      method: 'POST',
      body: new URLSearchParams({ email: person.email, password: PASSWORD }),
      headers: { Origin: 'http://localhost:3000', 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '10.6.4.2' },
    });
    expect(res.status).toBe(429);
    const row = await t.db.selectFrom('rate_limits').selectAll().where('key', '=', `signin-fail:acct:${person.email}`).executeTakeFirstOrThrow();
    expect(row.count).toBe(5);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const plain = await accountsApp({ TRUST_PROXY: 'off' });
    try {
      for (let i = 0; i < 3; i++) await attempt(`x${i}@example.test`, 'wrong password!', `10.7.0.${i}`, plain);
      const keys = (await plain.db.selectFrom('rate_limits').select('key').where('key', 'like', 'signin-fail:ip:%').execute()).map((r) => r.key);
      expect(keys).toEqual(['signin-fail:ip:unknown']);
    } finally {
      await plain.close();
    }
  });
});

describe('waiting times in words', () => {
  it.each([
    [1, 'in 1 minute'],
    [60_000, 'in 1 minute'],
    [61_000, 'in 2 minutes'],
    [59 * MINUTE, 'in 59 minutes'],
    [60 * MINUTE, 'in 1 hour'],
    [61 * MINUTE, 'in 2 hours'],
  ])('%i ms is "%s"', (ms, words) => expect(describeWait(ms)).toBe(words));
});
