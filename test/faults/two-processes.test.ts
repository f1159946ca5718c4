import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../platform/server-process.js';
import { sessionCookie } from '../support/factories.js';
import { listenOverHttp } from '../live/support.js';
import {
  book,
  integrityCheck,
  openAppDb,
  percentile,
  seatsThatDoNotAddUp,
  seed,
  startApp,
  stopApp,
  type BookingResult,
} from './support.js';

// Two server processes on one database file, as two containers on one volume would run.
let a: ServerProcess;
let b: ServerProcess;
beforeAll(async () => {
  a = await startApp();
  b = await startApp({ DATA_DIR: a.dataDir });
}, 60_000);
afterAll(async () => {
  await Promise.all([stopApp(a), stopApp(b)]);
});

describe('two server processes on one database file', () => {
  it('bookings sent to both at once for a few seats: never overbooked, every answer a booking or a plain 409/422, never a 500', async () => {
    const { db, deps, close } = openAppDb(a.dataDir);
    try {
      const capacity = 7;
      const s = await seed(deps, { departures: 4, capacity, travelers: 48 });
      const results: BookingResult[] = [];
      // Four rounds: in each, every traveler books at once, half through each process, 1–3 guests.
      for (let round = 0; round < 4; round++) {
        const departureId = s.departureIds[round];
        results.push(
          ...(await Promise.all(
            s.travelers.map((t, i) => book(i % 2 ? b.url : a.url, s, t, departureId, 1 + ((i + round) % 3))),
          )),
        );
      }
      const unexpected = results.filter((r) => ![303, 409, 422].includes(r.status));
      expect(unexpected.map((r) => [r.status, r.text?.slice(0, 300)])).toEqual([]);
      for (const r of results.filter((r) => r.status === 409 || r.status === 422)) {
        expect(r.text).toMatch(/just sold out|seats? (is|are) left/);
        expect(r.text).not.toMatch(/SQLITE|busy|Internal Server Error/i);
      }
      for (const departureId of s.departureIds) {
        const taken = results
          .filter((r) => r.status === 303 && r.departureId === departureId)
          .reduce((n, r) => n + r.guests, 0);
        const row = await db
          .selectFrom('departures')
          .select(['seats_taken', 'capacity'])
          .where('id', '=', departureId)
          .executeTakeFirstOrThrow();
        expect(row.seats_taken).toBe(taken);
        expect(taken).toBeLessThanOrEqual(capacity);
        // Three guests at most were refused with seats left: the last seats went to someone.
        expect(taken).toBeGreaterThan(capacity - 3);
      }
      expect(await seatsThatDoNotAddUp(db)).toEqual([]);
      expect(integrityCheck(a.dataDir)).toBe('ok');
      const served = { a: results.filter((r, i) => i % 2 === 0 && r.status === 303).length, b: 0 };
      served.b = results.filter((r) => r.status === 303).length - served.a;
      console.log(
        `two processes: ${results.length} bookings at once for ${s.departureIds.length}×${capacity} seats: ` +
          `${results.filter((r) => r.status === 303).length} booked, ${results.filter((r) => r.status === 409).length} sold out (409), ` +
          `${results.filter((r) => r.status === 422).length} 422; p95 ${percentile(
            results.map((r) => r.ms),
            95,
          ).toFixed(0)} ms`,
      );
    } finally {
      await close();
    }
  });

  it("a booking made through one process reaches the organizer's live stream open on the other", async () => {
    const { deps, close } = openAppDb(a.dataDir);
    try {
      const s = await seed(deps, { departures: 1, capacity: 10, travelers: 2 });
      const organizer = await sessionCookie(deps, s.organizerId);
      const onA = await listenOverHttp(a.url, organizer);
      const onB = await listenOverHttp(b.url, organizer);
      expect([onA.res.status, onB.res.status]).toEqual([200, 200]);
      await onA.waitFor((f) => f.retry !== undefined);
      await onB.waitFor((f) => f.retry !== undefined);

      expect((await book(a.url, s, s.travelers[0], s.departureIds[0], 1)).status).toBe(303);
      const first = await onB.waitFor((f) => f.event === 'queue');
      expect((await book(b.url, s, s.travelers[1], s.departureIds[0], 1)).status).toBe(303);
      await onA.waitFor((f) => f.event === 'queue' && f.id !== first.id);
      await Promise.all([onA.close(), onB.close()]);
    } finally {
      await close();
    }
  });
});
