import { afterAll, describe, expect, it } from 'vitest';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { migrateToLatest, openDatabase } from '../../src/db.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/lib/clock.js';
import { takeBackup } from '../../src/backups/service.js';
import { makeTrip, signedIn, liftSeatCaps } from '../support/factories.js';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { spawnServer, type ServerProcess } from '../platform/server-process.js';
import { runCli } from './cli.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

async function started(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer({ LOG_LEVEL: 'silent', ...env });
  cleanups.push(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  await server.ready();
  return server;
}

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  await server.exited;
}

/** A migrated data folder with a trip of `departures` departures, travelers, and a stored file in each store. */
async function dataFolder(o: { departures: number; travelers: number }) {
  const dir = scratch('tt-backup-');
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  const deps = { db, clock: systemClock };
  // A steady load of bookings from a few travelers: their caps on unpaid seats are lifted (the checks still run).
  await liftSeatCaps({ db, clock: systemClock });
  const trip = await makeTrip(deps, {
    departures: Array.from({ length: o.departures }, (_, i) => ({ start: `2027-03-${10 + i}`, capacity: 500 })),
  });
  const travelers = await Promise.all(Array.from({ length: o.travelers }, () => signedIn(deps)));
  const admin = await signedIn(deps, { role: 'admin' });
  mkdirSync(join(dir, 'uploads'), { recursive: true });
  mkdirSync(join(dir, 'private', 'proofs'), { recursive: true });
  writeFileSync(join(dir, 'uploads', 'trip-photo-640.webp'), 'a trip photo');
  writeFileSync(join(dir, 'private', 'proofs', 'upi-screenshot-320.webp'), 'a payment screenshot');
  await db.destroy();
  if (sqlite.open) sqlite.close();
  return { dir, ...trip, cookies: travelers.map((t) => t.cookie), adminCookie: admin.cookie };
}

const backupNames = (dir: string) => readdirSync(join(dir, 'backups')).filter((n) => /^\d{4}-.*Z$/.test(n));

describe('a backup taken while bookings are being made', () => {
  it('restores into a fresh DATA_DIR: the app starts, every booking acknowledged before the backup began is there, seats add up, integrity ok', async () => {
    const data = await dataFolder({ departures: 8, travelers: 30 });
    const server = await started({ DATA_DIR: data.dir });

    // Bookings over real HTTP from 6 clients, without pause, until told to stop.
    const acked: { id: number; at: number }[] = [];
    const statuses: Record<number, number> = {};
    let stopping = false;
    const client = async (c: number) => {
      for (let i = c; !stopping; i += 6) {
        const form = bookingForm(data.departureIds[(i * 7) % data.departureIds.length], 1 + (i % 2));
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
        const res = await fetch(`${server.url}/trips/${data.tripId}/book`, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: {
            Cookie: data.cookies[i % data.cookies.length],
            Origin: server.url,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
        });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 303) acked.push({ id: bookingIdFrom(res), at: performance.now() });
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, c) => client(c)));
    // The backup begins once the load is well under way.
    while (acked.length < 30) await new Promise((r) => setTimeout(r, 20));

    // By hand from the command line, with the server running and the bookings going on.
    const byHand = await runCli('backup', [], { DATA_DIR: data.dir });
    const [first] = backupNames(data.dir);
    await new Promise((r) => setTimeout(r, 1000));
    // Then the nightly job, started by hand in the server process: its copy begins right away,
    // so a booking acknowledged just before is still in the WAL (checkpointed once a second).
    const ackedBefore = acked.length;
    const began = performance.now();
    const run = await fetch(`${server.url}/admin/jobs/backups.nightly/run`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: data.adminCookie, Origin: server.url },
    });
    expect(run.status).toBe(303);
    while (backupNames(data.dir).every((n) => n === first)) await new Promise((r) => setTimeout(r, 20));
    const ended = performance.now();
    stopping = true;
    await load;
    await stop(server);

    expect(byHand.code).toBe(0);
    expect(byHand.stdout).toMatch(/^backup done: .*integrity ok/);
    // Both taken on one day: retention keeps the newer.
    expect(backupNames(data.dir)).toHaveLength(1);
    expect(backupNames(data.dir)).not.toContain(first);
    // The load really ran before and during the backup, and nothing failed.
    const before = acked.filter((a) => a.at < began);
    expect(before.length).toBe(ackedBefore);
    expect(before.length).toBeGreaterThanOrEqual(30);
    expect(acked.filter((a) => a.at > began && a.at < ended).length).toBeGreaterThan(0);
    expect(Object.keys(statuses).filter((s) => s !== '303' && s !== '422')).toEqual([]);

    const [name] = backupNames(data.dir);
    const fresh = scratch('tt-restored-');
    const restore = await runCli('restore', [join(data.dir, 'backups', name)], { DATA_DIR: fresh });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('There was no database before');

    const restored = await started({ DATA_DIR: fresh });
    const page = await fetch(`${restored.url}/trips/${data.tripId}`);
    expect(page.status).toBe(200);
    await stop(restored);

    const db = new Sqlite(join(fresh, 'trektribe.db'), { readonly: true });
    cleanups.push(() => void db.close());
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const ids = new Set(db.prepare('SELECT id FROM bookings').pluck().all() as number[]);
    expect(before.filter((a) => !ids.has(a.id))).toEqual([]);
    const departures = db
      .prepare(
        `SELECT d.id, d.seats_taken AS taken,
           (SELECT COALESCE(SUM(b.guests), 0) FROM bookings b WHERE b.departure_id = d.id AND b.status != 'cancelled') AS held
         FROM departures d`,
      )
      .all() as { id: number; taken: number; held: number }[];
    expect(departures.filter((d) => d.taken !== d.held)).toEqual([]);
    expect(departures.reduce((s, d) => s + d.taken, 0)).toBeGreaterThan(0);
    expect(readFileSync(join(fresh, 'uploads', 'trip-photo-640.webp'), 'utf8')).toBe('a trip photo');
    expect(readFileSync(join(fresh, 'private', 'proofs', 'upi-screenshot-320.webp'), 'utf8')).toBe(
      'a payment screenshot',
    );
  }, 120_000);
});

describe('restore refuses', () => {
  /** A data folder with one backup taken in this process, and a marker row to see the live data is untouched. */
  async function withBackup() {
    const dir = scratch('tt-backup-');
    const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
    await migrateToLatest(db);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });
    const b = await takeBackup({ config, db, clock: systemClock, log: pino({ level: 'silent' }) });
    await signedIn({ db, clock: systemClock }, { name: 'Live Data Marker' });
    await db.destroy();
    if (sqlite.open) sqlite.close();
    return { dir, backupDir: b.dir, backupDb: join(b.dir, 'trektribe.db') };
  }

  const liveUntouched = (dir: string) => {
    const db = new Sqlite(join(dir, 'trektribe.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM users WHERE name = 'Live Data Marker'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('replaced-'))).toEqual([]);
  };

  it('while a server has the database open, and says so plainly', async () => {
    const b = await withBackup();
    const server = await started({ DATA_DIR: b.dir });

    const r = await runCli('restore', [b.backupDir], { DATA_DIR: b.dir });

    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is in use: a TrekTribe server');
    expect(r.stderr).toContain('Stop the server, then run the restore again.');
    await stop(server);
    liveUntouched(b.dir);

    // Once the server has stopped, the same restore goes through and keeps the replaced data.
    const again = await runCli('restore', [b.backupDir], { DATA_DIR: b.dir });
    expect(again.code).toBe(0);
    const [replaced] = readdirSync(b.dir).filter((n) => n.startsWith('replaced-'));
    expect(existsSync(join(b.dir, replaced, 'trektribe.db'))).toBe(true);
  }, 60_000);

  it('a backup file that is not a database at all', async () => {
    const b = await withBackup();
    writeFileSync(b.backupDb, Buffer.alloc(64 * 1024, 'not a database '));

    const r = await runCli('restore', [b.backupDir], { DATA_DIR: b.dir });

    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Not restored: The backup \S+ is not a usable database .*refusing to restore it/);
    liveUntouched(b.dir);
  }, 30_000);

  it('a backup database with a damaged page that only the integrity check reads', async () => {
    const b = await withBackup();
    // A page of the users table's email index: the backup still opens and its migrations read fine.
    const copy = new Sqlite(b.backupDb, { readonly: true });
    const { pageno } = copy
      .prepare(
        "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users') ORDER BY pageno LIMIT 1",
      )
      .get() as { pageno: number };
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    copy.close();
    const fd = openSync(b.backupDb, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
    closeSync(fd);

    const r = await runCli('restore', [b.backupDir], { DATA_DIR: b.dir });

    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Not restored: The backup \S+ failed its integrity check \(.+\): refusing to restore it\.$/m,
    );
    liveUntouched(b.dir);
  }, 30_000);

  it('a backup made by a newer version (a migration this code does not know)', async () => {
    const b = await withBackup();
    const db = new Sqlite(b.backupDb);
    db.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run(
      '9999_from_the_future',
      new Date().toISOString(),
    );
    db.close();

    const r = await runCli('restore', [b.backupDir], { DATA_DIR: b.dir });

    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was made by a newer version of TrekTribe');
    expect(r.stderr).toContain('9999_from_the_future');
    liveUntouched(b.dir);
  }, 30_000);

  it('a backup that is not there', async () => {
    const b = await withBackup();
    const r = await runCli('restore', ['2020-01-01T00-00-00Z'], { DATA_DIR: b.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('There is no backup 2020-01-01T00-00-00Z');
    liveUntouched(b.dir);
  }, 30_000);
});
