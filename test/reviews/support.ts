import type { TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn, type TripFields } from '../support/factories.js';
import { completeEndedBookings } from '../../src/bookings/jobs.js';

/** The test clock's "now" is 2026-11-25 (IST); a trip that ended before it, and one still to come. */
export const ENDED = { start: '2026-11-10', end: '2026-11-14' };
export const UPCOMING = { start: '2027-03-10', end: '2027-03-14' };

/** A public trip (one departure ended, one to come) by its own organizer, unless one is given. */
export function tripWithPastDeparture(t: TestApp, f: TripFields = {}) {
  return makeTrip(t.deps, { ...f, departures: [ENDED, UPCOMING] });
}

/** A traveler with a confirmed booking on the ended departure, completed by the nightly job. */
export async function completedBooking(t: TestApp, trip: Awaited<ReturnType<typeof makeTrip>>, name?: string) {
  const me = await signedIn(t.deps, name ? { name } : {});
  const bookingId = await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
  await completeEndedBookings(t.deps);
  return { ...me, bookingId };
}

/** The review form as a browser posts it. */
export function reviewForm(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    trip_stars: '5',
    organizer_stars: '4',
    title: 'Snow all the way up',
    comment: 'Well run from the first briefing to the summit morning. The guides knew every turn.',
    tags: ['scenic', 'great-guide'],
    ...over,
  };
}

/** Posts a review of the booking; the response. */
export const postReview = (t: TestApp, who: { cookie: string; bookingId: number }, over = {}) =>
  t.post(`/bookings/${who.bookingId}/review`, reviewForm(over), who.cookie);

export const reviewCount = async (t: TestApp) =>
  Number(
    (
      await t.db
        .selectFrom('reviews')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The flash message a redirect carries (its cookie), decoded. */
export function flashOf(res: Response): string {
  const cookie = res.headers.get('set-cookie') ?? '';
  const m = /tt_flash=([^;]+)/.exec(cookie);
  return m ? (JSON.parse(decodeURIComponent(m[1])) as { message: string }).message : '';
}
