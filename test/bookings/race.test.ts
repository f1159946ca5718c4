import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeTestApp } from '../support/app.js';
import { addDeparture, makeBooking, signedIn, makeTrip } from '../support/factories.js';
import { migrateToLatest, openDatabase } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { bookingForm, seatsTaken } from './support.js';

const ATTEMPTS = 500;
const SEATS = 10;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function listen(fetch: (r: Request) => Response | Promise<Response>): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

/** Fires all attempts at once, each a real HTTP booking request, and tallies the statuses. */
async function stampede(urls: string[], tripId: number, departureId: number, cookies: string[]) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(bookingForm(departureId, 1))) for (const one of [v].flat()) body.append(k, one);
  const statuses = await Promise.all(
    Array.from({ length: ATTEMPTS }, async (_, i) => {
      const url = urls[i % urls.length];
      const res = await fetch(`${url}/trips/${tripId}/book`, {
        method: 'POST',
        body,
        redirect: 'manual',
        headers: {
          Cookie: cookies[i % cookies.length],
          Origin: url,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const tally: Record<number, number> = {};
  for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
  return tally;
}

/** A fresh, migrated database file with two app processes serving it (test/bookings/serve-app.ts). */
async function twoServersOnOneFile() {
  const dir = mkdtempSync(join(tmpdir(), 'tt-race-'));
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  cleanups.push(async () => {
    await db.destroy();
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = () =>
    new Promise<{ url: string; child: ChildProcess }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serve-app.ts')], {
        env: { ...process.env, DATA_DIR: dir, NODE_ENV: 'test', PUBLIC_URL: 'http://localhost:3000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(() => {
        child.kill('SIGTERM');
      });
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /PORT=(\d+)/.exec(out);
        if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  const servers = await Promise.all([start(), start()]);
  return { deps: { db, clock: systemClock }, db, urls: servers.map((s) => s.url) };
}

describe('seat holds under concurrency', () => {
  it(`${ATTEMPTS} concurrent booking requests over HTTP for ${SEATS} seats hold exactly ${SEATS}, and nobody sees a 500`, async () => {
    const t = await makeTestApp();
    cleanups.push(() => t.close());
    const { url, server } = await listen(t.app.fetch);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: SEATS });
    const cookies = await Promise.all(Array.from({ length: 25 }, async () => (await signedIn(t.deps)).cookie));

    const tally = await stampede([url], tripId, departureId, cookies);

    expect(tally).toEqual({ 303: SEATS, 409: ATTEMPTS - SEATS });
    expect(await seatsTaken(t.deps, departureId)).toBe(SEATS);
    const held = await t.db
      .selectFrom('bookings')
      .select((eb) => eb.fn.sum<number>('guests').as('guests'))
      .where('departure_id', '=', departureId)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(Number(held.guests)).toBe(SEATS);
  }, 90_000);

  it('two server processes on one database file still hold exactly the seats there are', async () => {
    const { deps, db, urls } = await twoServersOnOneFile();
    const { tripId, departureId } = await makeTrip(deps, { capacity: SEATS });
    const cookies = await Promise.all(Array.from({ length: 25 }, async () => (await signedIn(deps)).cookie));

    const tally = await stampede(urls, tripId, departureId, cookies);

    expect(tally).toEqual({ 303: SEATS, 409: ATTEMPTS - SEATS });
    expect(await seatsTaken(deps, departureId)).toBe(SEATS);
    const rows = await db.selectFrom('bookings').select(['guests']).where('departure_id', '=', departureId).execute();
    expect(rows.reduce((s, r) => s + r.guests, 0)).toBe(SEATS);
  }, 90_000);

  it(`one traveler's ${ATTEMPTS} bookings sent at once through two server processes hold exactly the cap on unpaid seats (10), on a departure with room for more`, async () => {
    const { deps, db, urls } = await twoServersOnOneFile();
    const { tripId, departureId } = await makeTrip(deps, { capacity: 100 });
    const { id, cookie } = await signedIn(deps);

    const tally = await stampede(urls, tripId, departureId, [cookie]);

    expect(tally).toEqual({ 303: 10, 422: ATTEMPTS - 10 });
    expect(await seatsTaken(deps, departureId)).toBe(10);
    const rows = await db
      .selectFrom('bookings')
      .select(['guests'])
      .where('departure_id', '=', departureId)
      .where('user_id', '=', id)
      .execute();
    expect(rows.reduce((s, r) => s + r.guests, 0)).toBe(10);
  }, 90_000);

  it("one traveler's 120 bookings of 3 seats on 6 departures sent at once through two server processes hold exactly the cap over all departures (12 seats)", async () => {
    const { deps, db, urls } = await twoServersOnOneFile();
    const trips = await Promise.all(Array.from({ length: 6 }, () => makeTrip(deps, { capacity: 40 })));
    const { id, cookie } = await signedIn(deps);

    const statuses = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const { tripId, departureId } = trips[i % trips.length];
        const url = urls[i % urls.length];
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(bookingForm(departureId, 3)))
          for (const one of [v].flat()) body.append(k, one);
        const res = await fetch(`${url}/trips/${tripId}/book`, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: { Cookie: cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );

    const tally: Record<number, number> = {};
    for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
    expect(tally).toEqual({ 303: 4, 422: 116 });
    const rows = await db.selectFrom('bookings').select(['guests']).where('user_id', '=', id).execute();
    expect(rows.reduce((n, r) => n + r.guests, 0)).toBe(12);
    const taken = await Promise.all(trips.map((t) => seatsTaken(deps, t.departureId)));
    expect(taken.reduce((n, s) => n + s, 0)).toBe(12);
  }, 90_000);

  it('20 travelers moving into the last seat of a departure at once through two server processes: exactly one moves, every booking stays on one departure', async () => {
    const { deps, db, urls } = await twoServersOnOneFile();
    const trip = await makeTrip(deps, { capacity: 40, start: '2027-03-10' });
    const last = await addDeparture(deps, trip.tripId, { start: '2027-04-10', capacity: 1 });
    const travelers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const me = await signedIn(deps);
        return { ...me, bookingId: await makeBooking(deps, { trip, userId: me.id, status: 'confirmed' }) };
      }),
    );
    await db.updateTable('departures').set({ seats_taken: 20 }).where('id', '=', trip.departureId).execute();

    const statuses = await Promise.all(
      travelers.map(async (m, i) => {
        const url = urls[i % urls.length];
        const res = await fetch(`${url}/bookings/${m.bookingId}/move`, {
          method: 'POST',
          body: new URLSearchParams({ departure: String(last) }),
          redirect: 'manual',
          headers: { Cookie: m.cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );

    const tally: Record<number, number> = {};
    for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
    expect(tally).toEqual({ 303: 1, 409: 19 });
    expect(await seatsTaken(deps, last)).toBe(1);
    expect(await seatsTaken(deps, trip.departureId)).toBe(19);
    const onLast = await db.selectFrom('bookings').select('id').where('departure_id', '=', last).execute();
    const onFirst = await db.selectFrom('bookings').select('id').where('departure_id', '=', trip.departureId).execute();
    expect([onLast.length, onFirst.length]).toEqual([1, 19]);
    expect(await db.selectFrom('booking_moves').select('booking_id').execute()).toEqual([{ booking_id: onLast[0].id }]);
  }, 90_000);

  it('control: a naive read-then-write hold served the same way grants more holds than there are seats', async () => {
    const t = await makeTestApp();
    cleanups.push(() => t.close());
    const { departureId } = await makeTrip(t.deps, { capacity: SEATS });
    const naive = new Hono().post('/trips/:id/book', async (c) => {
      const d = await t.db
        .selectFrom('departures')
        .select(['seats_taken', 'capacity'])
        .where('id', '=', departureId)
        .executeTakeFirstOrThrow();
      if (d.seats_taken + 1 > d.capacity) return c.text('sold out', 409);
      // the rest of a booking between the read and the write: a couple of lookups
      await t.db.selectFrom('trips').select('id').limit(1).execute();
      await t.db.selectFrom('users').select('id').limit(1).execute();
      await new Promise((r) => setTimeout(r, 2));
      await t.db
        .updateTable('departures')
        .set({ seats_taken: d.seats_taken + 1 })
        .where('id', '=', departureId)
        .execute();
      return c.redirect('/bookings/1', 303);
    });
    const { url, server } = await listen(naive.fetch);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));

    const tally = await stampede([url], 1, departureId, ['x=1']);

    expect(tally[303]).toBeGreaterThan(SEATS);
  }, 90_000);
});
