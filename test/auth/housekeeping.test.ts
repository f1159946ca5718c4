import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { DAY, HOUR } from '../../src/lib/clock.js';
import { purgeStaleAccountData } from '../../src/auth/jobs.js';
import { SCHEDULE } from '../../src/scheduler.js';
import { accountsApp, fromIp, registered as register, signIn } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

const count = async (table: 'sessions' | 'rate_limits' | 'account_tokens') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('account housekeeping', () => {
  it('is scheduled nightly', () => {
    expect(SCHEDULE.find((j) => j.name === 'account-housekeeping')?.cron).toBe('35 3 * * *');
  });

  it('removes expired sessions, finished rate-limit windows and spent tokens, and keeps what still matters; twice is harmless', async () => {
    const { person: old } = await register(t, {}, '10.9.0.1');
    await signIn(t, old.email);
    await t.post('/login', { email: old.email, password: 'wrong password!' }, undefined, fromIp('10.9.0.2'));
    t.clock.advance(31 * DAY);
    const { person: fresh } = await register(t, {}, '10.9.0.3');
    await signIn(t, fresh.email, undefined, '10.9.0.3');
    expect([await count('sessions'), await count('account_tokens')]).toEqual([2, 2]);

    // register:ip, and the wrong password's three counters: account + address, account, address.
    expect(await purgeStaleAccountData(t.deps)).toBe('removed 1 sessions, 4 rate limits, 1 tokens');
    expect(await count('sessions')).toBe(1);
    expect(await count('account_tokens')).toBe(1);
    const keys = (await t.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys).toEqual(['register:ip:10.9.0.3']);
    t.clock.advance(HOUR);
    expect(await purgeStaleAccountData(t.deps)).toBe('removed 0 sessions, 0 rate limits, 0 tokens');
  });
});
