import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, makeTrip, signedIn } from '../support/factories.js';
import { completedBooking, ENDED, postReview } from './support.js';
import { searchTrips } from '../../src/trips/discovery.js';
import { SearchQuery } from '../../src/trips/schemas.js';
import { choosePlan, ratingStreamSql, searchSql } from '../../src/trips/queries/discovery.js';

/**
 * Averages and counts stay exact on every page that shows them, after a review is written,
 * hidden and restored, for signed-out visitors (the shop window cache) too.
 */
let t: TestApp;
let organizer: number;
const trips: Record<'a' | 'b' | 'c' | 'd', number> = { a: 0, b: 0, c: 0, d: 0 };
let lowReview = 0;
let admin: { id: number; cookie: string };

const trip = (title: string, organizerId: number, upcoming: string) =>
  makeTrip(t.deps, { title, organizerId, departures: [ENDED, { start: upcoming }] });

beforeAll(async () => {
  t = await makeTestApp();
  organizer = await createUser(t.deps, { role: 'organizer', name: 'Ridge Runners' });
  const a = await trip('Ridge Alpha', organizer, '2027-03-10');
  const b = await trip('Ridge Bravo', organizer, '2027-03-20');
  const c = await trip('Ridge Charlie', organizer, '2027-04-01');
  const d = await trip('Ridge Delta', await createUser(t.deps, { role: 'organizer' }), '2027-02-01');
  Object.assign(trips, { a: a.tripId, b: b.tripId, c: c.tripId, d: d.tripId });
  // Ridge Alpha: trip stars 5, 5, 1 (11/3); organizer stars 5, 4, 2. Ridge Bravo: 4; organizer 3.
  for (const [stars, org] of [
    ['5', '5'],
    ['5', '4'],
    ['1', '2'],
  ]) {
    const me = await completedBooking(t, a);
    expect((await postReview(t, me, { trip_stars: stars, organizer_stars: org })).status).toBe(303);
  }
  const bravo = await completedBooking(t, b);
  await postReview(t, bravo, { trip_stars: '4', organizer_stars: '3' });
  lowReview = (await t.db.selectFrom('reviews').select('id').where('trip_stars', '=', 1).executeTakeFirstOrThrow()).id;
  admin = await signedIn(t.deps, { role: 'admin' });
});
afterAll(() => t.close());

/** "Rated 3.7 of 5, 3 reviews": the badge every page shows. */
const badge = (avg: string, n: number) => `Rated ${avg} of 5, ${n} ${n === 1 ? 'review' : 'reviews'}`;

const signedOut = async (path: string) => {
  const res = await t.request(path);
  expect(res.status, path).toBe(200);
  return { cache: res.headers.get('X-Cache'), html: await res.text() };
};

/** The card of one trip on the search page. */
const cardOf = (html: string, title: string) =>
  html.split('<article class="trip-card">').find((part) => part.includes(`>${title}</a>`)) ?? '';

const order = async (params: Record<string, string>) =>
  (await searchTrips(t.deps, SearchQuery.parse({ sort: 'rating', ...params }))).cards.map((c) => c.title);

/** Every stored rating equals the count and sum of its visible reviews, recomputed from scratch. */
async function ratingsMatchTheReviews() {
  const stored = await sql<{
    n: number;
  }>`select count(*) as n from trip_ratings r where r.reviews != (select count(*) from reviews v where v.trip_id = r.trip_id and v.status = 'visible')
    or r.stars_total != (select coalesce(sum(trip_stars), 0) from reviews v where v.trip_id = r.trip_id and v.status = 'visible')`.execute(
    t.db,
  );
  const org = await sql<{
    n: number;
  }>`select count(*) as n from organizer_ratings r where r.reviews != (select count(*) from reviews v where v.organizer_id = r.organizer_id and v.status = 'visible')
    or r.stars_total != (select coalesce(sum(organizer_stars), 0) from reviews v where v.organizer_id = r.organizer_id and v.status = 'visible')`.execute(
    t.db,
  );
  expect([Number(stored.rows[0].n), Number(org.rows[0].n)]).toEqual([0, 0]);
}

/** Primes the signed-out copies of the pages, so the next look proves a change renders afresh. */
async function prime() {
  for (const p of [`/trips/${trips.a}`, `/organizers/${organizer}`, '/trips?q=ridge', '/trips?sort=rating']) {
    await signedOut(p);
    expect((await signedOut(p)).cache, p).toBe('hit');
  }
}

/** The numbers on every page; `changed`: each page was stored before the change and renders afresh now. */
async function expectPages(alpha: [string, number], org: [string, number], sorted: string[], changed = true) {
  const fresh = changed ? 'miss' : expect.anything();
  const page = await signedOut(`/trips/${trips.a}`);
  expect(page.cache).toEqual(fresh);
  expect(page.html).toContain(badge(...alpha));
  expect(page.html).toContain(badge(...org));
  const orgPage = await signedOut(`/organizers/${organizer}`);
  expect(orgPage.cache).toEqual(fresh);
  expect(orgPage.html).toContain(badge(...org));
  expect(cardOf(orgPage.html, 'Ridge Alpha')).toContain(badge(...alpha));
  const search = await signedOut('/trips?q=ridge');
  expect(search.cache).toEqual(fresh);
  expect(cardOf(search.html, 'Ridge Alpha')).toContain(badge(...alpha));
  expect(cardOf(search.html, 'Ridge Bravo')).toContain(badge('4.0', 1));
  expect(cardOf(search.html, 'Ridge Charlie')).not.toContain('Rated');
  // The same order from both search plans: by trip (a text search) and streamed (browsing).
  expect(await choosePlan(t.db, { from: '2026-11-25', match: '"ridge"*' })).toBe('trips');
  expect(await choosePlan(t.db, { from: '2026-11-25' })).toBe('stream');
  expect(await order({ q: 'ridge' })).toEqual(sorted);
  expect(await order({})).toEqual(sorted);
  const sortedPage = await signedOut('/trips?sort=rating');
  expect(sortedPage.cache).toEqual(fresh);
  const at = sorted.map((title) => sortedPage.html.indexOf(`>${title}</a>`));
  expect(at.every((x) => x > 0)).toBe(true);
  expect([...at].sort((x, y) => x - y)).toEqual(at);
  await ratingsMatchTheReviews();
}

describe('ratings after create, hide and restore', () => {
  it('after the reviews are written: exact averages and counts on the trip page, cards, organizer page and in the sort', async () => {
    const page = await signedOut(`/trips/${trips.a}`);
    expect(page.html).toContain(badge('3.7', 3));
    expect(page.html).toContain(badge('3.5', 4)); // organizer: (5+4+2+3)/4
    expect(page.html).toContain('Snow all the way up');
    // Rated best first (Bravo 4.0 before Alpha 3.67), then the unrated by soonest departure (Delta in Feb, Charlie in April).
    await expectPages(['3.7', 3], ['3.5', 4], ['Ridge Bravo', 'Ridge Alpha', 'Ridge Delta', 'Ridge Charlie'], false);
  });

  it('after an admin hides the 1-star review: it leaves the averages, counts and order at once', async () => {
    await prime();
    expect(
      (await t.post(`/admin/reviews/${lowReview}/hide`, { reason: 'Not about this trip' }, admin.cookie)).status,
    ).toBe(303);
    await expectPages(['5.0', 2], ['4.0', 3], ['Ridge Alpha', 'Ridge Bravo', 'Ridge Delta', 'Ridge Charlie']);
    expect((await signedOut(`/trips/${trips.a}`)).html).not.toContain(`id="review-${lowReview}"`);
  });

  it('after it is restored: back in the numbers and the order', async () => {
    await prime();
    expect(
      (await t.post(`/admin/reviews/${lowReview}/restore`, { reason: 'Appeal upheld' }, admin.cookie)).status,
    ).toBe(303);
    await expectPages(['3.7', 3], ['3.5', 4], ['Ridge Bravo', 'Ridge Alpha', 'Ridge Delta', 'Ridge Charlie']);
    expect((await signedOut(`/trips/${trips.a}`)).html).toContain(`id="review-${lowReview}"`);
  });

  it('a new review changes the numbers for signed-out visitors at once', async () => {
    await prime();
    const charlie = { tripId: trips.c, departureId: 0, organizerId: organizer };
    charlie.departureId = (
      await t.db
        .selectFrom('departures')
        .select('id')
        .where('trip_id', '=', trips.c)
        .orderBy('start_date')
        .executeTakeFirstOrThrow()
    ).id;
    const me = await completedBooking(t, { ...charlie, departureIds: [charlie.departureId] });
    await prime();
    await postReview(t, me, { trip_stars: '3', organizer_stars: '1' });
    const search = await signedOut('/trips?q=ridge');
    expect(search.cache).toBe('miss');
    expect(cardOf(search.html, 'Ridge Charlie')).toContain(badge('3.0', 1));
    expect((await signedOut(`/organizers/${organizer}`)).html).toContain(badge('3.0', 5)); // (14+1)/5
    expect(await order({ q: 'ridge' })).toEqual(['Ridge Bravo', 'Ridge Alpha', 'Ridge Charlie', 'Ridge Delta']);
    expect(await order({})).toEqual(['Ridge Bravo', 'Ridge Alpha', 'Ridge Charlie', 'Ridge Delta']);
    await ratingsMatchTheReviews();
  });

  it('the streamed rating order walks indexes (rated trips in trip_ratings_rank order), never a bare table scan', async () => {
    const { rated, unrated } = ratingStreamSql({ from: '2026-11-25' });
    for (const part of [rated, unrated]) {
      const plan = (await sql<{ detail: string }>`explain query plan ${part}`.execute(t.db)).rows.map((r) => r.detail);
      expect(
        plan.filter((d) => /^SCAN /.test(d) && !/USING (COVERING )?INDEX/.test(d)),
        plan.join('\n'),
      ).toEqual([]);
    }
    const plan = (await sql<{ detail: string }>`explain query plan ${rated}`.execute(t.db)).rows.map((r) => r.detail);
    expect(plan.join('\n')).toContain('trip_ratings_rank');
    expect(() => searchSql({ from: '2026-11-25' }, 'rating', 'stream')).toThrow();
  });
});
