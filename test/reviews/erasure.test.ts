import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn } from '../support/factories.js';
import { completedBooking, postReview, tripWithPastDeparture } from './support.js';
import { eraseReviewText, ERASED_TEXT } from '../../src/reviews/service.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('erasing what a user wrote in reviews', () => {
  it("replaces their reviews' text, their replies and report details, and keeps the ratings", async () => {
    const trip = await tripWithPastDeparture(t);
    const me = await completedBooking(t, trip);
    await postReview(t, me, { comment: 'Call me on 9812345678 for the photos from the summit day.' });
    const review = await t.db.selectFrom('reviews').selectAll().executeTakeFirstOrThrow();
    const org = await sessionCookie(t.deps, trip.organizerId);
    await t.post(`/organizer/reviews/${review.id}/reply`, { reply: 'Write to me at hills@example.test' }, org);
    const reporter = await signedIn(t.deps);
    await t.post(
      `/reviews/${review.id}/report`,
      { reason: 'personal', details: 'My number is 9898989898' },
      reporter.cookie,
    );
    const ratingBefore = await t.db.selectFrom('trip_ratings').selectAll().execute();

    for (const who of [me.id, trip.organizerId, reporter.id])
      await t.db.transaction().execute((trx) => eraseReviewText(trx, t.clock, who));

    const after = await t.db.selectFrom('reviews').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect([after.title, after.comment, after.reply]).toEqual([ERASED_TEXT, ERASED_TEXT, ERASED_TEXT]);
    const leftovers = await sql<{ n: number }>`select count(*) as n from reviews r, review_reports p
      where r.comment like '%9812345678%' or r.reply like '%hills@example.test%' or p.details like '%9898989898%'`.execute(
      t.db,
    );
    expect(Number(leftovers.rows[0].n)).toBe(0);
    expect(await t.db.selectFrom('trip_ratings').selectAll().execute()).toEqual(ratingBefore);
  });
});
