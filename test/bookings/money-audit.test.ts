/** Money actions in the audit log: booking created, Razorpay order created, hold released by the job. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom } from './support.js';
import { expireHolds } from '../../src/bookings/jobs.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

const auditOf = (action: string, bookingId: number) =>
  t.db
    .selectFrom('audit_log')
    .select(['actor_id', 'target_type', 'after'])
    .where('action', '=', action)
    .where('target_id', '=', String(bookingId))
    .execute();
const auditCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the audit log of bookings and payments', () => {
  it('records a booking as it is created, with its amount and seats, by its traveler; a refused one records nothing', async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 450_000, capacity: 3 });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie));
    const b = await t.db.selectFrom('bookings').select(['code']).where('id', '=', id).executeTakeFirstOrThrow();

    const rows = await auditOf('booking.created', id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: me.id, target_type: 'booking' });
    expect(JSON.parse(rows[0].after!)).toEqual({
      code: b.code,
      departure_id: trip.departureId,
      guests: 2,
      amount_paise: 900_000,
      status: 'pending',
    });

    const before = await auditCount();
    expect(
      (await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), (await signedIn(t.deps)).cookie))
        .status,
    ).toBe(409); // 1 seat left
    expect(await auditCount()).toBe(before);
  });

  it('records a free trip joined as a booking created for nothing, confirmed', async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 0 });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(
      await t.post(`/trips/${trip.tripId}/join`, { departure: String(trip.departureId) }, me.cookie),
    );
    expect((await auditOf('booking.created', id)).map((r) => JSON.parse(r.after!))).toMatchObject([
      { guests: 1, amount_paise: 0, status: 'confirmed' },
    ]);
  });

  it('records the Razorpay order a traveler opens, once: paying again reuses the order and records nothing more', async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 700_000 });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie));
    expect((await t.post(`/bookings/${id}/pay/online`, {}, me.cookie)).status).toBe(303);
    expect((await t.post(`/bookings/${id}/pay/online`, {}, me.cookie)).status).toBe(303);

    const order = await t.db
      .selectFrom('payments')
      .select('razorpay_order_id')
      .where('booking_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rzp.fake.orders.has(order.razorpay_order_id!)).toBe(true);
    const rows = await auditOf('payment.order_created', id);
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_id).toBe(me.id);
    expect(JSON.parse(rows[0].after!)).toEqual({ order: order.razorpay_order_id, amount_paise: 700_000 });
  });

  it('records a hold the expiry job releases, once however often it runs, with no person as actor', async () => {
    t.clock.set('2026-12-05T04:00:00Z');
    const trip = await makeTrip(t.deps, { pricePaise: 300_000 });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 3), me.cookie));
    t.clock.set('2026-12-05T04:30:00Z');
    await expireHolds(t.deps);
    await expireHolds(t.deps);

    const rows = await auditOf('booking.hold_released', id);
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_id).toBeNull();
    expect(JSON.parse(rows[0].after!)).toEqual({
      reason: 'expired',
      guests: 3,
      amount_paise: 900_000,
      hold_expires_at: '2026-12-05T04:30:00.000Z',
    });
  });
});
