import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { bookingForm, bookingIdFrom, sendUpiProof } from '../bookings/support.js';
import { subscriptionChanged } from '../../src/live/service.js';
import { sendTrialNotices, startTrial } from '../../src/billing/trial.js';
import { frame } from '../../src/live/hub.js';
import { fastHub, openStream, type OpenStream } from './support.js';

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

const listen = async (cookie: string, topics?: string[]) => {
  const s = await openStream(t, cookie, { topics });
  open.push(s);
  await s.waitFor((f) => f.retry !== undefined);
  return s;
};

/** The stream URL a page's layout connects to, and its listeners. */
const liveOf = (html: string) => ({
  url: /sse-connect="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&'),
  triggers: [...html.matchAll(/hx-trigger="sse:([a-z-]+)" hx-get="([^"]+)" hx-select="([^"]+)"/g)].map((m) =>
    m.slice(1),
  ),
});

async function heldBooking() {
  const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6 });
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie);
  return { ...trip, me, bookingId: bookingIdFrom(res), organizer: await sessionCookie(t.deps, trip.organizerId) };
}

describe('live pieces', () => {
  it('the booking page streams its booking, and swaps its status when the organizer verifies the UPI payment', async () => {
    const b = await heldBooking();
    const html = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text();
    const live = liveOf(html);
    expect(live.url).toBe(`/events?topics=${encodeURIComponent(`booking:${b.bookingId}`)}`);
    expect(live.triggers).toContainEqual(['booking', `/bookings/${b.bookingId}`, '#booking-live']);
    expect(html).toContain('id="booking-live"');

    const traveler = await listen(b.me.cookie, [`booking:${b.bookingId}`]);
    const organizer = await listen(b.organizer);
    await sendUpiProof(t, b.bookingId, b.me.cookie);
    await organizer.waitFor((f) => f.event === 'queue');
    const [proof] = await t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', b.bookingId).execute();
    const before = traveler.frames.filter((f) => f.event === 'booking').length;
    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, b.organizer)).status).toBe(303);
    await traveler.waitFor(
      (f) => f.event === 'booking' && traveler.frames.filter((x) => x.event === 'booking').length > before,
    );
    // What the listener fetches again: the page, whose #booking-live now says confirmed.
    const again = await (
      await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie, headers: { 'HX-Request': 'true' } })
    ).text();
    expect(/id="booking-live">[\s\S]*?Confirmed/.test(again)).toBe(true);
  });

  it('a new booking: the organizer’s bell and queue hear it, and the trip page’s seats left are refreshed', async () => {
    const trip = await makeTrip(t.deps, { capacity: 6 });
    const viewer = await signedIn(t.deps);
    const html = await (await t.request(`/trips/${trip.tripId}`, { cookie: viewer.cookie })).text();
    expect(liveOf(html).url).toBe(`/events?topics=${encodeURIComponent(`trip:${trip.tripId}`)}`);
    expect(liveOf(html).triggers).toContainEqual(['seats', `/trips/${trip.tripId}`, '#departures']);
    const seats = await listen(viewer.cookie, [`trip:${trip.tripId}`]);
    const organizer = await listen(await sessionCookie(t.deps, trip.organizerId));
    const me = await signedIn(t.deps);
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie);
    await seats.waitFor((f) => f.event === 'seats');
    const bell = await organizer.waitFor((f) => f.event === 'bell');
    expect(bell.data).toContain('>1<');
    await organizer.waitFor((f) => f.event === 'queue');
    const [n] = await t.db.selectFrom('notifications').selectAll().where('user_id', '=', trip.organizerId).execute();
    expect(n.title).toMatch(/^New booking /);
    expect(n.link).toBe(`/organizer/bookings?trip=${trip.tripId}`);
  });

  it('the organizer’s queue, bookings list and subscription pages listen on the organizer’s own channel', async () => {
    const org = await signedIn(t.deps, { role: 'organizer' });
    for (const [path, event, target] of [
      ['/organizer/verifications', 'queue', '#verification-queue'],
      ['/organizer/bookings', 'queue', '#organizer-bookings'],
      ['/organizer/subscription', 'subscription', '#subscription-status'],
    ]) {
      const html = await (await t.request(path, { cookie: org.cookie })).text();
      expect(liveOf(html).url).toBe('/events');
      expect(liveOf(html).triggers).toContainEqual([event, path, target]);
      expect(html).toContain(`id="${target.slice(1)}"`);
    }
    const s = await listen(org.cookie);
    await subscriptionChanged(t.deps, org.id);
    await s.waitFor((f) => f.event === 'subscription');
  });

  it('the trial-notices job closing a trial refreshes the organizer’s open subscription page', async () => {
    const org = await signedIn(t.deps, { role: 'organizer' });
    await startTrial(t.db, t.clock, org.id);
    const s = await listen(org.cookie);
    t.clock.advance(61 * 24 * 3_600_000);
    expect(await sendTrialNotices(t.deps)).toContain('ended 1 trials');
    await s.waitFor((f) => f.event === 'subscription');
  });

  it('each live update is under 1 KB on the wire (the frame; the bell carries its count inline)', async () => {
    const b = await heldBooking();
    const organizer = await listen(b.organizer);
    await sendUpiProof(t, b.bookingId, b.me.cookie);
    const bell = await organizer.waitFor((f) => f.event === 'bell');
    const bytes = (f: typeof bell) => frame({ id: Number(f.id), event: f.event!, data: f.data ?? '' }).byteLength;
    expect(bytes(bell)).toBeLessThan(1024);
    const queue = await organizer.waitFor((f) => f.event === 'queue');
    expect(bytes(queue)).toBeLessThan(100);
  });

  it('a support thread: the customer’s open page hears an agent’s reply, the agent’s hears the customer’s, and no one else may listen', async () => {
    const me = await signedIn(t.deps);
    const opened = await t.post(
      '/support',
      { subject: 'Where is my pass?', body: 'I paid but see no pass.' },
      me.cookie,
    );
    const id = Number(/\/support\/(\d+)/.exec(opened.headers.get('location') ?? '')![1]);
    const html = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(liveOf(html).url).toBe(`/events?topics=${encodeURIComponent(`ticket:${id}`)}`);
    expect(liveOf(html).triggers).toContainEqual(['thread', `/support/${id}`, `#thread-${id}`]);
    const agent = await signedIn(t.deps, { role: 'agent' });
    const agentHtml = await (await t.request(`/agent/tickets/${id}`, { cookie: agent.cookie })).text();
    expect(liveOf(agentHtml).triggers).toContainEqual(['thread', `/agent/tickets/${id}`, `#thread-${id}`]);

    const customer = await listen(me.cookie, [`ticket:${id}`]);
    const desk = await listen(agent.cookie, [`ticket:${id}`]);
    const stranger = await listen((await signedIn(t.deps)).cookie, [`ticket:${id}`]);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'It is on its way.', status: 'waiting' }, agent.cookie);
    await customer.waitFor((f) => f.event === 'thread');
    await t.post(`/support/${id}/reply`, { body: 'Thank you!' }, me.cookie);
    await desk.waitFor((f) => f.event === 'thread' && desk.frames.filter((x) => x.event === 'thread').length >= 2);
    // What the customer's page fetches again now shows the reply.
    const again = await (
      await t.request(`/support/${id}`, { cookie: me.cookie, headers: { 'HX-Request': 'true' } })
    ).text();
    expect(again).toContain('It is on its way.');
    expect(stranger.frames.some((f) => f.event === 'thread')).toBe(false);
  });
});
