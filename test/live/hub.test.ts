import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { pruneLiveEvents } from '../../src/live/jobs.js';
import { channel, publish } from '../../src/live/service.js';
import { fastHub, openStream, sleep, type OpenStream } from './support.js';

let t: TestApp;
const open: OpenStream[] = [];
const stream = async (...a: Parameters<typeof openStream> extends [unknown, ...infer R] ? R : never) => {
  const s = await openStream(t, ...a);
  open.push(s);
  return s;
};

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  t.deps.live?.stop();
  await t.close();
});

const countEvents = async () =>
  Number(
    (
      await t.db
        .selectFrom('live_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('GET /events', () => {
  it('refuses a visitor with no session (401), and opens a stream for a signed-in user', async () => {
    fastHub(t);
    const anon = await t.request('/events');
    expect(anon.status).toBe(401);
    const me = await signedIn(t.deps);
    const s = await stream(me.cookie);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    const first = await s.waitFor((f) => f.retry !== undefined);
    expect(Number(first.retry)).toBeGreaterThan(0);
  });

  it('is never compressed nor ETagged, even when the browser accepts brotli', async () => {
    fastHub(t);
    const me = await signedIn(t.deps);
    const res = await t.request('/events', { cookie: me.cookie, headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.headers.get('Content-Encoding')).toBeNull();
    expect(res.headers.get('ETag')).toBeNull();
    expect(res.headers.get('Cache-Control')).toContain('no-store');
    await res.body?.cancel();
  });

  it('a user never hears another user’s events', async () => {
    fastHub(t);
    const a = await signedIn(t.deps);
    const b = await signedIn(t.deps);
    const sa = await stream(a.cookie);
    const sb = await stream(b.cookie);
    await publish(t.deps, { to: channel.user(b.id), event: 'bell', data: 'for b' });
    const got = await sb.waitFor((f) => f.event === 'bell');
    expect(got.data).toBe('for b');
    expect(got.id).toMatch(/^\d+$/);
    await publish(t.deps, { to: channel.user(a.id), event: 'bell', data: 'for a' });
    await sa.waitFor((f) => f.event === 'bell');
    expect(sa.frames.filter((f) => f.event).map((f) => f.data)).toEqual(['for a']);
    expect(sb.frames.filter((f) => f.event).map((f) => f.data)).toEqual(['for b']);
  });

  it('a traveler cannot listen to another traveler’s booking; its traveler and organizer can', async () => {
    fastHub(t);
    const trip = await makeTrip(t.deps);
    const owner = await signedIn(t.deps);
    const other = await signedIn(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: owner.id });
    const organizer = { cookie: await sessionCookie(t.deps, trip.organizerId) };
    const topics = [`booking:${bookingId}`];
    const sOther = await stream(other.cookie, { topics });
    const sOwner = await stream(owner.cookie, { topics });
    const sOrg = await stream(organizer.cookie, { topics });
    await publish(t.deps, { to: channel.booking(bookingId), event: 'booking' });
    await sOwner.waitFor((f) => f.event === 'booking');
    await sOrg.waitFor((f) => f.event === 'booking');
    await publish(t.deps, { to: channel.user(other.id), event: 'marker' });
    await sOther.waitFor((f) => f.event === 'marker');
    expect(sOther.frames.some((f) => f.event === 'booking')).toBe(false);
  });

  it('a role’s dashboard topic is only for that role (or an admin)', async () => {
    fastHub(t);
    const traveler = await signedIn(t.deps, { role: 'traveler' });
    const admin = await signedIn(t.deps, { role: 'admin' });
    const topics = ['dashboard:organizer'];
    const st = await stream(traveler.cookie, { topics });
    const sa = await stream(admin.cookie, { topics });
    await publish(t.deps, { to: channel.dashboard('organizer'), event: 'dashboard' });
    await sa.waitFor((f) => f.event === 'dashboard');
    await publish(t.deps, { to: channel.user(traveler.id), event: 'marker' });
    await st.waitFor((f) => f.event === 'marker');
    expect(st.frames.some((f) => f.event === 'dashboard')).toBe(false);
  });

  it('replays what a stream missed after a reconnect (Last-Event-ID), in order, and only its own', async () => {
    fastHub(t, { replayLimit: 3 });
    const me = await signedIn(t.deps);
    const other = await signedIn(t.deps);
    const s1 = await stream(me.cookie);
    await publish(t.deps, { to: channel.user(me.id), event: 'n', data: '0' });
    const seen = await s1.waitFor((f) => f.event === 'n');
    await s1.close();
    for (const d of ['1', '2', '3', '4']) await publish(t.deps, { to: channel.user(me.id), event: 'n', data: d });
    await publish(t.deps, { to: channel.user(other.id), event: 'n', data: 'not mine' });
    const s2 = await stream(me.cookie, { lastEventId: Number(seen.id) });
    await s2.waitFor((f) => f.data === '4');
    // Bounded: the newest three of the four missed.
    expect(s2.frames.filter((f) => f.event === 'n').map((f) => f.data)).toEqual(['2', '3', '4']);
    await publish(t.deps, { to: channel.user(me.id), event: 'n', data: '5' });
    await s2.waitFor((f) => f.data === '5');
    expect(s2.frames.filter((f) => f.event === 'n').map((f) => f.data)).toEqual(['2', '3', '4', '5']);
  });

  it('sends a heartbeat comment on every interval', async () => {
    fastHub(t, { heartbeatMs: 40 });
    const me = await signedIn(t.deps);
    const s = await stream(me.cookie);
    await sleep(150);
    expect(s.frames.filter((f) => f.comment === '' && !f.event).length).toBeGreaterThanOrEqual(2);
  });

  it('caps the streams of one user, and frees a place when a tab closes', async () => {
    const hub = fastHub(t, { maxStreamsPerUser: 2 });
    const me = await signedIn(t.deps);
    const first = await stream(me.cookie);
    await stream(me.cookie);
    const third = await t.request('/events', { cookie: me.cookie });
    expect(third.status).toBe(429);
    expect(hub.streamsOf(me.id)).toBe(2);
    await first.close();
    await sleep(10);
    expect(hub.streamsOf(me.id)).toBe(1);
    const again = await stream(me.cookie);
    expect(again.res.status).toBe(200);
  });

  it('signing out ends the streams of that session, and only those', async () => {
    fastHub(t);
    const me = await signedIn(t.deps);
    const otherSession = await sessionCookie(t.deps, me.id);
    const s = await stream(me.cookie);
    const kept = await stream(otherSession);
    await s.waitFor((f) => f.retry !== undefined);
    const res = await t.post('/logout', {}, me.cookie);
    expect(res.status).toBe(303);
    await s.ended;
    expect(s.frames.some((f) => f.event === 'signed-out')).toBe(true);
    await publish(t.deps, { to: channel.user(me.id), event: 'still-here' });
    await kept.waitFor((f) => f.event === 'still-here');
  });

  it('signing out everywhere ends every stream of the user, in every session', async () => {
    fastHub(t);
    const me = await signedIn(t.deps);
    const other = await sessionCookie(t.deps, me.id);
    const [a, b] = [await stream(me.cookie), await stream(other)];
    await a.waitFor((f) => f.retry !== undefined);
    await b.waitFor((f) => f.retry !== undefined);
    expect((await t.post('/me/sign-out-everywhere', {}, me.cookie)).status).toBe(303);
    await Promise.all([a.ended, b.ended]);
  });

  it('a session that ended without a sign-out event (expired, deleted) ends its streams at the next heartbeat', async () => {
    fastHub(t, { heartbeatMs: 40 });
    const me = await signedIn(t.deps);
    const s = await stream(me.cookie);
    await t.db.deleteFrom('sessions').where('user_id', '=', me.id).execute();
    await s.ended;
  });

  it('shutting down ends every stream', async () => {
    const stopping = new AbortController();
    t.deps.stopping = stopping.signal;
    const hub = fastHub(t);
    const a = await signedIn(t.deps);
    const sa = await stream(a.cookie);
    const sb = await stream((await signedIn(t.deps)).cookie);
    expect(hub.size).toBe(2);
    stopping.abort();
    await Promise.all([sa.ended, sb.ended]);
    expect(hub.size).toBe(0);
    expect((await t.request('/events', { cookie: a.cookie })).status).toBe(429);
  });

  it('events are rows in the database, pruned after a day by the housekeeping job', async () => {
    await publish(t.deps, { to: channel.all, event: 'x' });
    expect(await countEvents()).toBe(1);
    expect(await pruneLiveEvents(t.deps)).toBe('removed 0 live events');
    t.clock.advance(25 * 3_600_000);
    expect(await pruneLiveEvents(t.deps)).toBe('removed 1 live events');
    expect(await countEvents()).toBe(0);
  });
});
