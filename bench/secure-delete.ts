/**
 * What `secure_delete = ON` on every connection (src/db.ts) costs, and the one-time rebuild of
 * a file written before it (issue 28, item 11). In process, on fresh SQLite files:
 *  - booking creation over the app (route, service, SQL, commit), 450 bookings, with the pragma
 *    off and on, alternately, three rounds each: the median CPU ms per booking;
 *  - the nightly prune of delivered messages: 20,000 outbox rows deleted in one statement;
 *  - opening a file of ~60 MB written without it: the VACUUM that runs once.
 * `npx tsx bench/secure-delete.ts`
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { makeTestApp } from '../test/support/app.js';
import { makeTrip, signedIn } from '../test/support/factories.js';
import { bookingForm } from '../test/bookings/support.js';
import { openDatabase } from '../src/db.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bookings(secure: boolean, n = 450): Promise<number> {
  const t = await makeTestApp();
  try {
    await sql.raw(`pragma secure_delete = ${secure ? 'on' : 'off'}`).execute(t.db);
    const trip = await makeTrip(t.deps, { capacity: 500, pricePaise: 100_000 });
    const cookies = [];
    for (let i = 0; i < n; i++) cookies.push((await signedIn(t.deps)).cookie);
    // CPU time of this process (the machine is shared: wall time says more about the neighbours).
    const started = process.cpuUsage();
    for (const cookie of cookies) {
      const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), cookie);
      if (res.status !== 303) throw new Error(`booking answered ${res.status}`);
    }
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000 / n;
  } finally {
    await t.close();
  }
}

async function prune(secure: boolean): Promise<number> {
  const t = await makeTestApp();
  try {
    await sql.raw(`pragma secure_delete = ${secure ? 'on' : 'off'}`).execute(t.db);
    await sql`with recursive k(i) as (select 1 union all select i + 1 from k where i < 20000)
      insert into outbox (channel, recipient, template, payload, status, next_attempt_at, created_at, sent_at)
      select 'email', 'r' || i || '@mail.example', 'booking-confirmed', '{"text":"' || hex(randomblob(150)) || '"}',
             'sent', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' from k`.execute(t.db);
    const started = performance.now();
    await t.db.deleteFrom('outbox').where('status', '=', 'sent').execute();
    return performance.now() - started;
  } finally {
    await t.close();
  }
}

async function scrubOnOpen(): Promise<{ mb: number; ms: number }> {
  const t = await makeTestApp();
  const file = join(t.dir, 'older.db');
  try {
    const old = new Sqlite(file);
    old.pragma('journal_mode = WAL');
    old.exec(`create table outbox (id integer primary key, recipient text not null, payload text not null);
              create index outbox_recipient on outbox (recipient)`);
    old.exec(`with recursive k(i) as (select 1 union all select i + 1 from k where i < 200000)
      insert into outbox (recipient, payload) select 'r' || i || '@mail.example', hex(randomblob(120)) from k`);
    old.exec('delete from outbox where id % 4 = 0');
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    const mb = statSync(file).size / 1024 / 1024;
    const started = performance.now();
    const { db } = openDatabase(file);
    const ms = performance.now() - started;
    await db.destroy();
    return { mb, ms };
  } finally {
    await t.close();
  }
}

const booked: Record<string, number[]> = { off: [], on: [] };
const pruned: Record<string, number[]> = { off: [], on: [] };
for (let round = 0; round < 3; round++) {
  for (const secure of [false, true]) {
    booked[secure ? 'on' : 'off'].push(await bookings(secure));
    pruned[secure ? 'on' : 'off'].push(await prune(secure));
  }
}
const scrub = await scrubOnOpen();
console.log(
  `booking creation, CPU ms per booking (median of 3 × 450): secure_delete off ${median(booked.off).toFixed(3)}, on ${median(booked.on).toFixed(3)} (off ${booked.off.map((x) => x.toFixed(2)).join(' ')}; on ${booked.on.map((x) => x.toFixed(2)).join(' ')})`,
);
console.log(
  `deleting 20,000 delivered messages, ms (median of 3): off ${median(pruned.off).toFixed(0)}, on ${median(pruned.on).toFixed(0)}`,
);
console.log(
  `first opening of a ${scrub.mb.toFixed(0)} MB file written without it (VACUUM once): ${scrub.ms.toFixed(0)} ms`,
);
