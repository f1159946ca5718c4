import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, signedIn } from '../support/factories.js';
import { fastHub, openStream, type OpenStream } from '../live/support.js';
import { expireWaitlistOffers } from '../../src/bookings/jobs.js';
import { HOUR } from '../../src/lib/clock.js';
import { bookingForm, bookingIdFrom, waitlistEntryOf } from './support.js';

/** The traveler's /waitlist page is live: their place moving up and an offer arriving reach it without a reload. */

let t: TestApp;
const open: OpenStream[] = [];
beforeEach(async () => {
  t = await makeTestApp();
  fastHub(t);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  t.deps.live?.stop();
  await t.close();
});

type User = { id: number; cookie: string };

const listen = async (cookie: string) => {
  const s = await openStream(t, cookie);
  open.push(s);
  await s.waitFor((f) => f.retry !== undefined);
  return s;
};
const waitlistEvents = (s: OpenStream) => s.frames.filter((f) => f.event === 'waitlist').length;
/** Waits for one more `waitlist` event than the stream had; fails after a while. */
const nextWaitlistEvent = (s: OpenStream, before: number) => s.waitFor(() => waitlistEvents(s) > before, 3000);

const join = (u: User, tripId: number, departureId: number, guests: number) =>
  t.post(`/trips/${tripId}/waitlist`, { departure: String(departureId), guests: String(guests) }, u.cookie);

describe('the live /waitlist page', () => {
  it('listens on the traveler’s own channel and fetches #my-waitlist again on the waitlist event', async () => {
    const me = await signedIn(t.deps);
    const html = await (await t.request('/waitlist', { cookie: me.cookie })).text();
    expect(/sse-connect="([^"]+)"/.exec(html)?.[1]).toBe('/events');
    expect(html).toMatch(/hx-trigger="sse:waitlist" hx-get="\/waitlist" hx-select="#my-waitlist"/);
    expect(html).toContain('id="my-waitlist"');
  });

  it('hears its place move up when someone ahead leaves, an offer arriving, and an offer that ran out', async () => {
    const trip = await makeTrip(t.deps, { capacity: 1 });
    const holder = await signedIn(t.deps);
    const held = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), holder.cookie);
    const [ahead, me, bystander] = [await signedIn(t.deps), await signedIn(t.deps), await signedIn(t.deps)];
    expect((await join(ahead, trip.tripId, trip.departureId, 1)).status).toBe(303);
    expect((await join(me, trip.tripId, trip.departureId, 1)).status).toBe(303);
    const mine = await listen(me.cookie);
    const theirs = await listen(bystander.cookie);

    // Number 2 → number 1: the one ahead leaves.
    const aheadEntry = (await waitlistEntryOf(t.deps, ahead.id, trip.departureId))!;
    let before = waitlistEvents(mine);
    expect((await t.post(`/waitlist/${aheadEntry.id}/leave`, {}, ahead.cookie)).status).toBe(303);
    await nextWaitlistEvent(mine, before);
    expect(
      await (await t.request('/waitlist', { cookie: me.cookie, headers: { 'HX-Request': 'true' } })).text(),
    ).toContain('number 1');

    // An offer: the holder cancels.
    before = waitlistEvents(mine);
    expect((await t.post(`/bookings/${bookingIdFrom(held)}/cancel`, {}, holder.cookie)).status).toBe(303);
    await nextWaitlistEvent(mine, before);
    expect(await (await t.request('/waitlist', { cookie: me.cookie })).text()).toContain(
      'Seats are held for you until',
    );

    // The offer runs out (the job): the page hears it once the job has committed.
    before = waitlistEvents(mine);
    t.clock.advance(12 * HOUR + 1000);
    expect(await expireWaitlistOffers(t.deps)).toBe('1 offers expired, 0 made');
    await nextWaitlistEvent(mine, before);
    // Someone on no waitlist hears none of it.
    expect(waitlistEvents(theirs)).toBe(0);
  });
});
