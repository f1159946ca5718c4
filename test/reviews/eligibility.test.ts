import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { completedBooking, flashOf, postReview, reviewCount, tripWithPastDeparture } from './support.js';
import { createReview, reviewInvites } from '../../src/reviews/service.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const input = {
  trip_stars: 4,
  organizer_stars: 5,
  title: 'Lovely',
  comment: 'A lovely trek with a very caring team.',
  tags: [],
};

describe('who may review a trip', () => {
  it('a traveler with a completed booking reviews the trip and the organizer once, marked verified', async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await completedBooking(t, trip);
    const form = await t.request(`/bookings/${me.bookingId}/review`, { cookie: me.cookie });
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="trip_stars"');
    expect(html).toContain('name="organizer_stars"');
    expect(html).toContain('value="great-guide"');

    const res = await postReview(t, me);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/reviews#review-\d+$/);
    const row = await t.db
      .selectFrom('reviews')
      .selectAll()
      .where('booking_id', '=', me.bookingId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      trip_id: trip.tripId,
      organizer_id: trip.organizerId,
      user_id: me.id,
      trip_stars: 5,
      organizer_stars: 4,
      title: 'Snow all the way up',
      tags: '["scenic","great-guide"]',
      verified: 1,
      status: 'visible',
    });
  });

  it('not twice: a second review of the same booking is refused and nothing more is written', async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await completedBooking(t, trip);
    expect((await postReview(t, me)).status).toBe(303);
    const before = await reviewCount(t);
    const again = await postReview(t, me, { title: 'Second go' });
    expect(again.status).toBe(303);
    expect(flashOf(again)).toBe('You have already reviewed this trip.');
    expect(await reviewCount(t)).toBe(before);
    // The form itself says so too, and two posts at once still make one review.
    const form = await t.request(`/bookings/${me.bookingId}/review`, { cookie: me.cookie });
    expect(flashOf(form)).toBe('You have already reviewed this trip.');
    const other = await completedBooking(t, trip);
    const both = await Promise.allSettled([
      createReview(t.deps, { id: other.id, role: 'traveler' }, other.bookingId, input),
      createReview(t.deps, { id: other.id, role: 'traveler' }, other.bookingId, input),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await reviewCount(t)).toBe(before + 1);
  });

  it('not before the trip ends: a confirmed booking on a departure still running is refused', async () => {
    const trip = await makeTrip(t.deps, { start: '2026-11-22', end: '2026-11-26' });
    const me = await signedIn(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
    const before = await reviewCount(t);
    const form = await t.request(`/bookings/${bookingId}/review`, { cookie: me.cookie });
    expect(form.status).toBe(303);
    expect(flashOf(form)).toBe('You can review this trip once it has ended.');
    const res = await postReview(t, { cookie: me.cookie, bookingId });
    expect(flashOf(res)).toBe('You can review this trip once it has ended.');
    expect(await reviewCount(t)).toBe(before);
  });

  it('not without a completed booking: cancelled, unpaid, or not yet completed by the nightly job', async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await signedIn(t.deps);
    const cancelled = await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
    await t.db
      .updateTable('bookings')
      .set({ status: 'cancelled', cancel_reason: 'traveler' })
      .where('id', '=', cancelled)
      .execute();
    const unpaid = await makeBooking(t.deps, { trip, userId: me.id, status: 'pending' });
    // Confirmed and ended, but the completion job has not run yet.
    const waiting = await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
    const before = await reviewCount(t);
    const said = async (bookingId: number) => flashOf(await postReview(t, { cookie: me.cookie, bookingId }));
    expect(await said(cancelled)).toBe('This booking was cancelled, so there is no trip to review.');
    expect(await said(unpaid)).toBe('This booking was never paid, so there is no trip to review.');
    expect(await said(waiting)).toBe(
      'Your booking is marked completed the night after the trip ends; you can review it then.',
    );
    expect(await reviewCount(t)).toBe(before);
    // A traveler with no booking at all has nothing to review.
    const stranger = await signedIn(t.deps);
    expect((await t.request('/bookings/999999/review', { cookie: stranger.cookie })).status).toBe(404);
  });

  it("not someone else's booking: another traveler (or an admin) gets a 404 and nothing is written", async () => {
    const trip = await tripWithPastDeparture(t);
    const owner = await completedBooking(t, trip);
    const before = await reviewCount(t);
    for (const role of ['traveler', 'admin'] as const) {
      const other = await signedIn(t.deps, { role });
      expect((await t.request(`/bookings/${owner.bookingId}/review`, { cookie: other.cookie })).status).toBe(404);
      expect((await postReview(t, { cookie: other.cookie, bookingId: owner.bookingId })).status).toBe(404);
    }
    // The trip's organizer may not review it at all.
    const org = await signedIn(t.deps, { role: 'organizer' });
    expect((await postReview(t, { cookie: org.cookie, bookingId: owner.bookingId })).status).toBe(403);
    expect(await reviewCount(t)).toBe(before);
  });

  it('bad input comes back as the form with a message next to each field (422), nothing written', async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await completedBooking(t, trip);
    const before = await reviewCount(t);
    const res = await postReview(t, me, {
      trip_stars: '9',
      organizer_stars: '',
      title: 'ok',
      comment: 'too short',
      tags: ['scenic', 'not-a-tag'],
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Give the trip 1 to 5 stars.');
    expect(html).toContain('Give the organizer 1 to 5 stars.');
    expect(html).toContain('Give your review a title (at least 3 characters).');
    expect(html).toContain('Tell other travelers how it went (at least 20 characters).');
    expect(html).toContain('Choose tags from the list.');
    // What was typed stays in the form.
    expect(html).toContain('>too short</textarea>');
    expect(html).toMatch(/value="scenic" checked/);
    const six = await postReview(t, me, {
      tags: ['scenic', 'great-guide', 'good-food', 'safety-first', 'small-group', 'challenging'],
    });
    expect(six.status).toBe(422);
    expect(await six.text()).toContain('Choose at most 5 tags.');
    expect(await reviewCount(t)).toBe(before);
  });

  it('reviewInvites lists the completed bookings still awaiting a review, and drops one once reviewed', async () => {
    const trip = await tripWithPastDeparture(t, { title: 'Brahmatal' });
    const me = await completedBooking(t, trip);
    expect((await reviewInvites(t.deps, me.id)).map((b) => [b.id, b.title])).toEqual([[me.bookingId, 'Brahmatal']]);
    const page = await (await t.request('/reviews', { cookie: me.cookie })).text();
    expect(page).toContain(`href="/bookings/${me.bookingId}/review"`);
    await postReview(t, me);
    expect(await reviewInvites(t.deps, me.id)).toEqual([]);
    expect(await (await t.request('/reviews', { cookie: me.cookie })).text()).toContain('Snow all the way up');
  });
});
