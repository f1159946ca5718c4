import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn } from '../support/factories.js';
import { completedBooking, flashOf, postReview, tripWithPastDeparture } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

async function reviewed() {
  const trip = await tripWithPastDeparture(t);
  const me = await completedBooking(t, trip);
  await postReview(t, me);
  const review = await t.db
    .selectFrom('reviews')
    .selectAll()
    .where('booking_id', '=', me.bookingId)
    .executeTakeFirstOrThrow();
  return {
    trip,
    me,
    review,
    organizer: { id: trip.organizerId, cookie: await sessionCookie(t.deps, trip.organizerId) },
  };
}

describe('the organizer replies once', () => {
  it("the trip's organizer replies; the reply shows under the review; a second reply is refused", async () => {
    const { trip, review, organizer } = await reviewed();
    const inbox = await (await t.request('/organizer/reviews', { cookie: organizer.cookie })).text();
    expect(inbox).toContain(`action="/organizer/reviews/${review.id}/reply"`);
    const res = await t.post(
      `/organizer/reviews/${review.id}/reply`,
      { reply: 'Thank you, come back in spring!' },
      organizer.cookie,
    );
    expect(res.status).toBe(303);
    expect(flashOf(res)).toBe('Your reply is published under the review.');
    const again = await t.post(`/organizer/reviews/${review.id}/reply`, { reply: 'Changed my mind' }, organizer.cookie);
    expect(again.status).toBe(303);
    expect(flashOf(again)).toBe('You have already replied to this review.');
    const row = await t.db
      .selectFrom('reviews')
      .select(['reply', 'replied_at'])
      .where('id', '=', review.id)
      .executeTakeFirstOrThrow();
    expect(row.reply).toBe('Thank you, come back in spring!');
    expect(row.replied_at).not.toBeNull();
    const pageHtml = await (await t.request(`/trips/${trip.tripId}`)).text();
    expect(pageHtml).toContain('Thank you, come back in spring!');
    // Once replied, the form is gone from the inbox.
    expect(await (await t.request('/organizer/reviews', { cookie: organizer.cookie })).text()).not.toContain(
      `action="/organizer/reviews/${review.id}/reply"`,
    );
  });

  it('another organizer cannot reply (404) and an empty reply gets a message at the field', async () => {
    const { review, organizer } = await reviewed();
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.post(`/organizer/reviews/${review.id}/reply`, { reply: 'Not my trip' }, other.cookie)).status).toBe(
      404,
    );
    const empty = await t.post(`/organizer/reviews/${review.id}/reply`, { reply: ' ' }, organizer.cookie);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Write your reply (at least 3 characters).');
    expect(
      (await t.db.selectFrom('reviews').select('reply').where('id', '=', review.id).executeTakeFirstOrThrow()).reply,
    ).toBeNull();
  });
});

describe('anyone signed in reports a review, once', () => {
  it('a report is kept once per user; the second is refused with a message; the author cannot report their own', async () => {
    const { me, review, trip } = await reviewed();
    const reporter = await signedIn(t.deps, { role: 'organizer' });
    const form = await t.request(`/reviews/${review.id}/report`, { cookie: reporter.cookie });
    expect(form.status).toBe(200);
    const res = await t.post(`/reviews/${review.id}/report`, { reason: 'spam', details: 'An advert' }, reporter.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/trips/${trip.tripId}#reviews`);
    const again = await t.post(`/reviews/${review.id}/report`, { reason: 'offensive' }, reporter.cookie);
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('You have already reported this review.');
    const own = await t.post(`/reviews/${review.id}/report`, { reason: 'other' }, me.cookie);
    expect(own.status).toBe(422);
    expect(await own.text()).toContain('This is your own review: you cannot report it.');
    const noReason = await t.post(`/reviews/${review.id}/report`, {}, (await signedIn(t.deps)).cookie);
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Choose why you are reporting it.');
    const reports = await t.db.selectFrom('review_reports').selectAll().where('review_id', '=', review.id).execute();
    expect(reports.map((r) => [r.user_id, r.reason, r.details])).toEqual([[reporter.id, 'spam', 'An advert']]);
    // Signed out, the report link asks to sign in first.
    expect((await t.request(`/reviews/${review.id}/report`)).headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('admins see reported reviews and hide them with a reason (audited); the reports are resolved', async () => {
    const { review } = await reviewed();
    const reporter = await signedIn(t.deps);
    await t.post(`/reviews/${review.id}/report`, { reason: 'personal' }, reporter.cookie);
    const admin = await signedIn(t.deps, { role: 'admin' });
    const queue = await (await t.request('/admin/reviews', { cookie: admin.cookie })).text();
    expect(queue).toContain(`action="/admin/reviews/${review.id}/hide"`);
    expect(queue).toContain('Shares personal details');

    const noReason = await t.post(`/admin/reviews/${review.id}/hide`, { reason: '' }, admin.cookie);
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Say why (at least 3 characters).');
    expect(
      (await t.db.selectFrom('reviews').select('status').where('id', '=', review.id).executeTakeFirstOrThrow()).status,
    ).toBe('visible');

    const hide = await t.post(
      `/admin/reviews/${review.id}/hide`,
      { reason: 'Names a guide by phone number' },
      admin.cookie,
    );
    expect(hide.status).toBe(303);
    const row = await t.db.selectFrom('reviews').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'hidden',
      moderation_reason: 'Names a guide by phone number',
      moderated_by: admin.id,
    });
    const open = await t.db
      .selectFrom('review_reports')
      .select('resolved_at')
      .where('review_id', '=', review.id)
      .execute();
    expect(open.every((r) => r.resolved_at !== null)).toBe(true);
    // A hidden review cannot be reported any more; it is hidden only once.
    expect((await t.request(`/reviews/${review.id}/report`, { cookie: reporter.cookie })).status).toBe(404);
    expect(flashOf(await t.post(`/admin/reviews/${review.id}/hide`, { reason: 'again' }, admin.cookie))).toBe(
      'This review is already hidden.',
    );

    expect(await (await t.request('/admin/reviews?show=hidden', { cookie: admin.cookie })).text()).toContain(
      `action="/admin/reviews/${review.id}/restore"`,
    );
    expect(
      (await t.post(`/admin/reviews/${review.id}/restore`, { reason: 'Number removed by the author' }, admin.cookie))
        .status,
    ).toBe(303);
    const audits = await t.db
      .selectFrom('audit_log')
      .select(['actor_id', 'action', 'before', 'after'])
      .where('target_type', '=', 'review')
      .where('target_id', '=', String(review.id))
      .orderBy('id')
      .execute();
    expect(audits.map((a) => [a.actor_id, a.action, JSON.parse(a.before!), JSON.parse(a.after!)])).toEqual([
      [
        admin.id,
        'review.hidden',
        { status: 'visible' },
        { status: 'hidden', reason: 'Names a guide by phone number', reports_resolved: 1 },
      ],
      [
        admin.id,
        'review.restored',
        { status: 'hidden' },
        { status: 'visible', reason: 'Number removed by the author', reports_resolved: 0 },
      ],
    ]);
  });

  it('an admin may keep a reported review visible: its reports close, the ratings stay, the decision is audited', async () => {
    const { review } = await reviewed();
    await t.post(
      `/reviews/${review.id}/report`,
      { reason: 'other', details: 'Seems fine?' },
      (await signedIn(t.deps)).cookie,
    );
    const admin = await signedIn(t.deps, { role: 'admin' });
    const queue = await (await t.request('/admin/reviews', { cookie: admin.cookie })).text();
    expect(queue).toContain('Keep it visible and close the reports');
    const before = await t.db.selectFrom('trip_ratings').selectAll().where('trip_id', '=', review.trip_id).execute();
    const keep = await t.post(`/admin/reviews/${review.id}/restore`, { reason: 'Nothing wrong with it' }, admin.cookie);
    expect(flashOf(keep)).toBe('The review stays visible; its reports are closed.');
    expect(
      (await t.db.selectFrom('reviews').select('status').where('id', '=', review.id).executeTakeFirstOrThrow()).status,
    ).toBe('visible');
    expect(await t.db.selectFrom('trip_ratings').selectAll().where('trip_id', '=', review.trip_id).execute()).toEqual(
      before,
    );
    expect(await (await t.request('/admin/reviews', { cookie: admin.cookie })).text()).not.toContain(
      `id="review-${review.id}"`,
    );
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'review')
      .where('target_id', '=', String(review.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['review.kept']);
    // Nothing left to decide: a second "keep" says so and records nothing.
    expect(flashOf(await t.post(`/admin/reviews/${review.id}/restore`, { reason: 'again' }, admin.cookie))).toBe(
      'This review is visible and has no open reports.',
    );
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'review')
        .where('target_id', '=', String(review.id))
        .execute(),
    ).toHaveLength(1);
  });
});
