import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, statfsSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { migrateToLatest, openDatabase } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { makeTrip, signedIn } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { spawnServer, type ServerProcess } from './server-process.js';

/**
 * Issue 28, item 12: the server's DATA_DIR on a file system that fills up. A real tmpfs of
 * 8 MB is mounted for the test (CI runs as root), the server runs as its own process on it,
 * and a filler file takes the free space away and gives it back.
 */

let dir: string;
let server: ServerProcess | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir]);
});
afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

const FILLER = () => join(dir, 'filler');
/** Fills the file system: a filler file written until the kernel says there is no space left. */
function fillUp() {
  const fd = openSync(FILLER(), 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const form = (f: Record<string, string | string[]>) => {
  const b = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) for (const one of [v].flat()) b.append(k, one);
  return b;
};

describe('a full disk under DATA_DIR', () => {
  it('bookings get a 503 page, /healthz says 503, the error is logged once, nothing is half-written, and all works again once space returns', async () => {
    // The database, a trip with room for everyone, and signed-in travelers, before the server starts.
    const file = join(dir, 'trektribe.db');
    const { db } = openDatabase(file);
    await migrateToLatest(db);
    const deps = { db, clock: systemClock };
    const trip = await makeTrip(deps, { capacity: 500, pricePaise: 150_000, start: '2027-03-10' });
    const cookies: string[] = [];
    for (let i = 0; i < 250; i++) cookies.push((await signedIn(deps)).cookie);
    await db.destroy();

    server = await spawnServer({ DATA_DIR: dir, LOG_LEVEL: 'info' });
    await server.ready();
    const base = server.url;
    let next = 0;
    const book = async () => {
      const res = await fetch(`${base}/trips/${trip.tripId}/book`, {
        method: 'POST',
        redirect: 'manual',
        body: form(bookingForm(trip.departureId, 1)),
        headers: { Origin: base, Cookie: cookies[next++], 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      return { status: res.status, text: await res.text() };
    };
    const health = async () => (await fetch(`${base}/healthz`)).status;

    expect((await book()).status).toBe(303);
    expect(await health()).toBe(200);

    // The disk fills up: every booking now fails, plainly, with our 503 page.
    fillUp();
    const failed: { status: number; text: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await book();
      if (r.status !== 303) failed.push(r);
    }
    expect(failed.length).toBeGreaterThan(30);
    for (const r of failed) {
      expect(r.status).toBe(503);
      expect(r.text).toContain('unable to save');
    }
    // Give /healthz's cached answer time to expire: it must look, not remember.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await health()).toBe(503);

    // Nothing half-written: every booking row has its seat and its participant, and no more rows than 303s.
    const counts = () => {
      const ro = new Sqlite(file, { readonly: true });
      try {
        return ro
          .prepare(
            `select (select count(*) from bookings) as bookings,
                    (select seats_taken from departures where id = ?) as seats,
                    (select count(*) from booking_participants) as participants`,
          )
          .get(trip.departureId) as { bookings: number; seats: number; participants: number };
      } finally {
        ro.close();
      }
    };
    const during = counts();
    const succeeded = next - failed.length;
    expect(during).toEqual({ bookings: succeeded, seats: succeeded, participants: succeeded });

    // The real error, once: not "cannot rollback", and not once per request.
    // Meanwhile the checkpoint thread has failed every second, and the outbox job (every 10 s) at least once.
    await new Promise((r) => setTimeout(r, 10_500));
    const logged = server
      .output()
      .stdout.split('\n')
      .filter((l) => /disk is full|SQLITE_FULL/.test(l));
    expect(logged, logged.map((l) => l.slice(0, 300)).join('\n')).toHaveLength(1);
    expect(server.output().stdout).not.toContain('cannot rollback');

    // A little space returns (1.5 MB of the filler): bookings and /healthz work again at once,
    // and keep working: the WAL must not grow back into the space and fill the disk again.
    truncateSync(FILLER(), statSync(FILLER()).size - 1.5 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await health()).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await book()).status);
    console.log(
      statuses.join(','),
      ['', '-wal', '-shm'].map((x) => statSync(file + x).size),
      statfsSync(dir).bavail * 4096,
    );
    expect(statuses.filter((s) => s !== 303)).toEqual([]);
    const after = counts();
    expect(after).toEqual({ bookings: succeeded + 150, seats: succeeded + 150, participants: succeeded + 150 });
    expect(server.output().stdout).toMatch(/can be written again/);
  }, 120_000);
});
