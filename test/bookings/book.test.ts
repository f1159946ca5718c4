import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, signedIn, makeTrip } from '../support/factories.js';
import { message } from '../../src/bookings/messages.js';
import { bookingForm, bookingIdFrom, seatsTaken } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const count = async (table: 'bookings' | 'booking_participants') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('booking form', () => {
  it('shows the departure with seats left and the lead traveler prefilled', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: 8 });
    const me = await signedIn(t.deps, { name: 'Asha Rao', phone: '+919812345678' });
    const res = await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: me.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('8 seats left');
    expect(html).toContain('value="Asha Rao"');
    expect(html).toContain('value="9812345678"');
    expect(html).toContain('inputmode="tel"');
  });

  it('asks anonymous visitors to sign in first and refuses organizers', async () => {
    const { tripId, departureId } = await makeTrip(t.deps);
    const anon = await t.request(`/trips/${tripId}/book?departure=${departureId}`);
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent(`/trips/${tripId}/book?departure=${departureId}`)}`,
    );
    const org = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: org.cookie })).status).toBe(
      403,
    );
  });

  it('holds the seats of a new booking, priced on the server, and tells the organizer', async () => {
    const { tripId, departureId, organizerId } = await makeTrip(t.deps, { pricePaise: 1_250_000, capacity: 10 });
    const me = await signedIn(t.deps);
    const res = await t.post(
      `/trips/${tripId}/book`,
      bookingForm(departureId, 3, { amount: '100', price_paise: '1', total: '1' }),
      me.cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/bookings\/\d+\/pay$/);
    const b = await t.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', bookingIdFrom(res))
      .executeTakeFirstOrThrow();
    expect(b).toMatchObject({
      user_id: me.id,
      organizer_id: organizerId,
      guests: 3,
      amount_paise: 3_750_000,
      status: 'pending',
      payment_status: 'pending',
      special_requests: 'Window seat in the jeep',
    });
    expect(b.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(new Date(b.hold_expires_at!).getTime() - t.clock.now().getTime()).toBe(30 * 60_000);
    expect(await seatsTaken(t.deps, departureId)).toBe(3);
    const people = await t.db
      .selectFrom('booking_participants')
      .selectAll()
      .where('booking_id', '=', b.id)
      .orderBy('position')
      .execute();
    expect(people.map((p) => [p.name, p.phone, p.age, p.dietary])).toEqual([
      ['Guest 1 Kumar', '+919876543210', 25, 'vegetarian'],
      ['Guest 2 Kumar', '+919876543211', 26, ''],
      ['Guest 3 Kumar', '+919876543212', 27, ''],
    ]);
    const mail = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('template', '=', 'booking-received')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(mail.payload).text).toContain(b.code);
  });

  it("puts a missing age next to that guest's field (422) and writes nothing", async () => {
    const { tripId, departureId } = await makeTrip(t.deps);
    const me = await signedIn(t.deps);
    const before = [await count('bookings'), await count('booking_participants')];
    const form = bookingForm(departureId, 2);
    form.age = ['30', ''];
    const res = await t.post(`/trips/${tripId}/book`, form, me.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="e-age-1"');
    expect(html).toContain('Enter the age in years.');
    expect(html).toContain('value="Guest 2 Kumar"');
    expect([await count('bookings'), await count('booking_participants')]).toEqual(before);
    expect(await seatsTaken(t.deps, departureId)).toBe(0);
  });

  it('refuses more guests than seats left, with the number left next to the guests field', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { capacity: 2 });
    const me = await signedIn(t.deps);
    const before = await count('bookings');
    const res = await t.post(`/trips/${tripId}/book`, bookingForm(departureId, 3), me.cookie);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Only 2 seats are left.');
    expect(await count('bookings')).toBe(before);
    expect(await seatsTaken(t.deps, departureId)).toBe(0);
  });

  it("does not book a departure of another trip sent with this trip's id", async () => {
    const a = await makeTrip(t.deps);
    const b = await makeTrip(t.deps);
    const me = await signedIn(t.deps);
    const before = await count('bookings');
    const res = await t.post(`/trips/${a.tripId}/book`, bookingForm(b.departureId, 1), me.cookie);
    expect(res.status).toBe(404);
    expect(await count('bookings')).toBe(before);
    expect(await seatsTaken(t.deps, b.departureId)).toBe(0);
  });

  it('does not book drafts or departures that already started', async () => {
    const draft = await makeTrip(t.deps, { status: 'draft' });
    const started = await makeTrip(t.deps, { start: '2026-11-20', end: '2026-11-28' });
    const me = await signedIn(t.deps);
    expect((await t.post(`/trips/${draft.tripId}/book`, bookingForm(draft.departureId), me.cookie)).status).toBe(404);
    expect(
      (await t.request(`/trips/${started.tripId}/book?departure=${started.departureId}`, { cookie: me.cookie })).status,
    ).toBe(404);
    const res = await t.post(`/trips/${started.tripId}/book`, bookingForm(started.departureId), me.cookie);
    expect(res.status).toBe(404);
    expect(await seatsTaken(t.deps, started.departureId)).toBe(0);
  });

  it('joins a free trip in one click, confirmed at once, and not twice', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { pricePaise: 0 });
    const me = await signedIn(t.deps, { name: 'Ravi Free' });
    const page = await (
      await t.request(`/trips/${tripId}/book?departure=${departureId}`, { cookie: me.cookie })
    ).text();
    expect(page).toContain('Join this trip');
    const res = await t.post(`/trips/${tripId}/join`, { departure: String(departureId) }, me.cookie);
    expect(res.status).toBe(303);
    const b = await t.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', bookingIdFrom(res))
      .executeTakeFirstOrThrow();
    expect(b).toMatchObject({ status: 'confirmed', amount_paise: 0, payment_method: 'free', guests: 1 });
    expect(await seatsTaken(t.deps, departureId)).toBe(1);
    const again = await t.post(`/trips/${tripId}/join`, { departure: String(departureId) }, me.cookie);
    expect(again.status).toBe(422);
    expect(await seatsTaken(t.deps, departureId)).toBe(1);
  });

  it("a new booking's messages are the ones its booking read back makes: the organizer told of a paid booking, a free one confirmed to the traveler by email and SMS", async () => {
    const organizerId = await createUser(t.deps, { role: 'organizer', phone: '+919800000001' });
    const paid = await makeTrip(t.deps, { organizerId, pricePaise: 1_250_000, title: 'Hampta Pass' });
    const free = await makeTrip(t.deps, { organizerId, pricePaise: 0, title: 'Sunrise walk', meetingPoint: 'Gate 2' });
    const me = await signedIn(t.deps, { name: 'Asha Rao', phone: '+919812345678' });
    const queued = async (after: number) =>
      (await t.db.selectFrom('outbox').selectAll().where('id', '>', after).orderBy('id').execute()).map((o) => ({
        channel: o.channel,
        recipient: o.recipient,
        template: o.template,
        payload: JSON.parse(o.payload) as { subject?: string; text: string },
      }));
    const lastId = async () =>
      (await t.db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirst())?.id ?? 0;
    const cases = [
      {
        post: () => t.post(`/trips/${paid.tripId}/book`, bookingForm(paid.departureId, 2), me.cookie),
        kinds: ['booking-received'] as const,
      },
      {
        post: () => t.post(`/trips/${free.tripId}/join`, { departure: String(free.departureId) }, me.cookie),
        kinds: ['booking-received', 'booking-confirmed'] as const,
      },
    ];
    let freeMessages: Awaited<ReturnType<typeof queued>> = [];
    for (const { post, kinds } of cases) {
      const before = await lastId();
      const res = await post();
      expect(res.status).toBe(303);
      const id = bookingIdFrom(res);
      const atBooking = await queued(before);
      const middle = await lastId();
      await t.db.transaction().execute((trx) => message(t.deps, trx, [...kinds], id));
      expect(atBooking).toEqual(await queued(middle));
      freeMessages = atBooking;
      expect(atBooking.map((m) => [m.channel, m.template])).toEqual(
        kinds.length === 1
          ? [['email', 'booking-received']]
          : [
              ['email', 'booking-received'],
              ['email', 'booking-confirmed'],
              ['sms', 'booking-confirmed'],
            ],
      );
    }
    const [received, confirmed, sms] = freeMessages;
    expect(received.payload.text).toContain('Asha Rao booked Sunrise walk');
    expect(confirmed.payload.text).toContain('Meeting point: Gate 2.');
    expect(sms).toMatchObject({ recipient: '+919812345678' });
    expect(sms.payload.text).toContain('Meet: Gate 2');
  });

  it('the form sent back for more guests comes back with what was typed and the new total, booking nothing; htmx gets only its section', async () => {
    const { tripId, departureId } = await makeTrip(t.deps, { pricePaise: 1_400_000 });
    const me = await signedIn(t.deps);
    const typed = {
      departure: String(departureId),
      guests: '3',
      name: ['Asha Rao', 'Vikram Rao'],
      phone: ['9812300000', '9812311111'],
      age: ['31', ''],
      diet: ['', 'vegan'],
      requests: 'Late arrival',
    };
    const before = await t.db.selectFrom('bookings').select('id').execute();
    const res = await t.post(`/trips/${tripId}/book/update`, typed, me.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html');
    expect(html.match(/<fieldset>/g)).toHaveLength(3);
    expect(html).toContain('value="Vikram Rao"');
    expect(html).toContain('value="9812311111"');
    expect(html).toContain('value="vegan"');
    expect(html).toContain('Late arrival');
    expect(html).toContain('₹42,000</strong> for 3 guests');
    expect(await t.db.selectFrom('bookings').select('id').execute()).toEqual(before);
    const fragment = await (
      await t.post(`/trips/${tripId}/book/update`, typed, me.cookie, { 'HX-Request': 'true' })
    ).text();
    expect(fragment.startsWith('<section id="book">')).toBe(true);
    expect(fragment.match(/<fieldset>/g)).toHaveLength(3);
  });

  it('a link to the form carries no guest details: names and phones in the query are ignored', async () => {
    const { tripId, departureId } = await makeTrip(t.deps);
    const me = await signedIn(t.deps, { name: 'Meera Nair' });
    const html = await (
      await t.request(`/trips/${tripId}/book?departure=${departureId}&guests=2&name=Meera+Nair&name=Planted+Name`, {
        cookie: me.cookie,
      })
    ).text();
    expect(html.match(/<fieldset>/g)).toHaveLength(2);
    expect(html).toContain('value="Meera Nair"');
    expect(html).not.toContain('Planted Name');
  });
});
