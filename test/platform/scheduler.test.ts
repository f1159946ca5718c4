import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cron } from 'croner';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startScheduler, SCHEDULE, type Scheduler } from '../../src/scheduler.js';
import { systemClock } from '../../src/lib/clock.js';
import { ZONE } from '../../src/lib/time.js';
import type { Deps } from '../../src/deps.js';
import type { Job } from '../../src/lib/jobs.js';

let t: TestApp;
let deps: Deps;
let scheduler: Scheduler | null = null;

beforeAll(async () => {
  t = await makeTestApp();
  // Under fake timers Date is faked too, so the system clock follows the timers.
  deps = { ...t.deps, clock: systemClock };
});
afterAll(() => t.close());
afterEach(async () => {
  await scheduler?.stop();
  scheduler = null;
  vi.useRealTimers();
  await t.db.deleteFrom('job_runs').execute();
});

const runs = () =>
  t.db
    .selectFrom('job_runs')
    .select(['name', 'started_at', 'finished_at', 'outcome', 'detail'])
    .orderBy('id')
    .execute();

describe('the scheduler', () => {
  it('reads schedules in India time: 02:00 IST is 20:30 UTC the day before', () => {
    const next = new Cron('0 2 * * *', { timezone: ZONE, paused: true }).nextRun(new Date('2026-11-25T12:00:00Z'));
    expect(next?.toISOString()).toBe('2026-11-25T20:30:00.000Z');
  });

  it('a job set for 02:00 IST fires at 20:30 UTC the day before, and is recorded', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T20:00:00Z') });
    const fired: string[] = [];
    const nightly: Job = {
      name: 'nightly',
      cron: '0 2 * * *',
      run: async () => {
        fired.push(new Date().toISOString());
        return 'charged 0';
      },
    };
    scheduler = startScheduler(deps, [nightly]);

    await vi.advanceTimersByTimeAsync(29 * 60_000 + 59_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fired).toEqual(['2026-11-25T20:30:00.000Z']);
    expect(await runs()).toEqual([
      {
        name: 'nightly',
        started_at: '2026-11-25T20:30:00.000Z',
        finished_at: '2026-11-25T20:30:00.000Z',
        outcome: 'ok',
        detail: 'charged 0',
      },
    ]);

    // Once a day: the next is 24 hours later.
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);
    expect(fired).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fired).toEqual(['2026-11-25T20:30:00.000Z', '2026-11-26T20:30:00.000Z']);
  });

  it('a tick that comes while the previous run is still going is skipped and recorded', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
    let release!: () => void;
    let started = 0;
    const slow: Job = {
      name: 'slow',
      cron: '*/10 * * * * *',
      run: async () => {
        started += 1;
        await new Promise<void>((r) => (release = r));
      },
    };
    scheduler = startScheduler(deps, [slow]);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(1);
    // A run by hand while it is busy is skipped as well.
    expect(await scheduler.runNow('slow')).toBe('skipped');
    release();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(0);

    // To the second: croner records its skip a tick (1 ms) after noticing it.
    expect((await runs()).map((r) => [r.outcome, r.started_at.slice(0, 19), r.detail])).toEqual([
      ['ok', '2026-11-25T06:00:10', null],
      ['skipped', '2026-11-25T06:00:20', 'previous run still in progress'],
      ['skipped', '2026-11-25T06:00:20', 'previous run still in progress'],
      ['ok', '2026-11-25T06:00:30', null],
    ]);
  });

  it('a throwing run is recorded as failed with its message, and the next run still happens', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
    let calls = 0;
    const flaky: Job = {
      name: 'flaky',
      cron: '* * * * *',
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('gateway timed out');
        return 'done';
      },
    };
    scheduler = startScheduler(deps, [flaky]);
    await vi.advanceTimersByTimeAsync(2 * 60_000);

    expect(await runs()).toEqual([
      {
        name: 'flaky',
        started_at: '2026-11-25T06:01:00.000Z',
        finished_at: '2026-11-25T06:01:00.000Z',
        outcome: 'failed',
        detail: 'gateway timed out',
      },
      {
        name: 'flaky',
        started_at: '2026-11-25T06:02:00.000Z',
        finished_at: '2026-11-25T06:02:00.000Z',
        outcome: 'ok',
        detail: 'done',
      },
    ]);
  });

  it('once stopped, no job runs again', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
    let calls = 0;
    scheduler = startScheduler(deps, [{ name: 'tick', cron: '* * * * * *', run: async () => void (calls += 1) }]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(3);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
  });

  it('the outbox job is on the schedule every ten seconds', () => {
    const outbox = SCHEDULE.find((j) => j.name === 'outbox')!;
    const c = new Cron(outbox.cron, { timezone: ZONE, paused: true });
    expect(c.nextRuns(3, new Date('2026-11-25T06:00:01Z')).map((d) => d.toISOString())).toEqual([
      '2026-11-25T06:00:10.000Z',
      '2026-11-25T06:00:20.000Z',
      '2026-11-25T06:00:30.000Z',
    ]);
  });
});
