import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, seatsTaken } from './support.js';
import { expireHolds, sendTripReminders } from '../../src/bookings/jobs.js';
import { SCHEDULE, startScheduler } from '../../src/scheduler.js';
import { ZONE } from '../../src/lib/time.js';
import { putSetting } from '../../src/lib/settings.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sent = (template: string, code: string) =>
  t.db
    .selectFrom('outbox')
    .select(['channel', 'recipient'])
    .where('template', '=', template)
    .where('payload', 'like', `%${code}%`)
    .execute();

async function book(trip: { tripId: number; departureId: number }, guests = 1) {
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie);
  return bookingIdFrom(res);
}

describe('hold expiry job', () => {
  it('warns once before the hold runs out, then releases the seats once and tells the traveler, however often it runs', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const trip = await makeTrip(t.deps, { capacity: 10 });
    const id = await book(trip, 3);
    t.clock.advance(10 * 60_000);
    const keeper = await book(trip, 2); // booked later: still held when the first expires
    const code = (await booking(id)).code;

    t.clock.set('2026-12-01T04:21:00Z');
    await expireHolds(t.deps);
    await expireHolds(t.deps);
    expect(await sent('hold-expiring', code)).toHaveLength(1);
    expect((await booking(id)).status).toBe('pending');

    t.clock.set('2026-12-01T04:30:00Z');
    expect(await expireHolds(t.deps)).toMatch(/^expired 1,/);
    expect(await expireHolds(t.deps)).toMatch(/^expired 0,/);
    expect(await booking(id)).toMatchObject({ status: 'cancelled', cancel_reason: 'expired', hold_expires_at: null });
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(2);
    expect(await sent('hold-expired', code)).toHaveLength(1);
    expect((await booking(keeper)).status).toBe('pending');
  });

  it('uses the hold time from the settings', async () => {
    t.clock.set('2026-12-02T04:00:00Z');
    await putSetting(t.db, t.clock, 'holdMinutes', 5);
    try {
      const trip = await makeTrip(t.deps);
      const id = await book(trip);
      expect((await booking(id)).hold_expires_at).toBe('2026-12-02T04:05:00.000Z');
    } finally {
      await putSetting(t.db, t.clock, 'holdMinutes', 30);
    }
  });

  it('runs from the scheduler and is recorded in job_runs', async () => {
    const s = startScheduler(t.deps);
    try {
      await s.runNow('bookings.expire-holds');
    } finally {
      await s.stop();
    }
    const run = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('name', '=', 'bookings.expire-holds')
      .executeTakeFirstOrThrow();
    expect(run.outcome).toBe('ok');
  });
});

describe('trip reminder job', () => {
  it('is scheduled for 18:00 in India every day', () => {
    const job = SCHEDULE.find((j) => j.name === 'bookings.trip-reminders')!;
    const next = new Cron(job.cron, { timezone: ZONE, paused: true }).nextRun(new Date('2027-03-09T06:00:00Z'));
    expect(next!.toISOString()).toBe('2027-03-09T12:30:00.000Z');
  });

  it('reminds confirmed travelers the day before, by email and SMS, once', async () => {
    t.clock.set('2026-12-03T04:00:00Z');
    const tomorrow = await makeTrip(t.deps, { pricePaise: 0, start: '2027-03-10', meetingPoint: 'Manali bus stand' });
    const later = await makeTrip(t.deps, { pricePaise: 0, start: '2027-03-11' });
    const unpaid = await makeTrip(t.deps, { pricePaise: 500_000, start: '2027-03-10' });
    const traveler = await signedIn(t.deps);
    const join = async (trip: { tripId: number; departureId: number }) =>
      bookingIdFrom(
        await t.post(`/trips/${trip.tripId}/join`, { departure: String(trip.departureId) }, traveler.cookie),
      );
    const a = await join(tomorrow);
    const b = await join(later);
    const c = await book(unpaid);

    t.clock.set('2027-03-09T12:30:00Z');
    expect(await sendTripReminders(t.deps)).toBe('reminded 1');
    expect(await sendTripReminders(t.deps)).toBe('reminded 0');
    const msgs = await sent('trip-reminder', (await booking(a)).code);
    expect(msgs.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(await sent('trip-reminder', (await booking(b)).code)).toHaveLength(0);
    expect(await sent('trip-reminder', (await booking(c)).code)).toHaveLength(0);
    const sms = await t.db
      .selectFrom('outbox')
      .select('payload')
      .where('template', '=', 'trip-reminder')
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(sms.payload).text).toContain('Manali bus stand');
  });
});
