import { afterAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../platform/server-process.js';
import { book, integrityCheck, openAppDb, post, seatsThatDoNotAddUp, seed, sleep, startApp } from './support.js';

let app: ServerProcess | undefined;
let again: ServerProcess | undefined;
afterAll(() => {
  for (const p of [app, again]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
});

const DEPARTURES = 4;
const CAPACITY = 10;

describe('kill -9 while waitlist offers are being made', () => {
  it('after a restart: the file is sound, seats add up with the offers, offers went in waitlist order, each cancellation whole or not at all', async () => {
    app = await startApp();
    const first = openAppDb(app.dataDir);
    const s = await seed(first.deps, { departures: DEPARTURES, capacity: CAPACITY, travelers: 5 + 12 });
    await first.close();
    const holders = s.travelers.slice(0, 5);
    const waiting = s.travelers.slice(5);

    // Every departure full: five holders with 2 seats each; then twelve travelers wait on each, one seat each.
    const bookings: { id: number; cookie: string; departureId: number }[] = [];
    for (const departureId of s.departureIds)
      for (const h of holders) {
        const r = await book(app.url, s, h, departureId, 2);
        expect(r.status).toBe(303);
        bookings.push({ id: r.bookingId!, cookie: h.cookie, departureId });
      }
    for (const departureId of s.departureIds)
      for (const w of waiting)
        expect(
          (
            await post(app.url, `/trips/${s.tripId}/waitlist`, w.cookie, {
              departure: String(departureId),
              guests: '1',
            })
          ).status,
        ).toBe(303);

    // All the holders cancel at once (each cancellation offers its seats in its own transaction); kill -9 meanwhile.
    const answers = Promise.all(
      bookings.map(async (b) => {
        try {
          return { ...b, status: (await post(app!.url, `/bookings/${b.id}/cancel`, b.cookie)).status };
        } catch {
          return { ...b, status: 0 };
        }
      }),
    );
    await sleep(150);
    app.child.kill('SIGKILL');
    expect((await app.exited).signal).toBe('SIGKILL');
    const results = await answers;
    expect(results.filter((r) => r.status !== 0 && r.status !== 303)).toEqual([]);
    expect(integrityCheck(app.dataDir)).toBe('ok');

    again = await startApp({ DATA_DIR: app.dataDir });
    const { db, close } = openAppDb(app.dataDir);
    try {
      expect(await seatsThatDoNotAddUp(db)).toEqual([]);
      const rows = await db
        .selectFrom('bookings')
        .select(['id', 'status'])
        .where(
          'id',
          'in',
          bookings.map((b) => b.id),
        )
        .execute();
      const cancelled = new Set(rows.filter((r) => r.status === 'cancelled').map((r) => r.id));
      // Every acknowledged cancellation happened, and the seats it freed were offered with it.
      for (const r of results.filter((x) => x.status === 303))
        expect(cancelled.has(r.id), `booking ${r.id}`).toBe(true);
      for (const departureId of s.departureIds) {
        const entries = await db
          .selectFrom('waitlist_entries')
          .select(['id', 'status'])
          .where('departure_id', '=', departureId)
          .orderBy('id')
          .execute();
        const freed = 2 * bookings.filter((b) => b.departureId === departureId && cancelled.has(b.id)).length;
        const offered = entries.filter((e) => e.status === 'offered');
        expect(offered.length).toBe(Math.min(freed, entries.length));
        // In order: the offers are the first entries.
        expect(offered.map((e) => e.id)).toEqual(entries.slice(0, offered.length).map((e) => e.id));
        // Each offer's email and SMS are there with it.
        for (const e of offered) {
          const msgs = await db
            .selectFrom('outbox')
            .select('channel')
            .where('template', '=', 'waitlist-offer')
            .where('payload', 'like', `%/waitlist/${e.id}/accept%`)
            .execute();
          expect(msgs.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
        }
      }
      const made = (await db.selectFrom('waitlist_entries').select('id').where('status', '=', 'offered').execute())
        .length;
      console.log(
        `waitlist kill -9: ${results.filter((r) => r.status === 303).length} of ${results.length} cancellations acknowledged, ` +
          `${cancelled.size} done, ${made} offers made`,
      );
    } finally {
      await close();
    }
  }, 120_000);
});
