import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { expireHolds, expireWaitlistOffers } from '../../src/bookings/jobs.js';
import { tripForm } from '../trips/support.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { putSetting } from '../../src/lib/settings.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof, waitlistEntryOf } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

type User = { id: number; cookie: string };

const entryOf = (userId: number, departureId: number) => waitlistEntryOf(t.deps, userId, departureId);

/**
 * The seat count is exactly the seats of live bookings plus the seats held by open offers:
 * checked after every step, so no seat is ever lost, doubled or sold twice.
 */
async function expectSeatsAccountedFor(departureId: number) {
  const booked = await t.db
    .selectFrom('bookings')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('guests'), eb.val(0)).as('n'))
    .where('departure_id', '=', departureId)
    .where('status', 'in', ['pending', 'confirmed'])
    .executeTakeFirstOrThrow();
  const offered = await t.db
    .selectFrom('waitlist_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('guests'), eb.val(0)).as('n'))
    .where('departure_id', '=', departureId)
    .where('status', '=', 'offered')
    .executeTakeFirstOrThrow();
  expect(await seatsTaken(t.deps, departureId)).toBe(Number(booked.n) + Number(offered.n));
  return { booked: Number(booked.n), offered: Number(offered.n) };
}

const book = (u: User, tripId: number, departureId: number, guests: number) =>
  t.post(`/trips/${tripId}/book`, bookingForm(departureId, guests), u.cookie);

const join = (u: User, tripId: number, departureId: number, guests: number) =>
  t.post(`/trips/${tripId}/waitlist`, { departure: String(departureId), guests: String(guests) }, u.cookie);

const cancel = (u: User, bookingId: number) => t.post(`/bookings/${bookingId}/cancel`, {}, u.cookie);

describe('joining a waitlist', () => {
  it('offers the waitlist on a full date, takes one entry per traveler, shows the place and the organizer list', async () => {
    const { tripId, departureId, organizerId } = await makeTrip(t.deps, { capacity: 2 });
    const a = await signedIn(t.deps);
    expect((await book(a, tripId, departureId, 2)).status).toBe(303);
    const b = await signedIn(t.deps, { name: 'Bina Waits' });
    const c = await signedIn(t.deps, { name: 'Chetan Waits' });

    const tripPage = await (await t.request(`/trips/${tripId}`)).text();
    expect(tripPage).toContain('Full');
    expect(tripPage).toContain(`href="/trips/${tripId}/book?departure=${departureId}">Join the waitlist`);
    const form = await (await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: b.cookie })).text();
    expect(form).toContain('Join the waitlist');
    expect(form).not.toContain('Hold my seats');

    const joined = await join(b, tripId, departureId, 1);
    expect(joined.status).toBe(303);
    expect(joined.headers.get('location')).toBe('/waitlist');
    const again = await join(b, tripId, departureId, 3);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already on the waitlist');
    expect((await join(c, tripId, departureId, 3)).status).toBe(303);
    const rows = await t.db
      .selectFrom('waitlist_entries')
      .selectAll()
      .where('departure_id', '=', departureId)
      .execute();
    expect(rows.map((r) => [r.user_id, r.guests, r.status])).toEqual([
      [b.id, 1, 'waiting'],
      [c.id, 3, 'waiting'],
    ]);

    expect(await (await t.request('/waitlist', { cookie: c.cookie })).text()).toContain('number 2');
    expect(await (await t.request('/waitlist', { cookie: b.cookie })).text()).toContain('number 1');
    const bookingForm2 = await (
      await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: b.cookie })
    ).text();
    expect(bookingForm2).toContain('You are on the waitlist for this date');

    const org = await t.request(`/organizer/departures/${departureId}/waitlist`, {
      cookie: await sessionCookie(t.deps, organizerId),
    });
    expect(org.status).toBe(200);
    const orgHtml = await org.text();
    expect(orgHtml.indexOf('Bina Waits')).toBeGreaterThan(-1);
    expect(orgHtml.indexOf('Bina Waits')).toBeLessThan(orgHtml.indexOf('Chetan Waits'));
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.request(`/organizer/departures/${departureId}/waitlist`, { cookie: other.cookie })).status).toBe(
      404,
    );

    // Leaving frees the place: C moves up.
    const bEntry = (await entryOf(b.id, departureId))!;
    expect((await t.post(`/waitlist/${bEntry.id}/leave`, {}, b.cookie)).status).toBe(303);
    expect(await (await t.request('/waitlist', { cookie: c.cookie })).text()).toContain('number 1');
    // Someone else's entry cannot be left.
    const cEntry = (await entryOf(c.id, departureId))!;
    expect((await t.post(`/waitlist/${cEntry.id}/leave`, {}, b.cookie)).status).toBe(404);
    expect((await entryOf(c.id, departureId))!.status).toBe('waiting');
    await expectSeatsAccountedFor(departureId);
  });

  it('refuses bad input with a 422 next to the field and writes nothing', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: 3 });
    const u = await signedIn(t.deps);
    const before = await t.db.selectFrom('waitlist_entries').select('id').execute();
    const zero = await join(u, tripId, departureId, 0);
    expect(zero.status).toBe(422);
    expect(await zero.text()).toMatch(/id="e-waitlist"[^>]*>Wait for at least 1 guest/);
    // Seats are free: book them instead.
    const free = await join(u, tripId, departureId, 2);
    expect(free.status).toBe(422);
    expect(await free.text()).toContain('book them instead of waiting');
    expect(await t.db.selectFrom('waitlist_entries').select('id').execute()).toEqual(before);
  });
});

describe('the waitlist race', () => {
  it('never sells offered seats to anyone else, passes expired offers on in order, and skips a group that does not fit', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: 5 });
    const [a, b, group, w1, w2, w3, third, fourth] = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signedIn(t.deps, { name: `Traveler ${i} Rao` })),
    );
    const aRes = await book(a, tripId, departureId, 2);
    expect((await book(b, tripId, departureId, 3)).status).toBe(303);
    await expectSeatsAccountedFor(departureId);
    // The waitlist, in order: a group of 4, then three singles.
    for (const [u, n] of [
      [group, 4],
      [w1, 1],
      [w2, 1],
      [w3, 1],
    ] as const)
      expect((await join(u, tripId, departureId, n)).status).toBe(303);

    // A cancels (2 seats free) while two other travelers try to book a seat at the same time.
    const [cancelled, t1, t2] = await Promise.all([
      cancel(a, bookingIdFrom(aRes)),
      book(third, tripId, departureId, 1),
      book(fourth, tripId, departureId, 1),
    ]);
    expect(cancelled.status).toBe(303);
    expect([t1.status, t2.status]).toEqual([409, 409]);
    // The group of 4 does not fit 2 seats: W1 and W2 get one each; the group keeps its place.
    expect((await entryOf(group.id, departureId))!.status).toBe('waiting');
    expect((await entryOf(w1.id, departureId))!.status).toBe('offered');
    expect((await entryOf(w2.id, departureId))!.status).toBe('offered');
    expect((await entryOf(w3.id, departureId))!.status).toBe('waiting');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 3, offered: 2 });
    // Nobody else sees the offered seats as free, nor can book them.
    const seen = await (
      await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: third.cookie })
    ).text();
    expect(seen).toContain('0 seats left');
    expect(await (await t.request(`/trips/${tripId}`)).text()).toContain('Full');
    expect((await book(third, tripId, departureId, 1)).status).toBe(409);
    // The offer went by email and SMS, with its link.
    const w1Entry = (await entryOf(w1.id, departureId))!;
    const offers = await t.db
      .selectFrom('outbox')
      .select(['channel', 'payload'])
      .where('template', '=', 'waitlist-offer')
      .execute();
    const w1Offers = offers.filter((m) => JSON.parse(m.payload).text.includes(`/waitlist/${w1Entry.id}/accept`));
    expect(w1Offers.map((m) => m.channel).sort()).toEqual(['email', 'sms']);

    // W2 accepts: straight to the booking form with the seat held, and the held seat becomes the booking's.
    const w2Entry = (await entryOf(w2.id, departureId))!;
    const accept = await t.request(`/waitlist/${w2Entry.id}/accept`, { cookie: w2.cookie });
    expect(accept.status).toBe(303);
    expect(accept.headers.get('location')).toBe(`/trips/${tripId}/book?departure=${departureId}&guests=1`);
    const w2Form = await (await t.request(accept.headers.get('location')!, { cookie: w2.cookie })).text();
    expect(w2Form).toContain('held for you from the waitlist until');
    expect(w2Form).toContain('1 seat left');
    // Someone else's offer link is not theirs to use.
    expect((await t.request(`/waitlist/${w2Entry.id}/accept`, { cookie: third.cookie })).status).toBe(404);
    const w2Booked = await book(w2, tripId, departureId, 1);
    expect(w2Booked.status).toBe(303);
    const w2Booking = bookingIdFrom(w2Booked);
    expect((await entryOf(w2.id, departureId))!).toMatchObject({ status: 'accepted', booking_id: w2Booking });
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 4, offered: 1 });

    // W1 lets the offer run out: its seat goes to the next entry that fits (W3), not the group of 4.
    t.clock.advance(12 * HOUR - MINUTE);
    expect(await expireWaitlistOffers(t.deps)).toBe('0 offers expired, 0 made');
    expect((await entryOf(w1.id, departureId))!.status).toBe('offered');
    t.clock.advance(2 * MINUTE);
    expect(await expireWaitlistOffers(t.deps)).toBe('1 offers expired, 1 made');
    expect(await expireWaitlistOffers(t.deps)).toBe('0 offers expired, 0 made');
    expect((await entryOf(w1.id, departureId))!.status).toBe('expired');
    const ended = await t.db
      .selectFrom('outbox')
      .select('payload')
      .where('template', '=', 'waitlist-offer-expired')
      .where(
        'recipient',
        '=',
        (await t.db.selectFrom('users').select('email').where('id', '=', w1.id).executeTakeFirstOrThrow()).email,
      )
      .execute();
    expect(ended).toHaveLength(1);
    expect((await entryOf(w3.id, departureId))!.status).toBe('offered');
    expect((await entryOf(group.id, departureId))!.status).toBe('waiting');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 4, offered: 1 });
    const late = await t.request(`/waitlist/${w1Entry.id}/accept`, { cookie: w1.cookie });
    expect(late.status).toBe(303);
    expect(late.headers.get('location')).toBe('/waitlist');
    // Nor does the expired traveler get the seat by booking.
    expect((await book(w1, tripId, departureId, 1)).status).toBe(409);

    // B cancels 3 seats: with W3's seat given up too, the group of 4 fits, still first in line.
    expect((await t.post(`/waitlist/${(await entryOf(w3.id, departureId))!.id}/leave`, {}, w3.cookie)).status).toBe(
      303,
    );
    const bBooking = await t.db
      .selectFrom('bookings')
      .select('id')
      .where('user_id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect((await cancel(b, bBooking.id)).status).toBe(303);
    expect((await entryOf(group.id, departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 1, offered: 4 });
    expect((await book(third, tripId, departureId, 1)).status).toBe(409);
  });
});

describe('seats that come free go to the waitlist first', () => {
  /** A full one-seat date, its booking held unpaid, and one traveler waiting for a seat. */
  async function fullDateWithOneWaiting() {
    const trip = await makeTrip(t.deps, { capacity: 1 });
    const holder = await signedIn(t.deps);
    const res = await book(holder, trip.tripId, trip.departureId, 1);
    expect(res.status).toBe(303);
    const waiting = await signedIn(t.deps);
    expect((await join(waiting, trip.tripId, trip.departureId, 1)).status).toBe(303);
    return { ...trip, holder, waiting, bookingId: bookingIdFrom(res) };
  }

  it('when an unpaid hold runs out', async () => {
    const d = await fullDateWithOneWaiting();
    t.clock.advance(31 * MINUTE);
    await expireHolds(t.deps);
    expect((await entryOf(d.waiting.id, d.departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(d.departureId)).toEqual({ booked: 0, offered: 1 });
  });

  it('held for as long as the waitlistOfferHours setting says', async () => {
    await putSetting(t.db, t.clock, 'waitlistOfferHours', 2);
    try {
      const d = await fullDateWithOneWaiting();
      expect((await cancel(d.holder, d.bookingId)).status).toBe(303);
      const e = (await entryOf(d.waiting.id, d.departureId))!;
      expect(e.status).toBe('offered');
      expect(e.offer_expires_at).toBe(new Date(t.clock.now().getTime() + 2 * HOUR).toISOString());
    } finally {
      await putSetting(t.db, t.clock, 'waitlistOfferHours', 12);
    }
  });

  it('when the organizer rejects a UPI proof', async () => {
    const d = await fullDateWithOneWaiting();
    expect((await sendUpiProof(t, d.bookingId, d.holder.cookie)).status).toBe(303);
    const proof = await t.db
      .selectFrom('upi_proofs')
      .select('id')
      .where('booking_id', '=', d.bookingId)
      .executeTakeFirstOrThrow();
    const org = await sessionCookie(t.deps, d.organizerId);
    expect((await t.post(`/organizer/verifications/${proof.id}/reject`, { reason: 'Not received' }, org)).status).toBe(
      303,
    );
    expect((await entryOf(d.waiting.id, d.departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(d.departureId)).toEqual({ booked: 0, offered: 1 });
  });

  it('when the organizer raises the capacity', async () => {
    const d = await fullDateWithOneWaiting();
    const org = await sessionCookie(t.deps, d.organizerId);
    const res = await t.post(
      `/organizer/trips/${d.tripId}/edit`,
      tripForm({
        intent: 'save',
        'departures[0][id]': String(d.departureId),
        'departures[0][start_date]': '2027-03-10',
        'departures[0][end_date]': '2027-03-14',
        'departures[0][capacity]': '2',
      }),
      org,
    );
    expect(res.status).toBe(303);
    expect((await entryOf(d.waiting.id, d.departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(d.departureId)).toEqual({ booked: 1, offered: 1 });
  });
});

describe('a cancelled departure', () => {
  it('closes its waitlist, gives back the offered seats and tells everyone waiting', async () => {
    const { tripId, departureId, organizerId } = await makeTrip(t.deps, { capacity: 2 });
    const holder = await signedIn(t.deps);
    const held = await book(holder, tripId, departureId, 2);
    const [first, second] = [await signedIn(t.deps), await signedIn(t.deps)];
    expect((await join(first, tripId, departureId, 1)).status).toBe(303);
    expect((await join(second, tripId, departureId, 2)).status).toBe(303);
    // The holder cancels: the first entry is offered one seat, the group of 2 does not fit the other.
    expect((await cancel(holder, bookingIdFrom(held))).status).toBe(303);
    expect((await entryOf(first.id, departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 0, offered: 1 });
    const org = await sessionCookie(t.deps, organizerId);
    expect((await t.post(`/organizer/departures/${departureId}/cancel`, { note: 'Snow' }, org)).status).toBe(303);
    expect((await entryOf(first.id, departureId))!.status).toBe('closed');
    expect((await entryOf(second.id, departureId))!.status).toBe('closed');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 0, offered: 0 });
    const told = await t.db
      .selectFrom('outbox')
      .select('channel')
      .where('template', '=', 'waitlist-closed')
      .where('payload', 'like', `%/trips/${tripId}%`)
      .execute();
    // By email and by SMS, to each.
    expect(told.map((m) => m.channel).sort()).toEqual(['email', 'email', 'sms', 'sms']);
    expect(await (await t.request('/waitlist', { cookie: first.cookie })).text()).toContain(
      'You are not waiting for seats on any trek.',
    );
  });
});

describe('accepting an offer', () => {
  it('with fewer guests than offered: the seats not booked go to the next entry at once', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: 2 });
    const holder = await signedIn(t.deps);
    const held = await book(holder, tripId, departureId, 2);
    const [pair, single] = [await signedIn(t.deps), await signedIn(t.deps)];
    expect((await join(pair, tripId, departureId, 2)).status).toBe(303);
    expect((await join(single, tripId, departureId, 1)).status).toBe(303);
    expect((await cancel(holder, bookingIdFrom(held))).status).toBe(303);
    expect((await entryOf(pair.id, departureId))!.status).toBe('offered');
    expect((await entryOf(single.id, departureId))!.status).toBe('waiting');

    expect((await book(pair, tripId, departureId, 1)).status).toBe(303);
    expect((await entryOf(pair.id, departureId))!.status).toBe('accepted');
    expect((await entryOf(single.id, departureId))!.status).toBe('offered');
    expect(await expectSeatsAccountedFor(departureId)).toEqual({ booked: 1, offered: 1 });
  });
});
