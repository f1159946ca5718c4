/**
 * Backups (issue 29): bookings' p95 while the nightly backup copies a large database, and how
 * long a restore takes. The database is grown to BENCH_BACKUP_MB (default 200; 1024 is the
 * target of a busy company's year) with filler rows, then closed-loop booking clients
 * (BENCH_BACKUP_CLIENTS, default 10) book over HTTP: first with nothing else running, then
 * while takeBackup runs in the same process (as the scheduled job does), and, as a control,
 * while the same copy runs on the request connection (VACUUM INTO on the event loop).
 * `npm run bench -- backups`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { BenchContext, Section } from './support.js';
import { formBody, percentile } from './bookings.js';
import { makeTrip, signedIn } from '../test/support/factories.js';
import { bookingForm } from '../test/bookings/support.js';
import { putSetting } from '../src/lib/settings.js';
import { systemClock } from '../src/lib/clock.js';
import { takeBackup } from '../src/backups/service.js';
import { restoreBackup } from '../src/backups/restore.js';
import { breathe } from '../src/lib/jobs.js';

const MB = Number(process.env.BENCH_BACKUP_MB ?? 200);
const CLIENTS = Number(process.env.BENCH_BACKUP_CLIENTS ?? 10);
const BASELINE_MS = 3000;

async function growTo(ctx: BenchContext, mb: number) {
  const { db } = ctx.deps;
  await sql`CREATE TABLE IF NOT EXISTS bench_filler (id INTEGER PRIMARY KEY, note TEXT NOT NULL, data BLOB NOT NULL)`.execute(
    db,
  );
  // 10 MB a statement, with requests let in between.
  for (let done = 0; done < mb; done += 10) {
    await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
      INSERT INTO bench_filler (note, data) SELECT 'filler row ' || i, randomblob(4000) FROM n`.execute(db);
    await breathe();
  }
}

/** Books from `clients` closed loops until `until` settles (or for `ms`); the latencies, sorted. */
async function bookUntil(
  ctx: BenchContext,
  target: { tripId: number; departureIds: number[]; cookies: string[] },
  until: Promise<unknown>,
) {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  let n = 0;
  const client = async () => {
    while (!done) {
      const i = n++;
      const body = formBody(bookingForm(target.departureIds[i % target.departureIds.length], 1));
      const t0 = performance.now();
      const res = await fetch(`${ctx.url}/trips/${target.tripId}/book`, {
        method: 'POST',
        body,
        redirect: 'manual',
        headers: {
          Cookie: target.cookies[i % target.cookies.length],
          Origin: ctx.url,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
      });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  await until;
  return { times: times.sort((a, b) => a - b), statuses };
}

const round = (n: number) => Math.round(n * 10) / 10;

const section: Section = async (ctx) => {
  const { deps } = ctx;
  await putSetting(deps.db, systemClock, 'maxHeldSeatsPerTraveler', 1_000_000);
  const t0 = performance.now();
  await growTo(ctx, MB);
  const grownMs = performance.now() - t0;
  const trip = await makeTrip(deps, {
    departures: Array.from({ length: 40 }, (_, i) => ({
      start: `2027-0${3 + (i % 6)}-${10 + (i % 15)}`,
      capacity: 500,
    })),
  });
  const cookies = await Promise.all(Array.from({ length: 50 }, async () => (await signedIn(deps)).cookie));
  const target = { tripId: trip.tripId, departureIds: trip.departureIds, cookies };

  // Warm-up (JIT, statement cache), not measured.
  await bookUntil(ctx, target, new Promise((r) => setTimeout(r, 2000)));
  const baseline = await bookUntil(ctx, target, new Promise((r) => setTimeout(r, BASELINE_MS)));

  let backupMs = 0;
  let backupName = '';
  let backupBytes = 0;
  const backup = (async () => {
    const b0 = performance.now();
    const b = await takeBackup(deps);
    backupMs = performance.now() - b0;
    backupName = b.dir;
    backupBytes = b.databaseBytes;
  })();
  const during = await bookUntil(ctx, target, backup);

  // Control: the same copy made on the connection that serves requests.
  const controlFile = join(mkdtempSync(join(tmpdir(), 'tt-bench-vacuum-')), 'copy.db');
  const control = await bookUntil(
    ctx,
    target,
    (async () => {
      await breathe();
      await sql`VACUUM INTO ${controlFile}`.execute(deps.db);
    })(),
  );
  rmSync(join(controlFile, '..'), { recursive: true, force: true });

  const restoreDir = mkdtempSync(join(tmpdir(), 'tt-bench-restore-'));
  const r0 = performance.now();
  await restoreBackup({ dataDir: restoreDir, backupS3: undefined }, systemClock, backupName);
  const restoreMs = performance.now() - r0;
  rmSync(restoreDir, { recursive: true, force: true });

  const errors = (s: Record<number, number>) =>
    Object.entries(s)
      .filter(([k]) => k !== '303')
      .reduce((sum, [, v]) => sum + v, 0);
  const note = `${MB} MB filler in ${round(grownMs / 1000)} s, ${CLIENTS} clients`;
  return [
    { measure: 'database copied (MB)', value: round(backupBytes / 1024 / 1024), unit: '', note },
    {
      measure: 'booking p95 with no backup running',
      value: round(percentile(baseline.times, 95)),
      unit: 'ms',
      note: `${baseline.times.length} bookings`,
    },
    {
      measure: 'booking p95 while the backup runs',
      value: round(percentile(during.times, 95)),
      unit: 'ms',
      note: `${during.times.length} bookings, ${errors(during.statuses)} not 303; max ${round(during.times.at(-1) ?? 0)} ms`,
    },
    {
      // Relative: this machine's speed varies from run to run (and with whoever else uses it).
      measure: 'booking p95 while the backup runs / with none (×)',
      value: Math.round((percentile(during.times, 95) / percentile(baseline.times, 95)) * 100) / 100,
      unit: '',
      budget: { max: 2 },
    },
    { measure: 'backup duration (copy, integrity check, files, retention)', value: Math.round(backupMs), unit: 'ms' },
    {
      measure: 'control: booking p95 with VACUUM INTO on the request connection',
      value: round(percentile(control.times, 95)),
      unit: 'ms',
      note: `${control.times.length} bookings; max ${round(control.times.at(-1) ?? 0)} ms`,
    },
    { measure: 'restore time (check + put in place)', value: Math.round(restoreMs), unit: 'ms' },
  ];
};

export default section;
