import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import type { Deps } from '../../src/deps.js';
import { completeEndedBookings } from '../../src/bookings/jobs.js';
import { openPage, screenshot, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
let trip: Awaited<ReturnType<typeof makeTrip>>;
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
  // One departure went ahead last month; the next is still to come, so the trip page is public.
  trip = await makeTrip(deps, {
    title: 'Dayara Bugyal',
    departures: [
      { start: '2026-11-10', end: '2026-11-14' },
      { start: '2027-03-10', end: '2027-03-14' },
    ],
  });
});

/** A traveler whose booking on the departure that ended is completed (by the nightly job), signed in. */
async function travelerBackFromTheTrek(name: string) {
  const id = await createUser(deps, { name });
  const bookingId = await makeBooking(deps, { trip, userId: id, status: 'confirmed' });
  await completeEndedBookings(deps as unknown as Deps);
  return { id, bookingId, cookie: await sessionCookie(deps, id) };
}

async function writeReview(javaScript: boolean, name: string, review: { stars: string; title: string; text: string }) {
  const me = await travelerBackFromTheTrek(name);
  const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
  await useSession(w.context, e2e.server.url, me.cookie);
  const { page } = w;
  await page.goto(`/bookings/${me.bookingId}/review`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Review Dayara Bugyal');
  expect(await hasHorizontalScroll(page)).toBe(false);
  await page.locator(`input[name="trip_stars"][value="${review.stars}"]`).check();
  await page.locator('input[name="organizer_stars"][value="4"]').check();
  await page.fill('input[name="title"]', review.title);
  await page.fill('textarea[name="comment"]', review.text);
  await page.locator('input[name="tags"][value="scenic"]').check();
  await screenshot(page, `reviews-form-${javaScript ? 'js' : 'nojs'}`);
  await page.getByRole('button', { name: 'Publish my review' }).click();
  await page.waitForURL(/\/reviews(#review-\d+)?$/);
  await expect(page.locator('.flash.ok').textContent()).resolves.toContain('your review is published');
  await expect(page.locator('main').textContent()).resolves.toContain(review.title);
  return { w, me };
}

describe('reviews in Chromium (360×640)', () => {
  it('a traveler back from the trek writes a review with JavaScript on, and it shows on the trip page', async () => {
    const { w } = await writeReview(true, 'Meera Iyer', {
      stars: '5',
      title: 'Meadows above the clouds',
      text: 'The campsite at Bakaria Top was unreal, and the team cooked hot food every evening.',
    });
    const { page } = w;
    await page.goto(`/trips/${trip.tripId}`);
    const reviews = page.locator('#reviews');
    await expect(reviews.locator('article.review').count()).resolves.toBe(1);
    await expect(reviews.textContent()).resolves.toContain('Meadows above the clouds');
    await expect(reviews.textContent()).resolves.toContain('Meera I.');
    await expect(page.locator('.trip-rating .rating').getAttribute('aria-label')).resolves.toBe(
      'Rated 5.0 of 5, 1 review',
    );
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'reviews-trip-page');
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('the same with JavaScript off: plain form, redirect, and the trip page shows both reviews and the new average', async () => {
    const { w } = await writeReview(false, 'Kabir Shah', {
      stars: '4',
      title: 'Steady climb, great guides',
      text: 'Good pacing for first-timers; the guides checked on everyone at every stop.',
    });
    const { page } = w;
    await page.goto(`/trips/${trip.tripId}`);
    await expect(page.locator('#reviews article.review').count()).resolves.toBe(2);
    await expect(page.locator('#reviews').textContent()).resolves.toContain('Steady climb, great guides');
    await expect(page.locator('.trip-rating .rating').getAttribute('aria-label')).resolves.toBe(
      'Rated 4.5 of 5, 2 reviews',
    );
    // Signed out, the shop window shows the same numbers.
    const anon = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await anon.page.goto(`/trips/${trip.tripId}`);
    await expect(anon.page.locator('.trip-rating .rating').getAttribute('aria-label')).resolves.toBe(
      'Rated 4.5 of 5, 2 reviews',
    );
    await anon.page.goto('/trips?sort=rating');
    await expect(anon.page.locator('.trip-card').first().textContent()).resolves.toContain('Dayara Bugyal');
    await anon.close();
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
