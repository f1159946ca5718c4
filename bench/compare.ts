/**
 * Booking creation in two builds, side by side: `npx tsx bench/compare.ts <rev> [<rev>]`
 * (the second defaults to the work tree as it is; ROUNDS=8 by default, at most 12).
 *
 * This machine's speed drifts by a third within minutes, so two runs of `npm run bench` an
 * hour apart cannot tell a 10 % change from noise. Here each revision is built in a scratch
 * worktree, both servers run at once (as in production, each on its own database), and the
 * same 50 closed-loop clients load them in turns (A B, B A, A B …), so both see the same
 * drift. Prints, for each, the medians over the rounds of CPU per booking (main thread and
 * whole process), bookings per second, p50 and p95. Both servers run their jobs, so the
 * idle one's outbox may take some CPU while the other is measured: the same for both.
 * The revisions must share the work tree's schema (its factories seed their databases).
 */
import { execFileSync } from 'node:child_process';
import { Agent } from 'node:http';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db.js';
import { systemClock } from '../src/lib/clock.js';
import { signedIn, addDeparture, makeTrip, liftSeatCaps } from '../test/support/factories.js';
import { bookingForm } from '../test/bookings/support.js';
import { closedLoop, formBody, percentile, postForm, startApp } from './bookings.js';

const root = join(import.meta.dirname, '..');
const ROUNDS = Math.min(12, Number(process.env.ROUNDS ?? 8));
const PER_ROUND = 1500;
const CLIENTS = 50;

const revs = process.argv.slice(2);
if (revs.length < 1 || revs.length > 2) {
  console.error('usage: npx tsx bench/compare.ts <rev> [<rev>]   (the second defaults to the work tree)');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'tt-compare-'));
const worktrees: string[] = [];
const tsc = (dir: string) =>
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );

/** A built tree: the revision checked out in a scratch worktree, or the work tree itself. */
function build(rev: string | undefined, i: number): { label: string; dir: string } {
  if (!rev) {
    tsc(root);
    return { label: 'work tree', dir: root };
  }
  const dir = join(scratch, `tree${i}`);
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--quiet', dir, rev], { stdio: 'inherit' });
  worktrees.push(dir);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  tsc(dir);
  return { label: rev, dir };
}

interface Round {
  main: number;
  all: number;
  rate: number;
  p50: number;
  p95: number;
  bad: number;
}

/** Its server, started on a fresh database with one trip of 41 departures of 500 seats and 50 signed-in travelers. */
async function prepare(tree: { label: string; dir: string }) {
  const data = mkdtempSync(join(scratch, 'data-'));
  const app = await startApp(tree.dir, data); // migrates its own database
  const { db } = openDatabase(join(data, 'trektribe.db'));
  const deps = { db, clock: systemClock };
  // 50 clients make thousands of unpaid bookings: lift the per-traveler caps on held seats (the checks themselves still run).
  await liftSeatCaps({ db, clock: systemClock });
  const trip = await makeTrip(deps, { capacity: 500, pricePaise: 1_000_000 });
  const departures = [trip.departureId];
  for (let i = 0; i < 40; i++)
    departures.push(
      await addDeparture(deps, trip.tripId, {
        capacity: 500,
        start: `2027-${String(2 + (i % 10)).padStart(2, '0')}-${10 + Math.floor(i / 10)}`,
      }),
    );
  const cookies = await Promise.all(Array.from({ length: CLIENTS }, async () => (await signedIn(deps)).cookie));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const book = (c: number) =>
    postForm(
      app.base,
      `/trips/${trip.tripId}/book`,
      formBody(bookingForm(departures[next++ % departures.length], 1)),
      cookies[c],
      agent,
    );
  const round = async (bookings: number): Promise<Round> => {
    const all0 = app.cpuMs();
    const main0 = app.mainThreadCpuMs();
    const r = await closedLoop(CLIENTS, bookings / CLIENTS, book);
    const n = r.times.length;
    return {
      main: (app.mainThreadCpuMs() - main0) / n,
      all: (app.cpuMs() - all0) / n,
      rate: n / r.wall,
      p50: percentile(r.times, 50),
      p95: percentile(r.times, 95),
      bad: r.bad,
    };
  };
  return { label: tree.label, app, db, agent, round, rounds: [] as Round[] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const servers: Awaited<ReturnType<typeof prepare>>[] = [];
try {
  servers.push(await prepare(build(revs[0], 0)), await prepare(build(revs[1], 1)));
  // Warm-up: V8 optimises the hot code after thousands of calls; every client connects.
  for (const s of servers) for (let i = 0; i < 2; i++) await s.round(1000);
  for (let r = 0; r < ROUNDS; r++)
    for (const s of r % 2 ? [...servers].reverse() : servers) s.rounds.push(await s.round(PER_ROUND));
  for (const s of servers) {
    const m = (k: keyof Round) => median(s.rounds.map((x) => x[k]));
    console.log(
      `${s.label}: main thread ${m('main').toFixed(3)} ms, process ${m('all').toFixed(3)} ms of CPU per booking; ${Math.round(m('rate'))}/s, p50 ${m('p50').toFixed(1)} ms, p95 ${m('p95').toFixed(1)} ms; ` +
        `non-303: ${s.rounds.reduce((a, x) => a + x.bad, 0)}; main thread by round: ${s.rounds.map((x) => x.main.toFixed(2)).join(' ')}`,
    );
  }
} finally {
  for (const s of servers) {
    s.agent.destroy();
    await s.app.close().catch(() => undefined);
    await s.db.destroy();
  }
  for (const dir of worktrees) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', dir]);
  rmSync(scratch, { recursive: true, force: true });
}
