import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { withFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { registerPaymentOwner, type CapturedPayment } from '../../src/payments/owners.js';

const setup = withFakeRazorpay();
let t: TestApp;
let rzp: FakeRazorpayServer;
beforeAll(() => {
  t = setup.app();
  rzp = setup.rzp();
});

/** An order owned by `owner`, made on the fake Razorpay, its payment row pointing at a real booking. */
async function orderOwnedBy(owner: string) {
  const trip = await makeTrip(t.deps, { pricePaise: 450_000 });
  const me = await signedIn(t.deps);
  const bookingId = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie),
  );
  const order = await t.deps.payments.createOrder({ amount: 450_000, receipt: `r-${bookingId}`, notes: {} });
  const at = t.clock.now().toISOString();
  await t.db
    .insertInto('payments')
    .values({
      booking_id: bookingId,
      owner,
      method: 'razorpay',
      amount_paise: 450_000,
      status: 'created',
      razorpay_order_id: order.id,
      razorpay_payment_id: null,
      utr: null,
      paid_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return { bookingId, orderId: order.id };
}

const deliver = (w: { body: string; headers: Record<string, string> }) =>
  t.request('/webhooks/razorpay', { method: 'POST', body: w.body, headers: w.headers });
const paymentRow = (orderId: string) =>
  t.db.selectFrom('payments').selectAll().where('razorpay_order_id', '=', orderId).executeTakeFirstOrThrow();
const bookingRow = (id: number) =>
  t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const eventSeen = async (id: string) =>
  (await t.db.selectFrom('razorpay_events').select('id').where('id', '=', id).execute()).length;

describe('webhook: each event goes to the feature that owns the order', () => {
  it('an event for an order whose owner nobody registered is recorded and acknowledged, and changes nothing', async () => {
    const { bookingId, orderId } = await orderOwnedBy('nobody-registered');
    const beforePayment = await paymentRow(orderId);
    const beforeBooking = await bookingRow(bookingId);
    const { payment } = rzp.fake.pay(orderId);
    const w = rzp.fake.webhook('payment.captured', { payment }, 'evt_unowned_1');
    const res = await deliver(w);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ignored' });
    expect(await eventSeen('evt_unowned_1')).toBe(1);
    expect(await paymentRow(orderId)).toEqual(beforePayment);
    expect(await bookingRow(bookingId)).toEqual(beforeBooking);

    const failed = await deliver(
      rzp.fake.webhook('payment.failed', { payment: { ...payment, status: 'failed' } }, 'evt_unowned_2'),
    );
    expect(await failed.json()).toEqual({ status: 'ignored' });
    expect(await paymentRow(orderId)).toEqual(beforePayment);
  });

  it("a registered owner's verb is called once, even when the same event is delivered twice", async () => {
    const calls: CapturedPayment[] = [];
    registerPaymentOwner('test-payer', {
      async captured(_deps, _trx, _order, p) {
        calls.push(p);
        return 'confirmed';
      },
      async refunded() {},
      async refundFailed() {},
    });
    const { bookingId, orderId } = await orderOwnedBy('test-payer');
    const beforeBooking = await bookingRow(bookingId);
    const { payment } = rzp.fake.pay(orderId);
    const w = rzp.fake.webhook('payment.captured', { payment }, 'evt_owned_1');
    expect(await (await deliver(w)).json()).toEqual({ status: 'ok' });
    expect(await (await deliver(w)).json()).toEqual({ status: 'duplicate' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ id: payment.id, order_id: orderId, amount: 450_000 });
    expect(await paymentRow(orderId)).toMatchObject({ status: 'paid', razorpay_payment_id: payment.id });
    // The booking the row points at is not the owner's business here: bookings never saw the event.
    expect(await bookingRow(bookingId)).toEqual(beforeBooking);
  });
});
