import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { housekeeping } from '../../src/platform/housekeeping.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { DAY, HOUR } from '../../src/lib/clock.js';
import { scratchDir } from '../../src/lib/uploads.js';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const daysAgo = (n: number) => new Date(t.clock.now().getTime() - n * DAY).toISOString();

describe('nightly housekeeping', () => {
  it('forgets uneventful job runs after 14 days, failures after 90, and delivered messages after 30; keeps everything newer and anything undelivered', async () => {
    const run = (name: string, outcome: 'ok' | 'failed' | 'skipped', at: string) => ({
      name,
      outcome,
      started_at: at,
      finished_at: at,
      detail: null,
    });
    await t.db
      .insertInto('job_runs')
      .values([
        run('outbox', 'ok', daysAgo(15)),
        run('outbox', 'skipped', daysAgo(15)),
        run('outbox', 'ok', daysAgo(13)),
        run('billing', 'failed', daysAgo(60)),
        run('billing', 'failed', daysAgo(91)),
      ])
      .execute();

    const start = t.clock.now();
    t.clock.set(new Date(start.getTime() - 31 * DAY));
    const old = await t.db
      .transaction()
      .execute((trx) =>
        enqueue(trx, t, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'old code 111111' }),
      );
    await deliverDue(t.deps);
    const stuck = await t.db
      .transaction()
      .execute((trx) => enqueue(trx, t, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'never sent' }));
    await t.db.updateTable('outbox').set({ status: 'failed' }).where('id', '=', stuck).execute();
    t.clock.set(start);
    const recent = await t.db
      .transaction()
      .execute((trx) =>
        enqueue(trx, t, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'new code 222222' }),
      );
    await deliverDue(t.deps);

    expect(await housekeeping(t.deps)).toBe(
      'removed 3 old job runs, 2 delivered messages, 0 unsaved photos, 0 screenshots of rejected payment proofs, 0 abandoned uploads; moved 0 screenshots to private storage',
    );

    const runs = await t.db.selectFrom('job_runs').select(['name', 'outcome', 'started_at']).orderBy('id').execute();
    expect(runs).toEqual([
      { name: 'outbox', outcome: 'ok', started_at: daysAgo(13) },
      { name: 'billing', outcome: 'failed', started_at: daysAgo(60) },
    ]);
    const outbox = await t.db.selectFrom('outbox').select('id').orderBy('id').execute();
    expect(outbox.map((o) => o.id)).toEqual([stuck, recent]);
    expect(old).not.toBe(recent);
    const dev = await t.db.selectFrom('dev_messages').select('text').execute();
    expect(dev).toEqual([{ text: 'new code 222222' }]);
  });

  it('removes the scratch folder of an upload a stopped process never finished, after an hour; one in progress stays', async () => {
    const folder = (name: string, age: number) => {
      const dir = join(scratchDir(t.dir), name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, '0'), 'part of a photo');
      const at = new Date(t.clock.now().getTime() - age);
      utimesSync(dir, at, at);
      return dir;
    };
    const abandoned = folder('abandoned', 2 * HOUR);
    const current = folder('current', 5_000);
    expect(await housekeeping(t.deps)).toContain(', 1 abandoned uploads;');
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(current)).toBe(true);
  });
});
