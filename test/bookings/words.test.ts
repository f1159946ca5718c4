import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, sessionCookie, signedIn } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

/** What a person reads: tags gone, spaces collapsed. */
const text = async (res: Response) =>
  (await res.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('booking states in plain words', () => {
  it('the organizer and the traveler read what a booking and its payment are, never the stored status', async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 120_000 });
    const me = await signedIn(t.deps);
    const waiting = await makeBooking(t.deps, { trip, userId: me.id, amountPaise: 120_000 });
    const paid = await makeBooking(t.deps, {
      trip,
      userId: me.id,
      amountPaise: 240_000,
      guests: 2,
      status: 'confirmed',
      paymentMethod: 'online',
    });
    const refunded = await makeBooking(t.deps, {
      trip,
      userId: me.id,
      amountPaise: 120_000,
      status: 'confirmed',
      paymentMethod: 'online',
    });
    await t.db
      .updateTable('bookings')
      .set({ status: 'cancelled', payment_status: 'refunded', refund_paise: 60_000 })
      .where('id', '=', refunded)
      .execute();

    const org = await sessionCookie(t.deps, trip.organizerId);
    const list = await text(await t.request('/organizer/bookings', { cookie: org }));
    expect(list).toContain('Waiting for payment · not paid yet');
    expect(list).toContain('Confirmed · paid');
    expect(list).toContain('Cancelled · refunded ₹600');
    expect(list).not.toMatch(/pending · pending|cancelled · |confirmed · paid/);

    expect(await text(await t.request(`/bookings/${waiting}`, { cookie: me.cookie }))).toContain(
      '₹1,200 for 1 guest · not paid yet',
    );
    expect(await text(await t.request(`/bookings/${paid}`, { cookie: me.cookie }))).toContain(
      '₹2,400 for 2 guests · paid · online',
    );
    expect(await text(await t.request(`/bookings/${refunded}`, { cookie: me.cookie }))).toContain(
      '₹1,200 for 1 guest · refunded ₹600 · online',
    );
  });
});
