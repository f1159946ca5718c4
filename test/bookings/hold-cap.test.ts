/**
 * Seat hoarding: one traveler can hold only so many unpaid seats on a departure (a setting),
 * checked under the lock that takes the seats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { expireHolds } from '../../src/bookings/jobs.js';
import { putSetting } from '../../src/lib/settings.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const count = async (table: 'bookings' | 'booking_participants' | 'outbox' | 'audit_log') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const everything = () =>
  Promise.all([count('bookings'), count('booking_participants'), count('outbox'), count('audit_log')]);
const book = (trip: { tripId: number; departureId: number }, guests: number, cookie: string) =>
  t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), cookie);

describe('unpaid seats one traveler may hold', () => {
  it('a traveler holding 10 unpaid seats of a 20-seat departure cannot hold 10 more: 422 next to the guest count, nothing written; another traveler can', async () => {
    const trip = await makeTrip(t.deps, { capacity: 20 });
    const me = await signedIn(t.deps);
    expect((await book(trip, 10, me.cookie)).status).toBe(303);
    const before = await everything();

    const res = await book(trip, 10, me.cookie);

    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      '<small id="e-guests" class="field-error">You already hold 10 seats unpaid on this departure, and one traveler can hold at most 10 seats until they are paid. Pay for your other booking first.</small>',
    );
    expect(html).toContain('value="Guest 1 Kumar"');
    expect(await everything()).toEqual(before);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(10);

    const other = await signedIn(t.deps);
    expect((await book(trip, 10, other.cookie)).status).toBe(303);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(20);
  });

  it('takes the cap from the settings and says how many guests are still possible', async () => {
    await putSetting(t.db, t.clock, 'maxHeldSeatsPerTraveler', 4);
    try {
      const trip = await makeTrip(t.deps, { capacity: 20 });
      const me = await signedIn(t.deps);
      expect((await book(trip, 3, me.cookie)).status).toBe(303);
      const res = await book(trip, 2, me.cookie);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(
        'You already hold 3 seats unpaid on this departure, and one traveler can hold at most 4 seats until they are paid. Choose at most 1 guest, or pay for your other booking first.',
      );
      expect((await book(trip, 1, me.cookie)).status).toBe(303);
      const first = await book(trip, 5, (await signedIn(t.deps)).cookie);
      expect(first.status).toBe(422);
      expect(await first.text()).toContain(
        'One traveler can hold at most 4 seats unpaid on a departure. Choose fewer guests.',
      );
      expect(await seatsTaken(t.deps, trip.departureId)).toBe(4);
    } finally {
      await putSetting(t.db, t.clock, 'maxHeldSeatsPerTraveler', 10);
    }
  });

  it('counts a booking whose UPI payment is being checked, and stops counting it once it is paid or its hold expired', async () => {
    const trip = await makeTrip(t.deps, { capacity: 30 });
    const me = await signedIn(t.deps);
    const first = bookingIdFrom(await book(trip, 6, me.cookie));
    expect((await sendUpiProof(t, first, me.cookie, { utr: '512345678901' })).status).toBe(303);
    expect((await book(trip, 5, me.cookie)).status).toBe(422);

    const proof = await t.db
      .selectFrom('upi_proofs')
      .select('id')
      .where('booking_id', '=', first)
      .executeTakeFirstOrThrow();
    expect(
      (await t.post(`/organizer/verifications/${proof.id}/verify`, {}, await sessionCookie(t.deps, trip.organizerId)))
        .status,
    ).toBe(303);
    const second = await book(trip, 10, me.cookie); // paid seats are not held seats
    expect(second.status).toBe(303);
    expect((await book(trip, 1, me.cookie)).status).toBe(422);

    t.clock.advance(31 * 60_000);
    await expireHolds(t.deps);
    expect(
      (
        await t.db
          .selectFrom('bookings')
          .select('status')
          .where('id', '=', bookingIdFrom(second))
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('cancelled');
    expect((await book(trip, 10, me.cookie)).status).toBe(303);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(16);
  });

  it('five bookings of 3 seats sent at once by one traveler: three are held (9 seats), two are refused, none past the cap', async () => {
    const trip = await makeTrip(t.deps, { capacity: 40 });
    const me = await signedIn(t.deps);
    const before = await count('bookings');

    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await book(trip, 3, me.cookie);
        await res.arrayBuffer();
        return res.status;
      }),
    );

    expect(statuses.sort()).toEqual([303, 303, 303, 422, 422]);
    expect(await seatsTaken(t.deps, trip.departureId)).toBe(9);
    expect(await count('bookings')).toBe(before + 3);
  });
});

/** `n` departures of their own trips (organizers with a UPI ID), `capacity` seats each. */
const departures = (n: number, capacity = 20) =>
  Promise.all(Array.from({ length: n }, () => makeTrip(t.deps, { capacity })));
const unpaidSeatsOf = async (userId: number) =>
  (
    await t.db
      .selectFrom('bookings')
      .select('guests')
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .execute()
  ).reduce((n, b) => n + b.guests, 0);

describe('unpaid seats one traveler may hold over all departures', () => {
  it('a traveler holding 10 unpaid seats on other departures cannot hold 3 more on another: 422 next to the guest count, nothing written; another traveler can', async () => {
    const [a, b, c] = await departures(3);
    const me = await signedIn(t.deps);
    expect((await book(a, 6, me.cookie)).status).toBe(303);
    expect((await book(b, 4, me.cookie)).status).toBe(303);
    const before = await everything();

    const res = await book(c, 3, me.cookie);

    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      '<small id="e-guests" class="field-error">You already hold 10 seats unpaid across your bookings, and one traveler can hold at most 12 seats unpaid at a time. Choose at most 2 guests, or pay for (or cancel) one of your other bookings first.</small>',
    );
    expect(html).toContain('value="Guest 1 Kumar"');
    expect(await everything()).toEqual(before);
    expect(await seatsTaken(t.deps, c.departureId)).toBe(0);

    expect((await book(c, 2, me.cookie)).status).toBe(303);
    expect((await book(c, 1, me.cookie)).status).toBe(422);
    expect(await unpaidSeatsOf(me.id)).toBe(12);
    expect((await book(c, 10, (await signedIn(t.deps)).cookie)).status).toBe(303);
  });

  it('the cap over all departures is a setting an admin changes on the settings page; seats paid or released stop counting', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const form = (maxUnpaid: string) => ({
      hold_minutes: '30',
      waitlist_offer_hours: '12',
      max_unpaid_seats: maxUnpaid,
      early_days: '30',
      early_percent: '100',
      late_days: '15',
      late_percent: '50',
      last_percent: '0',
    });
    const bad = await t.post('/admin/settings/bookings', form('0'), admin.cookie);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('At least 1 seat.');
    expect((await t.post('/admin/settings/bookings', form('5'), admin.cookie)).status).toBe(303);
    try {
      expect(await (await t.request('/admin/settings', { cookie: admin.cookie })).text()).toContain(
        'name="max_unpaid_seats" type="text" value="5"',
      );
      const [a, b, c] = await departures(3);
      const me = await signedIn(t.deps);
      const first = bookingIdFrom(await book(a, 3, me.cookie));
      const refused = await book(b, 3, me.cookie);
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain(
        'You already hold 3 seats unpaid across your bookings, and one traveler can hold at most 5 seats unpaid at a time. Choose at most 2 guests',
      );
      expect((await book(b, 6, (await signedIn(t.deps)).cookie)).status).toBe(422); // more than the cap at once
      expect((await book(b, 2, me.cookie)).status).toBe(303);

      // Both holds run out: their seats no longer count.
      t.clock.advance(31 * 60_000);
      await expireHolds(t.deps);
      expect(
        (await t.db.selectFrom('bookings').select('status').where('id', '=', first).executeTakeFirstOrThrow()).status,
      ).toBe('cancelled');
      expect((await book(c, 5, me.cookie)).status).toBe(303);
      expect(await unpaidSeatsOf(me.id)).toBe(5);
    } finally {
      expect((await t.post('/admin/settings/bookings', form('12'), admin.cookie)).status).toBe(303);
    }
  });

  it('60 bookings of 3 seats on 6 departures sent at once over HTTP by one traveler hold exactly 12 seats (4 bookings); the rest are refused with 422, none is a 500', async () => {
    const deps6 = await departures(6, 40);
    const me = await signedIn(t.deps);
    const { serve } = await import('@hono/node-server');
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const url = `http://127.0.0.1:${port}`;
      const statuses = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const d = deps6[i % 6];
          const body = new URLSearchParams();
          for (const [k, v] of Object.entries(bookingForm(d.departureId, 3)))
            for (const one of [v].flat()) body.append(k, one);
          const res = await fetch(`${url}/trips/${d.tripId}/book`, {
            method: 'POST',
            body,
            redirect: 'manual',
            headers: { Cookie: me.cookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      const tally: Record<number, number> = {};
      for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
      expect(tally).toEqual({ 303: 4, 422: 56 });
      expect(await unpaidSeatsOf(me.id)).toBe(12);
      const taken = await Promise.all(deps6.map((d) => seatsTaken(t.deps, d.departureId)));
      expect(taken.reduce((n, s) => n + s, 0)).toBe(12);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);
});

describe('a UTR already used on another booking does not extend a hold', () => {
  const bookingRow = (id: number) =>
    t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it("another traveler's UTR: the proof is queued for the organizer, flagged, but the hold keeps its expiry and lapses; the traveler is told", async () => {
    const [a, b] = await departures(2);
    const first = await signedIn(t.deps);
    const second = await signedIn(t.deps);
    const firstId = bookingIdFrom(await book(a, 2, first.cookie));
    const secondId = bookingIdFrom(await book(b, 2, second.cookie));
    const secondHold = (await bookingRow(secondId)).hold_expires_at;
    expect((await sendUpiProof(t, firstId, first.cookie, { utr: '611111111111' })).status).toBe(303);
    expect(Date.parse((await bookingRow(firstId)).hold_expires_at!) - t.clock.now().getTime()).toBe(48 * 3600_000);

    const res = await sendUpiProof(t, secondId, second.cookie, { utr: '611111111111' });

    expect(res.status).toBe(303);
    expect(await bookingRow(secondId)).toMatchObject({
      status: 'pending',
      hold_expires_at: secondHold,
      verification_status: null,
    });
    const proof = await t.db
      .selectFrom('upi_proofs')
      .selectAll()
      .where('booking_id', '=', secondId)
      .executeTakeFirstOrThrow();
    expect(proof).toMatchObject({ utr: '611111111111', status: 'pending', duplicate_utr: 1 });
    const flash = res.headers.get('set-cookie')!.split(';')[0];
    const page = await (await t.request(`/bookings/${secondId}`, { cookie: `${second.cookie}; ${flash}` })).text();
    expect(page).toContain(
      'Proof sent, but this UTR was already used on another booking, so your seats are not held any longer for it: they are released at',
    );
    const queue = await (
      await t.request('/organizer/verifications', { cookie: await sessionCookie(t.deps, b.organizerId) })
    ).text();
    expect(queue).toContain('611111111111');

    t.clock.advance(31 * 60_000);
    await expireHolds(t.deps);
    expect(await bookingRow(secondId)).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(0);
    expect((await bookingRow(firstId)).status).toBe('pending');
    expect(await seatsTaken(t.deps, a.departureId)).toBe(2);
  });

  it('a UTR the organizer rejected on one booking does not extend the hold of the next', async () => {
    const [a, b] = await departures(2);
    const me = await signedIn(t.deps);
    const first = bookingIdFrom(await book(a, 2, me.cookie));
    expect((await sendUpiProof(t, first, me.cookie, { utr: '633333333333' })).status).toBe(303);
    const proof = await t.db
      .selectFrom('upi_proofs')
      .select('id')
      .where('booking_id', '=', first)
      .executeTakeFirstOrThrow();
    const org = await sessionCookie(t.deps, a.organizerId);
    expect((await t.post(`/organizer/verifications/${proof.id}/reject`, { reason: 'Not received' }, org)).status).toBe(
      303,
    );
    expect((await bookingRow(first)).status).toBe('cancelled');

    const second = bookingIdFrom(await book(b, 2, me.cookie));
    const hold = (await bookingRow(second)).hold_expires_at;
    expect((await sendUpiProof(t, second, me.cookie, { utr: '633333333333' })).status).toBe(303);
    expect(await bookingRow(second)).toMatchObject({ hold_expires_at: hold, verification_status: null });
  });

  it('one traveler sending the same UTR for six bookings extends only the first', async () => {
    const six = await departures(6);
    const me = await signedIn(t.deps);
    await putSetting(t.db, t.clock, 'maxUnpaidSeatsPerTraveler', 100);
    try {
      const ids = [];
      for (const d of six) ids.push(bookingIdFrom(await book(d, 2, me.cookie)));
      const holds = await Promise.all(ids.map(async (id) => (await bookingRow(id)).hold_expires_at));
      for (const id of ids) expect((await sendUpiProof(t, id, me.cookie, { utr: '622222222222' })).status).toBe(303);
      const after = await Promise.all(ids.map(async (id) => (await bookingRow(id)).hold_expires_at));
      expect(after[0]).not.toBe(holds[0]);
      expect(after.slice(1)).toEqual(holds.slice(1));

      t.clock.advance(31 * 60_000);
      await expireHolds(t.deps);
      const statuses = await Promise.all(ids.map(async (id) => (await bookingRow(id)).status));
      expect(statuses).toEqual(['pending', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    } finally {
      await putSetting(t.db, t.clock, 'maxUnpaidSeatsPerTraveler', 12);
    }
  });
});
