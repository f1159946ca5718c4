import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { expireHolds } from '../../src/bookings/jobs.js';
import { DAY } from '../../src/lib/clock.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';

/**
 * better-sqlite3 answers synchronously, so a job looping over many rows never waits on
 * anything: unless it gives way, every request queues behind the whole run. Count the turns
 * of the event loop while a job works through a backlog.
 */
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp(); // no SMTP, no Twilio: messages go to the dev mailbox, in SQLite
});
afterAll(() => t.close());

/**
 * Turns of the event loop while `work` runs, counted by a callback that re-arms itself with
 * setImmediate: it runs once per turn, whatever the machine's speed. A job that never gives
 * way leaves it at 0.
 */
async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
}

describe('jobs give way to requests', () => {
  it('the outbox job delivering 300 messages into the dev mailbox lets requests in between', async () => {
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 300; i++)
        await enqueue(trx, t, {
          channel: 'email',
          to: `t${i}@example.test`,
          template: 'x',
          subject: 'Hi',
          text: 'Hello',
        });
    });
    let result = '';
    const turns = await loopTurnsDuring(async () => (result = await deliverDue(t.deps)));
    expect(result).toBe('sent 300, retrying 0, failed 0');
    // Four workers side by side, each giving way after every message.
    expect(turns).toBeGreaterThanOrEqual(300 / 4 - 1);
  });

  it('expiring 40 unpaid holds lets requests in between', async () => {
    const trip = await makeTrip(t.deps, { capacity: 100 });
    for (let i = 0; i < 40; i++) {
      const u = await signedIn(t.deps);
      expect((await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), u.cookie)).status).toBe(303);
    }
    t.clock.advance(DAY);
    let result = '';
    const turns = await loopTurnsDuring(async () => (result = await expireHolds(t.deps)));
    expect(result).toBe('expired 40, warned 0');
    expect(turns).toBeGreaterThanOrEqual(40 - 1);
  });
});
