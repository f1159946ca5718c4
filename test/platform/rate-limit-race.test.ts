import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { consume, RateLimitedError } from '../../src/lib/rate-limit.js';
import { MINUTE } from '../../src/lib/clock.js';

/**
 * A limit checked and then counted in two steps lets hits that arrive together all pass the
 * check before any is counted. `consume` must let exactly `limit` through, however they race.
 */
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('consume under concurrency', () => {
  it('50 hits at once on a limit of 5 let exactly 5 through and count each', async () => {
    const rule = { limit: 5, windowMs: 10 * MINUTE };
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        consume(t.db, t.clock, [
          { key: 'race:ip:1.2.3.4', rule },
          { key: 'race:acct:7', rule: { limit: 100, windowMs: 10 * MINUTE } },
        ]).then(
          () => 'ok',
          (e) => (e instanceof RateLimitedError ? 'limited' : `error: ${e}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(45);
    const rows = await t.db
      .selectFrom('rate_limits')
      .select(['key', 'count'])
      .where('key', 'like', 'race:%')
      .orderBy('key')
      .execute();
    // A refused hit counts nowhere: the account key saw only the 5 that got through.
    expect(rows).toEqual([
      { key: 'race:acct:7', count: 5 },
      { key: 'race:ip:1.2.3.4', count: 5 },
    ]);
  });

  it("inside a caller's transaction it counts in that transaction", async () => {
    const rule = { limit: 1, windowMs: 10 * MINUTE };
    await expect(
      t.db.transaction().execute(async (trx) => {
        await consume(trx, t.clock, [{ key: 'race:tx', rule }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(
      await t.db.selectFrom('rate_limits').select('count').where('key', '=', 'race:tx').executeTakeFirst(),
    ).toBeUndefined();
  });
});
