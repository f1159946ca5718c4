import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, signedIn } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { tx } from '../../src/lib/transaction.js';

/**
 * Issue 28, item 12, without a file system to fill: `PRAGMA max_page_count` makes SQLite answer
 * SQLITE_FULL as a full disk does, and roll the whole transaction back itself (the mounted
 * tmpfs case is test/platform/disk-full.test.ts).
 */

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await sql`create table filler (x blob)`.execute(t.db);
});
afterEach(() => t.close());

/** The database may not grow past its present size (plus `pages`). */
async function capAt(pages = 0) {
  const r = await sql<{ page_count: number }>`pragma page_count`.execute(t.db);
  await sql.raw(`pragma max_page_count = ${r.rows[0].page_count + pages}`).execute(t.db);
}
const uncap = () => sql`pragma max_page_count = 1073741823`.execute(t.db);
const bigRow = (db: typeof t.db) => sql`insert into filler values (zeroblob(200000))`.execute(db);
const smallRow = (db: typeof t.db) => sql`insert into filler values (zeroblob(10))`.execute(db);
const rows = async () => Number((await sql<{ n: number }>`select count(*) as n from filler`.execute(t.db)).rows[0].n);

describe('a database that cannot grow', () => {
  it('a transaction fails with SQLITE_FULL, not "cannot rollback - no transaction is active"', async () => {
    await capAt();
    const err = await tx(t.db, async (trx) => {
      await smallRow(trx);
      await bigRow(trx);
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQLITE_FULL' });
    expect(await rows()).toBe(0);
  });

  it('of transactions asked for at once, the one SQLite gave up fails with SQLITE_FULL and keeps nothing; the others are kept', async () => {
    await capAt();
    const outcomes = await Promise.allSettled([
      tx(t.db, (trx) => smallRow(trx)),
      tx(t.db, async (trx) => {
        await smallRow(trx);
        await bigRow(trx);
      }),
      tx(t.db, (trx) => smallRow(trx)),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'ok'))).toEqual([
      'ok',
      'SQLITE_FULL',
      'ok',
    ]);
    expect(await rows()).toBe(2);
    // And the connection is fine afterwards.
    await uncap();
    await tx(t.db, (trx) => bigRow(trx));
    expect(await rows()).toBe(3);
  });

  it('bookings get the 503 page and /healthz 503 once the database cannot grow, nothing half-written, and both work once it can', async () => {
    const trip = await makeTrip(t.deps, { capacity: 200 });
    const travelers = await Promise.all(Array.from({ length: 80 }, () => signedIn(t.deps)));
    await capAt();
    // The pages it has fill up, booking after booking, until one needs a new page.
    let booked = 0;
    let refused: Response | undefined;
    for (const traveler of travelers.slice(0, 79)) {
      const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), traveler.cookie);
      if (res.status !== 303) {
        refused = res;
        break;
      }
      booked++;
    }
    expect(refused?.status).toBe(503);
    expect(await refused!.text()).toContain('briefly unable to save');
    expect(await t.db.selectFrom('bookings').selectAll().execute()).toHaveLength(booked);
    const seats = await t.db
      .selectFrom('departures')
      .select('seats_taken')
      .where('id', '=', trip.departureId)
      .executeTakeFirstOrThrow();
    expect(seats.seats_taken).toBe(booked);
    const health = await t.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ db: 'full' });

    await uncap();
    t.clock.advance(1_000); // past /healthz's one-second memory
    expect((await t.request('/healthz')).status).toBe(200);
    const again = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), travelers[79].cookie);
    expect(again.status).toBe(303);
    expect(await t.db.selectFrom('bookings').selectAll().execute()).toHaveLength(booked + 1);
  });
});
