import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { seatsThatDoNotAddUp } from '../support/seats.js';
import { expireWaitlistOffers } from '../../src/bookings/jobs.js';
import { HOUR } from '../../src/lib/clock.js';
import { bookingForm, bookingIdFrom, waitlistEntryOf } from './support.js';

/** Issue 32 item 2, what was left: dates that stop taking bookings, messages by SMS too, free trips, SQL in its place. */

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

type User = { id: number; cookie: string };

const entryOf = async (userId: number, departureId: number) => (await waitlistEntryOf(t.deps, userId, departureId))!;

const book = (u: User, tripId: number, departureId: number, guests: number) =>
  t.post(`/trips/${tripId}/book`, bookingForm(departureId, guests), u.cookie);
const join = (u: User, tripId: number, departureId: number, guests: number) =>
  t.post(`/trips/${tripId}/waitlist`, { departure: String(departureId), guests: String(guests) }, u.cookie);
const cancel = (u: User, bookingId: number) => t.post(`/bookings/${bookingId}/cancel`, {}, u.cookie);

/** A one-seat date whose booking is cancelled: the seat is offered to the one traveler waiting. */
async function offerOnOneSeat(o: { pricePaise?: number } = {}) {
  const trip = await makeTrip(t.deps, { capacity: 1, pricePaise: o.pricePaise });
  const holder = await signedIn(t.deps);
  const held = await book(holder, trip.tripId, trip.departureId, 1);
  expect(held.status).toBe(303);
  const waiting = await signedIn(t.deps, { name: 'Wasim Waits' });
  expect((await join(waiting, trip.tripId, trip.departureId, 1)).status).toBe(303);
  expect((await cancel(holder, bookingIdFrom(held))).status).toBe(303);
  const entry = await entryOf(waiting.id, trip.departureId);
  expect(entry.status).toBe('offered');
  return { ...trip, waiting, entry, organizer: await sessionCookie(t.deps, trip.organizerId) };
}

const seatsOf = async (departureId: number) =>
  (await t.db.selectFrom('departures').select('seats_taken').where('id', '=', departureId).executeTakeFirstOrThrow())
    .seats_taken;

describe('an offer on a date that stopped taking bookings', () => {
  it('a trip paused after the offer: its link is a 409 page saying why, the offer is closed and its seat released', async () => {
    const o = await offerOnOneSeat();
    expect(await seatsOf(o.departureId)).toBe(1);
    expect((await t.post(`/organizer/trips/${o.tripId}/deactivate`, {}, o.organizer)).status).toBe(303);

    const res = await t.request(`/waitlist/${o.entry.id}/accept`, { cookie: o.waiting.cookie });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('no longer takes bookings (the organizer paused or cancelled it)');
    expect((await entryOf(o.waiting.id, o.departureId)).status).toBe('closed');
    expect(await seatsOf(o.departureId)).toBe(0);
    expect(await seatsThatDoNotAddUp(t.db)).toEqual([]);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'waitlist.offer_closed')
      .where('target_id', '=', String(o.departureId))
      .execute();
    expect(audited).toHaveLength(1);
    // The list no longer shows it, and the link stays a 409 page.
    expect(await (await t.request('/waitlist', { cookie: o.waiting.cookie })).text()).toContain(
      'You are not waiting for seats on any trek.',
    );
    expect((await t.request(`/waitlist/${o.entry.id}/accept`, { cookie: o.waiting.cookie })).status).toBe(409);
  });

  it('a trip cancelled after the offer: its link is a 409 page saying why, the seat given back', async () => {
    const o = await offerOnOneSeat();
    expect((await t.post(`/organizer/trips/${o.tripId}/cancel`, {}, o.organizer)).status).toBe(303);
    const res = await t.request(`/waitlist/${o.entry.id}/accept`, { cookie: o.waiting.cookie });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('no longer takes bookings');
    expect((await entryOf(o.waiting.id, o.departureId)).status).toBe('closed');
    expect(await seatsOf(o.departureId)).toBe(0);
  });
});

describe('waitlist messages by email and SMS', () => {
  it('an offer that ran out and a waitlist closed by a cancelled date each go by email and SMS', async () => {
    const o = await offerOnOneSeat();
    const later = await signedIn(t.deps, { name: 'Lata Later' });
    expect((await join(later, o.tripId, o.departureId, 1)).status).toBe(303);
    t.clock.advance(12 * HOUR + 1000);
    await expireWaitlistOffers(t.deps);
    expect((await entryOf(o.waiting.id, o.departureId)).status).toBe('expired');
    expect((await entryOf(later.id, o.departureId)).status).toBe('offered');
    const phoneOf = async (id: number) =>
      await t.db.selectFrom('users').select(['email', 'phone']).where('id', '=', id).executeTakeFirstOrThrow();
    const outboxOf = (template: string, to: { email: string; phone: string | null }) =>
      t.db
        .selectFrom('outbox')
        .select(['channel', 'recipient', 'payload'])
        .where('template', '=', template)
        .where('recipient', 'in', [to.email, to.phone!])
        .orderBy('channel')
        .execute();
    const expired = await outboxOf('waitlist-offer-expired', await phoneOf(o.waiting.id));
    expect(expired.map((m) => m.channel)).toEqual(['email', 'sms']);
    const sms = JSON.parse(expired[1]!.payload).text as string;
    expect(sms).toContain('your waitlist offer for');
    expect(sms).toContain(`/trips/${o.tripId}`);

    expect((await t.post(`/organizer/departures/${o.departureId}/cancel`, { note: 'Snow' }, o.organizer)).status).toBe(
      303,
    );
    expect((await entryOf(later.id, o.departureId)).status).toBe('closed');
    const closed = await outboxOf('waitlist-closed', await phoneOf(later.id));
    expect(closed.map((m) => m.channel)).toEqual(['email', 'sms']);
    expect(JSON.parse(closed[1]!.payload).text).toContain('was cancelled, so its waitlist is closed');
  });
});

describe('a free trip', () => {
  it('a full date offers its waitlist on the join page; a place offered is joined at once from /waitlist', async () => {
    const trip = await makeTrip(t.deps, { capacity: 1, pricePaise: 0 });
    const first = await signedIn(t.deps);
    const joined = await t.post(`/trips/${trip.tripId}/join`, { departure: String(trip.departureId) }, first.cookie);
    expect(joined.status).toBe(303);
    const me = await signedIn(t.deps, { name: 'Farah Free' });
    const full = await (
      await t.request(`/trips/${trip.tripId}/book?departure=${trip.departureId}`, { cookie: me.cookie })
    ).text();
    expect(full).toContain('0 seats left');
    expect(full).toContain(`action="/trips/${trip.tripId}/waitlist"`);
    expect(full).toContain('Join the waitlist');
    expect(full).not.toContain('Join this trip');
    // Joining the free trip's full date: no place for me, nothing booked.
    const refused = await t.post(`/trips/${trip.tripId}/join`, { departure: String(trip.departureId) }, me.cookie);
    expect(refused.status).toBe(409);

    expect((await join(me, trip.tripId, trip.departureId, 1)).status).toBe(303);
    const again = await t.post(
      `/trips/${trip.tripId}/waitlist`,
      { departure: String(trip.departureId), guests: '1' },
      me.cookie,
    );
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/id="e-waitlist"[^>]*>You are already on the waitlist/);
    expect(
      await (await t.request(`/trips/${trip.tripId}/book?departure=${trip.departureId}`, { cookie: me.cookie })).text(),
    ).toContain('You are on the waitlist for this date');

    expect((await cancel(first, bookingIdFrom(joined))).status).toBe(303);
    const entry = await entryOf(me.id, trip.departureId);
    expect(entry.status).toBe('offered');
    const list = await (await t.request('/waitlist', { cookie: me.cookie })).text();
    expect(list).toContain('A place is held for you until');
    expect(list).toContain(`action="/trips/${trip.tripId}/join"`);
    // The offer's link (from the email) shows the join page with the place held.
    const accept = await t.request(`/waitlist/${entry.id}/accept`, { cookie: me.cookie });
    const form = await (await t.request(accept.headers.get('location')!, { cookie: me.cookie })).text();
    expect(form).toContain('A place is held for you from the waitlist');
    expect(form).toContain('Join this trip');

    const res = await t.post(`/trips/${trip.tripId}/join`, { departure: String(trip.departureId) }, me.cookie);
    expect(res.status).toBe(303);
    const booking = await t.db
      .selectFrom('bookings')
      .selectAll()
      .where('user_id', '=', me.id)
      .executeTakeFirstOrThrow();
    expect(booking).toMatchObject({ status: 'confirmed', guests: 1, departure_id: trip.departureId });
    expect(await entryOf(me.id, trip.departureId)).toMatchObject({ status: 'accepted', booking_id: booking.id });
    expect(await seatsOf(trip.departureId)).toBe(1);
    expect(await seatsThatDoNotAddUp(t.db)).toEqual([]);
  });
});

describe('where the waitlist keeps its SQL', () => {
  it('the waitlist verbs hold no SQL: every statement is in queries-waitlist.ts', () => {
    const src = readFileSync(new URL('../../src/bookings/waitlist.ts', import.meta.url), 'utf8');
    expect(src.match(/\b(selectFrom|insertInto|updateTable|deleteFrom)\(/g)).toBeNull();
  });
});

describe('booking with an offer on a date that stopped taking bookings', () => {
  it('the booking form sent after the trip was paused: a 409 page saying why, the offer closed and its seat released', async () => {
    const o = await offerOnOneSeat();
    expect((await t.post(`/organizer/trips/${o.tripId}/deactivate`, {}, o.organizer)).status).toBe(303);
    const res = await book(o.waiting, o.tripId, o.departureId, 1);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('no longer takes bookings (the organizer paused or cancelled it)');
    expect((await entryOf(o.waiting.id, o.departureId)).status).toBe('closed');
    expect(await seatsOf(o.departureId)).toBe(0);
    expect(await t.db.selectFrom('bookings').select('id').where('user_id', '=', o.waiting.id).execute()).toEqual([]);
    expect(await seatsThatDoNotAddUp(t.db)).toEqual([]);
  });

  it('a free trip joined after it was paused: the same 409 page, the place given back', async () => {
    const o = await offerOnOneSeat({ pricePaise: 0 });
    expect((await t.post(`/organizer/trips/${o.tripId}/deactivate`, {}, o.organizer)).status).toBe(303);
    const res = await t.post(`/trips/${o.tripId}/join`, { departure: String(o.departureId) }, o.waiting.cookie);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('no longer takes bookings');
    expect((await entryOf(o.waiting.id, o.departureId)).status).toBe('closed');
    expect(await seatsOf(o.departureId)).toBe(0);
  });
});
