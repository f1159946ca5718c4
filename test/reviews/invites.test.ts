import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { completedBooking, postReview, tripWithPastDeparture } from './support.js';
import { sendReviewInvites } from '../../src/reviews/jobs.js';
import { SCHEDULE } from '../../src/scheduler.js';
import { completeEndedBookings } from '../../src/bookings/jobs.js';
import { DAY } from '../../src/lib/clock.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const invites = (to?: string) => {
  let q = t.db.selectFrom('outbox').selectAll().where('template', '=', 'review-invite');
  if (to) q = q.where('recipient', '=', to);
  return q.execute();
};
const emailOf = async (id: number) =>
  (await t.db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;

describe('the invitation to review', () => {
  it('is a scheduled job', () => {
    expect(SCHEDULE.find((j) => j.name === 'reviews.invites')?.run).toBe(sendReviewInvites);
  });

  it('asks each traveler back from a trek once, even when the job runs twice or twice at once', async () => {
    const trip = await tripWithPastDeparture(t, { title: 'Kuari Pass' });
    const asha = await completedBooking(t, trip, 'Asha Rao');
    const ravi = await completedBooking(t, trip, 'Ravi Menon');
    expect(await sendReviewInvites(t.deps)).toBe('invited 2');
    expect(await sendReviewInvites(t.deps)).toBe('invited 0');
    const [a, b] = await Promise.all([sendReviewInvites(t.deps), sendReviewInvites(t.deps)]);
    expect([a, b]).toEqual(['invited 0', 'invited 0']);
    const mine = await invites(await emailOf(asha.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ channel: 'email' });
    const payload = JSON.parse(mine[0].payload) as { subject: string; text: string; html: string };
    expect(payload.subject).toBe('How was Kuari Pass?');
    expect(payload.text).toContain('Hi Asha Rao');
    expect(payload.text).toContain(`http://localhost:3000/bookings/${asha.bookingId}/review`);
    expect(payload.html).toContain(`href="http://localhost:3000/bookings/${asha.bookingId}/review"`);
    expect(await invites(await emailOf(ravi.id))).toHaveLength(1);
    expect(await t.db.selectFrom('review_invites').selectAll().execute()).toHaveLength(2);
  });

  it('two jobs racing on the same new booking still send one message', async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await completedBooking(t, trip);
    const runs = await Promise.all([sendReviewInvites(t.deps), sendReviewInvites(t.deps)]);
    expect(runs.sort()).toEqual(['invited 0', 'invited 1']);
    expect(await invites(await emailOf(me.id))).toHaveLength(1);
  });

  it('skips bookings already reviewed, not completed, or whose trip ended long ago', async () => {
    const trip = await tripWithPastDeparture(t);
    const reviewed = await completedBooking(t, trip);
    await postReview(t, reviewed);
    const cancelled = await signedIn(t.deps);
    const id = await makeBooking(t.deps, { trip, userId: cancelled.id, status: 'confirmed' });
    await t.db.updateTable('bookings').set({ status: 'cancelled' }).where('id', '=', id).execute();
    const old = await makeTrip(t.deps, {
      departures: [{ start: '2026-09-01', end: '2026-09-05' }, { start: '2027-05-01' }],
    });
    const longAgo = await signedIn(t.deps);
    await makeBooking(t.deps, { trip: old, userId: longAgo.id, status: 'confirmed' });
    await completeEndedBookings(t.deps);
    await sendReviewInvites(t.deps);
    for (const who of [reviewed.id, cancelled.id, longAgo.id])
      expect(await invites(await emailOf(who))).toHaveLength(0);
  });

  it('a trip that ends later is asked about after it ends, not before', async () => {
    const trip = await makeTrip(t.deps, { start: '2026-11-24', end: '2026-11-27' });
    const me = await signedIn(t.deps);
    await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
    await completeEndedBookings(t.deps);
    await sendReviewInvites(t.deps);
    expect(await invites(await emailOf(me.id))).toHaveLength(0);
    t.clock.advance(3 * DAY); // 28 Nov: the nightly completion, then the invitation
    await completeEndedBookings(t.deps);
    await sendReviewInvites(t.deps);
    await sendReviewInvites(t.deps);
    expect(await invites(await emailOf(me.id))).toHaveLength(1);
  });
});
