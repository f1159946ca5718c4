import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cron } from 'croner';
import { sql } from 'kysely';
import Sqlite from 'better-sqlite3';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { scheduleFor, startScheduler, SCHEDULE } from '../../src/scheduler.js';
import { putSetting } from '../../src/lib/settings.js';
import { ZONE } from '../../src/lib/time.js';
import { takeBackup } from '../../src/backups/service.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  // The real scheduler's "run now", without its timers.
  const scheduler = startScheduler(t.deps);
  await scheduler.stop();
  t.deps.runJob = (name) => scheduler.runNow(name);
});
afterAll(() => t.close());

const backups = (app: TestApp) =>
  readdirSync(join(app.dir, 'backups'))
    .filter((n) => !n.startsWith('.'))
    .sort();

describe('the nightly backup', () => {
  it('runs at 02:30 India time by default, and at the backupTime setting when there is one', () => {
    const cronOf = (jobs: typeof SCHEDULE) => jobs.find((j) => j.name === 'backups.nightly')!.cron;
    const next = (cron: string) =>
      new Cron(cron, { timezone: ZONE, paused: true }).nextRun(new Date('2026-12-07T12:00:00Z'))!.toISOString();
    expect(next(cronOf(SCHEDULE))).toBe('2026-12-07T21:00:00.000Z');
    expect(next(cronOf(scheduleFor({ backupTime: '01:15' })))).toBe('2026-12-07T19:45:00.000Z');
    expect(next(cronOf(scheduleFor({ backupTime: 'at night' })))).toBe('2026-12-07T21:00:00.000Z');
  });

  it('run by an admin from /admin/jobs: writes a checked copy of the database and the stored files, and its line says so', async () => {
    const admin = await signedIn(t.deps, { role: 'admin', name: 'Backup Admin' });
    mkdirSync(join(t.dir, 'uploads'), { recursive: true });
    mkdirSync(join(t.dir, 'private', 'proofs'), { recursive: true });
    writeFileSync(join(t.dir, 'uploads', 'photo-320.webp'), 'photo bytes');
    writeFileSync(join(t.dir, 'private', 'proofs', 'proof-320.webp'), 'proof bytes');
    t.clock.set('2026-12-06T21:00:00Z');

    const res = await t.post('/admin/jobs/backups.nightly/run', {}, admin.cookie);
    expect(res.status).toBe(303);

    const run = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('name', '=', 'backups.nightly')
      .executeTakeFirstOrThrow();
    expect(run.outcome).toBe('ok');
    expect(run.detail).toMatch(
      /^2026-12-06T21-00-00Z: database [\d.]+ KB \(integrity ok\), 2 files 22 B; [\d.]+ s; kept 1$/,
    );
    const page = await (await t.request('/admin/jobs?name=backups.nightly', { cookie: admin.cookie })).text();
    expect(page).toContain(run.detail!);

    const dir = join(t.dir, 'backups', '2026-12-06T21-00-00Z');
    const copy = new Sqlite(join(dir, 'trektribe.db'), { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare("SELECT count(*) FROM users WHERE name = 'Backup Admin'").pluck().get()).toBe(1);
    } finally {
      copy.close();
    }
    expect(readFileSync(join(dir, 'uploads', 'photo-320.webp'), 'utf8')).toBe('photo bytes');
    expect(readFileSync(join(dir, 'private', 'proofs', 'proof-320.webp'), 'utf8')).toBe('proof bytes');
    // Stored files are never changed in place: the backup links them instead of copying.
    expect(statSync(join(dir, 'uploads', 'photo-320.webp')).ino).toBe(
      statSync(join(t.dir, 'uploads', 'photo-320.webp')).ino,
    );
    expect(JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8'))).toMatchObject({
      name: '2026-12-06T21-00-00Z',
      files: 2,
      fileBytes: 22,
    });
  }, 60_000);

  it('keeps the newest backup of each of the last N days and of the last M weeks (India time), and removes the rest', async () => {
    const t = await makeTestApp();
    try {
      await putSetting(t.db, t.clock, 'backupKeepDaily', 3);
      await putSetting(t.db, t.clock, 'backupKeepWeekly', 2);
      const left = () => backups(t);
      // Every night at 02:30 IST (21:00 UTC the evening before) from Monday 2 to Sunday 22 November …
      for (let day = 2; day <= 22; day++) {
        t.clock.set(new Date(Date.UTC(2026, 10, day - 1, 21, 0, 0)));
        await takeBackup(t.deps);
        // … none is removed before it is past what retention keeps.
        expect(left()).toContain(`2026-11-${String(day - 1).padStart(2, '0')}T21-00-00Z`);
      }
      // … and one more by hand on Sunday 22 at 15:00 IST.
      t.clock.set('2026-11-22T09:30:00Z');
      const last = await takeBackup(t.deps);

      expect(left()).toEqual([
        '2026-11-14T21-00-00Z', // Sunday 15 Nov, 02:30 IST: the newest of the week before
        '2026-11-19T21-00-00Z', // Friday 20
        '2026-11-20T21-00-00Z', // Saturday 21
        '2026-11-22T09-30-00Z', // Sunday 22, the later of its two (the newest of this week too)
      ]);
      expect(last.kept).toBe(backups(t).length);
      expect(last.removed).toEqual(['2026-11-21T21-00-00Z']);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('holds the commits still in the WAL (a copy of the database file alone would lose them)', async () => {
    const app = await makeTestApp();
    try {
      // Nothing copies the WAL back into the database file while this test runs.
      await sql`PRAGMA wal_autocheckpoint = 0`.execute(app.db);
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(app.db);
      await signedIn(app.deps, { name: 'Committed To The WAL Only' });
      expect(statSync(join(app.dir, 'trektribe.db-wal')).size).toBeGreaterThan(0);

      const b = await takeBackup(app.deps);

      const copy = new Sqlite(join(b.dir, 'trektribe.db'), { readonly: true });
      try {
        expect(copy.prepare("SELECT count(*) FROM users WHERE name = 'Committed To The WAL Only'").pluck().get()).toBe(
          1,
        );
      } finally {
        copy.close();
      }
    } finally {
      await app.close();
    }
  }, 30_000);

  it('copies and checks a large database off the event loop: requests keep being answered meanwhile', async () => {
    const app = await makeTestApp();
    try {
      await sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)`.execute(app.db);
      for (let i = 0; i < 6; i++)
        await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
          INSERT INTO filler (data) SELECT randomblob(4000) FROM n`.execute(app.db);
      // The longest the event loop went without running a 5 ms timer, while the backup ran.
      let longest = 0;
      let last = performance.now();
      const tick = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      const b = await takeBackup(app.deps);
      const took = performance.now() - started;
      clearInterval(tick);

      expect(b.databaseBytes).toBeGreaterThan(55 * 1024 * 1024);
      // Copying and checking ~60 MB is most of the run; on the event loop it would be one long stall.
      expect(longest).toBeLessThan(took / 2);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('leaves no half-written backup behind when it fails, and says why', async () => {
    t.clock.set('2026-11-30T21:00:00Z');
    const dbFile = join(t.dir, 'backups', '2026-11-30T21-00-00Z');
    mkdirSync(dbFile, { recursive: true });
    await expect(takeBackup(t.deps)).rejects.toThrow('a backup named 2026-11-30T21-00-00Z already exists');
    expect(readdirSync(join(t.dir, 'backups')).filter((n) => n.startsWith('.partial'))).toEqual([]);
    expect(existsSync(join(dbFile, 'trektribe.db'))).toBe(false);
  });
});
