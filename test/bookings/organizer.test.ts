import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('organizer booking tools', () => {
  it("exports a departure's participants as CSV, with spreadsheet formulas defused", async () => {
    const trip = await makeTrip(t.deps, { title: 'Chadar' });
    const me = await signedIn(t.deps);
    const form = bookingForm(trip.departureId, 2, { requests: 'Needs "extra" blanket, please' });
    form.name = ['=HYPERLINK("http://evil")', 'Meera, Nair'];
    expect((await t.post(`/trips/${trip.tripId}/book`, form, me.cookie)).status).toBe(303);
    const cookie = await sessionCookie(t.deps, trip.organizerId);
    const res = await t.request(`/organizer/departures/${trip.departureId}/participants.csv`, { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toMatch(/attachment; filename="participants-2027-03-10-\d+\.csv"/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'booking,status,payment,paid (INR),outstanding (INR),guest,name,phone,age,dietary,special requests',
    );
    expect(lines[1]).toMatch(
      /^[A-Z2-9]{8},pending,pending,0.00,,1,"'=HYPERLINK\(""http:\/\/evil""\)",\+919876543210,25,vegetarian,"Needs ""extra"" blanket, please"$/,
    );
    expect(lines[2]).toMatch(/,pending,,,2,"Meera, Nair",\+919876543211,26,,$/);

    const other = await signedIn(t.deps, { role: 'organizer' });
    expect(
      (await t.request(`/organizer/departures/${trip.departureId}/participants.csv`, { cookie: other.cookie })).status,
    ).toBe(404);
    expect(
      (await t.request(`/organizer/departures/${trip.departureId}/participants.csv`, { cookie: me.cookie })).status,
    ).toBe(403);
  });

  it("lists bookings per departure, only for the organizer's own trips", async () => {
    const trip = await makeTrip(t.deps, { title: 'Sandakphu Ridge' });
    const me = await signedIn(t.deps, { name: 'Kiran Booker' });
    const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie));
    const code = (await t.db.selectFrom('bookings').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
    const html = await (
      await t.request(`/organizer/bookings?trip=${trip.tripId}`, {
        cookie: await sessionCookie(t.deps, trip.organizerId),
      })
    ).text();
    expect(html).toContain('Sandakphu Ridge');
    expect(html).toContain(code);
    expect(html).toContain('2/10 seats taken');
    expect(html).toContain(`/organizer/departures/${trip.departureId}/participants.csv`);
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect(await (await t.request('/organizer/bookings', { cookie: other.cookie })).text()).not.toContain(code);
  });

  it('shows earnings by month in India time: paid, refunded and net', async () => {
    const trip = await makeTrip(t.deps);
    const me = await signedIn(t.deps);
    const ids = [];
    for (let i = 0; i < 2; i++)
      ids.push(bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId), me.cookie)));
    const pay = async (bookingId: number, paidAt: string, owner = 'booking') =>
      (
        await t.db
          .insertInto('payments')
          .values({
            booking_id: bookingId,
            owner,
            method: 'upi',
            amount_paise: 1_200_000,
            status: 'paid',
            razorpay_order_id: null,
            razorpay_payment_id: null,
            utr: null,
            paid_at: paidAt,
            created_at: paidAt,
            updated_at: paidAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    await pay(ids[0], '2026-11-30T17:00:00Z'); // 22:30 IST, still November
    const p2 = await pay(ids[1], '2026-11-30T19:00:00Z'); // 00:30 IST, December
    await t.db
      .insertInto('refunds')
      .values({
        booking_id: ids[1],
        payment_id: p2,
        amount_paise: 600_000,
        method: 'manual',
        status: 'processed',
        reason: 'x',
        razorpay_refund_id: null,
        last_error: null,
        processed_at: '2026-12-05T10:00:00Z',
        created_at: '2026-12-05T10:00:00Z',
      })
      .execute();
    // A subscription's payment and refund whose owner id is the same number as a booking's are not this organizer's money.
    const sub = await pay(ids[0], '2026-12-01T10:00:00Z', 'subscription');
    await t.db
      .insertInto('refunds')
      .values({
        booking_id: ids[0],
        payment_id: sub,
        amount_paise: 100_000,
        method: 'manual',
        status: 'pending',
        reason: 'paid twice',
        razorpay_refund_id: null,
        last_error: null,
        processed_at: null,
        created_at: '2026-12-01T10:00:00Z',
      })
      .execute();
    const organizer = await sessionCookie(t.deps, trip.organizerId);
    const queue = await (await t.request('/organizer/verifications', { cookie: organizer })).text();
    expect(queue).not.toContain('paid twice');
    const html = await (await t.request('/organizer/earnings', { cookie: organizer })).text();
    // Cells carry data-label for the phone layout; the months are named ("Dec 2026").
    const cells = html.replace(/ data-label="[^"]*"/g, '');
    expect(cells).toContain('<tr><td>Dec 2026</td><td>₹12,000</td><td>₹6,000</td><td>₹6,000</td></tr>');
    expect(cells).toContain('<tr><td>Nov 2026</td><td>₹12,000</td><td>₹0</td><td>₹12,000</td></tr>');
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect(await (await t.request('/organizer/earnings', { cookie: other.cookie })).text()).toContain(
      'No payments yet.',
    );
  });
});
