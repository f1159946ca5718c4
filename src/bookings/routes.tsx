import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { Conflict, DomainError, NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { fieldErrors } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { page } from '../lib/render.js';
import { BookPage, JoinPage, type GuestValues } from '../../views/bookings/book.js';
import QRCode from 'qrcode';
import { BookingPage, BookingsListPage, CancelPage, PassPage } from '../../views/bookings/booking.js';
import { CancelDeparturePage, EarningsPage, OrganizerBookingsPage, VerificationsPage } from '../../views/bookings/organizer.js';
import { PayPage, RazorpayCheckoutPage, TestCheckoutPage } from '../../views/payments/pay.js';
import { getSettings } from '../lib/settings.js';
import { CHECKOUT_JS } from '../payments/csp.js';
import { safeNext } from '../auth/middleware.js';
import { adminWhenBeyondLoopback } from '../lib/exposure.js';
import * as svc from './service.js';
import { handleRazorpayWebhook } from '../payments/webhook.js';
import { bookingForm, cancelDepartureForm, checkoutReturn, joinForm, rejectForm, upiProofForm } from './schemas.js';

type C = Context<AppEnv>;


function guestValues(src: Record<string, string | string[] | File | (string | File)[] | undefined>, lead?: { name: string; phone: string }): GuestValues {
  const arr = (k: string) => {
    const v = src[k];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);
  };
  const name = arr('name');
  const phone = arr('phone');
  if (lead && name.length === 0) name.push(lead.name);
  if (lead && phone.length === 0) phone.push(lead.phone);
  return { name, phone, age: arr('age'), diet: arr('diet'), requests: typeof src.requests === 'string' ? src.requests : '' };
}

/** The booking form, filled with what was sent and the errors next to their fields. */
async function renderBookForm(c: C, tripId: number, departureId: number | null, guests: number, values: GuestValues, errors: FieldErrors, status: 200 | 409 | 422 = 200) {
  const { trip, departures, seatsLeft } = await svc.bookingFormData(c.get('deps'), tripId, departureId);
  if (trip.price_paise === 0) return page(c, <JoinPage trip={trip} seatsLeft={seatsLeft} error={Object.values(errors)[0]} />, { title: `Join ${trip.title}`, status });
  const n = Math.max(1, Math.min(guests || 1, 10, Math.max(1, seatsLeft)));
  const props = { trip, departures, seatsLeft, guests: n, values, errors };
  return page(c, <BookPage {...props} />, { title: `Book ${trip.title}`, status, fragment: <BookPage {...props} /> });
}

const leadOf = async (c: C) => {
  const u = await c.get('deps').db.selectFrom('users').select(['name', 'phone']).where('id', '=', actor(c).id).executeTakeFirst();
  return { name: u?.name ?? '', phone: u?.phone?.replace(/^\+91/, '') ?? '' };
};

/** Booking, payment (Razorpay, UPI proof), verification queue, cancellations, webhooks. */
export const bookingRoutes = new Hono<AppEnv>();

const departureOf = (v: unknown) => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** Links carry only the date and the number of guests; the guest details are filled from the account. */
bookingRoutes.get('/trips/:id/book', requirePermission('bookings:create'), async (c) => {
  const values = guestValues({}, await leadOf(c));
  return renderBookForm(c, idParam(c), departureOf(c.req.query('departure')), Number(c.req.query('guests')) || 1, values, {});
});

/** The form sent back for another date or number of guests: shown again with everything typed, nothing booked. */
bookingRoutes.post('/trips/:id/book/update', requirePermission('bookings:create'), async (c) => {
  const body = await c.req.parseBody({ all: true });
  return renderBookForm(c, idParam(c), departureOf(body.departure), Number(body.guests) || 1, guestValues(body), {});
});

bookingRoutes.post(
  '/trips/:id/book',
  requirePermission('bookings:create'),
  async (c, next) => {
    const body = await c.req.parseBody({ all: true });
    if (body.join !== '1') return next();
    const f = joinForm.safeParse(body);
    if (!f.success) throw new DomainError('Choose a date.', 'departure', 422);
    try {
      const b = await svc.joinFreeTrip(c.get('deps'), actor(c), idParam(c), f.data.departure);
      return redirectWith(c, `/bookings/${b.id}`, `You joined the trip. Booking code ${b.code}.`);
    } catch (e) {
      if (e instanceof DomainError && e.field) return renderBookForm(c, idParam(c), f.data.departure, 1, guestValues({}), { [e.field]: e.message }, e.status === 409 ? 409 : 422);
      throw e;
    }
  },
  zValidator('form', bookingForm, async (r, ctx) => {
    const c = ctx as unknown as C;
    if (r.success) return;
    const body = await c.req.parseBody({ all: true });
    return renderBookForm(c, idParam(c), departureOf(body.departure), Number(body.guests) || 1, guestValues(body), fieldErrors(r.error.issues), 422);
  }),
  async (c) => {
    const f = c.req.valid('form');
    const participants = Array.from({ length: f.guests }, (_, i) => ({ name: f.name[i], phone: f.phone[i], age: f.age[i], dietary: f.diet[i] ?? '' }));
    try {
      const b = await svc.createBooking(c.get('deps'), actor(c), idParam(c), { departureId: f.departure, participants, specialRequests: f.requests });
      if (b.status === 'confirmed') return redirectWith(c, `/bookings/${b.id}`, `Booked. Your booking code is ${b.code}.`);
      return redirectWith(c, `/bookings/${b.id}/pay`, `Your seats are held. Booking code ${b.code}: pay now to confirm.`);
    } catch (e) {
      if (!(e instanceof DomainError) || !e.field) throw e;
      const body = await c.req.parseBody({ all: true });
      return renderBookForm(c, idParam(c), f.departure, f.guests, guestValues(body), { [e.field]: e.message }, e.status === 409 ? 409 : 422);
    }
  },
);

// ------------------------------------------------------------ traveler pages

bookingRoutes.get('/bookings', requirePermission('bookings:read'), async (c) => {
  const lists = await svc.myBookings(c.get('deps'), actor(c));
  return page(c, <BookingsListPage {...lists} />, { title: 'My bookings' });
});

bookingRoutes.get('/bookings/:id', requirePermission('bookings:read'), async (c) => {
  const d = await svc.bookingDetails(c.get('deps'), actor(c), idParam(c));
  return page(c, <BookingPage {...d} />, { title: `Booking ${d.booking.code}` });
});

/** A UPI screenshot: private to the booking's people, never cached (404 for anyone else signed in). */
bookingRoutes.get('/bookings/:id/proofs/:name', requirePermission('bookings:read'), async (c) => {
  const bytes = await svc.proofScreenshot(c.get('deps'), actor(c), idParam(c), c.req.param('name'));
  if (!bytes) throw new NotFoundError();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, no-store' });
});

bookingRoutes.get('/bookings/:id/pass', requirePermission('bookings:read'), async (c) => {
  const d = await svc.bookingDetails(c.get('deps'), actor(c), idParam(c));
  if (d.booking.status !== 'confirmed' && d.booking.status !== 'completed') return redirectWith(c, `/bookings/${d.booking.id}`, 'The pass is ready once the booking is confirmed.', 'error');
  return page(c, <PassPage booking={d.booking} participants={d.participants} />, { title: `Pass ${d.booking.code}` });
});

const svg = (c: C, body: string) => c.body(body, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'private, max-age=3600' });

bookingRoutes.get('/bookings/:id/pass-qr.svg', requirePermission('bookings:read'), async (c) => {
  const b = await svc.bookingFor(c.get('deps'), actor(c), idParam(c));
  return svg(c, await QRCode.toString(`${c.get('deps').config.publicUrl}/bookings/${b.id}?code=${b.code}`, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
});

bookingRoutes.get('/bookings/:id/booking.ics', requirePermission('bookings:read'), async (c) => {
  const b = await svc.bookingFor(c.get('deps'), actor(c), idParam(c));
  return c.body(svc.bookingIcs(b, c.get('deps').config.publicUrl, c.get('deps').clock.now()), 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="trektribe-${b.code}.ics"`,
  });
});

bookingRoutes.get('/bookings/:id/cancel', requirePermission('bookings:create'), async (c) => {
  const d = await svc.bookingDetails(c.get('deps'), actor(c), idParam(c));
  if (!d.isTraveler && actor(c).role !== 'admin') throw new NotFoundError();
  if (!d.preview) return redirectWith(c, `/bookings/${d.booking.id}`, 'This booking can no longer be cancelled.', 'error');
  const policy = svc.policyOf(d.booking.refund_policy, (await getSettings(c.get('deps').db)).refundPolicy);
  return page(c, <CancelPage booking={d.booking} preview={d.preview} policy={policy} />, { title: `Cancel ${d.booking.code}` });
});

bookingRoutes.post('/bookings/:id/cancel', requirePermission('bookings:create'), async (c) => {
  const { refund } = await svc.cancelBooking(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, `/bookings/${idParam(c)}`, refund > 0 ? `Booking cancelled. ${svc.formatRefund(refund)} will be refunded.` : 'Booking cancelled.');
});

// ------------------------------------------------------------ payment

async function renderPay(c: C, errors: Record<string, string> = {}, utr = '', status: 200 | 409 | 422 = 200) {
  const d = await svc.paymentPage(c.get('deps'), actor(c), idParam(c));
  if (d.booking.status !== 'pending') return redirectWith(c, `/bookings/${d.booking.id}`);
  const pending = d.proofs.find((x) => x.status === 'pending') ?? null;
  const rejected = [...d.proofs].reverse().find((x) => x.status === 'rejected') ?? null;
  return page(c, <PayPage booking={d.booking} upiLink={d.upi} gatewayMode={d.gatewayMode} pendingProof={pending} rejectedProof={rejected} errors={errors} utr={utr} />, { title: `Pay ${d.booking.code}`, status });
}

bookingRoutes.get('/bookings/:id/pay', requirePermission('bookings:create'), (c) => renderPay(c));

bookingRoutes.get('/bookings/:id/upi-qr.svg', requirePermission('bookings:create'), async (c) => {
  const d = await svc.paymentPage(c.get('deps'), actor(c), idParam(c));
  if (!d.upi) throw new NotFoundError();
  return svg(c, await QRCode.toString(d.upi, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
});

bookingRoutes.post('/bookings/:id/pay/online', requirePermission('bookings:create'), async (c) => {
  const { orderId } = await svc.startOnlinePayment(c.get('deps'), actor(c), idParam(c));
  if (c.get('deps').payments.mode === 'test') return c.redirect(`/test-gateway/checkout/${orderId}?callback=${encodeURIComponent(`/bookings/${idParam(c)}/pay/verify`)}`, 303);
  return c.redirect(`/bookings/${idParam(c)}/checkout`, 303);
});

bookingRoutes.get('/bookings/:id/checkout', requirePermission('bookings:create'), async (c) => {
  if (c.get('deps').payments.mode !== 'razorpay') throw new NotFoundError();
  const open = await svc.openCheckout(c.get('deps'), actor(c), idParam(c));
  if (!open) return c.redirect(`/bookings/${idParam(c)}/pay`, 303);
  const { orderId, booking } = open;
  const traveler = { name: booking.traveler_name, email: booking.traveler_email, phone: booking.traveler_phone };
  return page(c, <RazorpayCheckoutPage booking={booking} orderId={orderId} keyId={c.get('deps').payments.keyId} traveler={traveler} />, {
    title: `Pay ${booking.code}`,
    head: (
      <>
        <script src="https://checkout.razorpay.com/v1/checkout.js" defer></script>
        <script src="/payments/checkout.js" defer></script>
      </>
    ),
  });
});

bookingRoutes.get('/payments/checkout.js', (c) => c.body(CHECKOUT_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));

/** Where Checkout returns, by POST (Razorpay's callback) or by GET (the test gateway's redirect): the signature decides. */
async function checkoutReturned(c: C, f: z.infer<typeof checkoutReturn>) {
  if (!f.razorpay_payment_id || !f.razorpay_order_id || !f.razorpay_signature) {
    return redirectWith(c, `/bookings/${idParam(c)}/pay`, `The payment did not go through${f.error_description ? ` (${f.error_description})` : ''}. Nothing was charged; you can try again.`, 'error');
  }
  await svc.confirmCheckout(c.get('deps'), actor(c), idParam(c), { orderId: f.razorpay_order_id, paymentId: f.razorpay_payment_id, signature: f.razorpay_signature });
  const b = await svc.bookingFor(c.get('deps'), actor(c), idParam(c));
  if (b.status === 'confirmed') return redirectWith(c, `/bookings/${b.id}`, `Paid. Booking ${b.code} is confirmed.`);
  return redirectWith(c, `/bookings/${b.id}`, 'We received your payment, but the seats were released before it arrived and are gone now. The full amount is being refunded.', 'error');
}
bookingRoutes.post('/bookings/:id/pay/verify', requirePermission('bookings:create'), zValidator('form', checkoutReturn), (c) => checkoutReturned(c, c.req.valid('form')));
bookingRoutes.get('/bookings/:id/pay/verify', requirePermission('bookings:create'), zValidator('query', checkoutReturn), (c) => checkoutReturned(c, c.req.valid('query')));

bookingRoutes.post(
  '/bookings/:id/pay/upi',
  requirePermission('bookings:create'),
  zValidator('form', upiProofForm, async (r, ctx) => {
    const c = ctx as unknown as C;
    if (r.success) return;
    const body = await c.req.parseBody();
    return renderPay(c, fieldErrors(r.error.issues), typeof body.utr === 'string' ? body.utr : '', 422);
  }),
  async (c) => {
    const f = c.req.valid('form');
    try {
      const { duplicate } = await svc.submitUpiProof(c.get('deps'), actor(c), idParam(c), f.utr, f.screenshot);
      return redirectWith(c, `/bookings/${idParam(c)}`, duplicate ? 'Proof sent. Note: this UTR was already used on another booking; the organizer will check it.' : 'Proof sent. The organizer will verify your payment; your seats stay held meanwhile.');
    } catch (e) {
      if (e instanceof DomainError && e.field) return renderPay(c, { [e.field]: e.message }, f.utr, e.status === 409 ? 409 : 422);
      throw e;
    }
  },
);

bookingRoutes.post('/webhooks/razorpay', async (c) => {
  const raw = await c.req.text();
  try {
    const result = await handleRazorpayWebhook(c.get('deps'), raw, c.req.header('X-Razorpay-Signature'), c.req.header('X-Razorpay-Event-Id'));
    return c.json({ status: result });
  } catch (e) {
    if (e instanceof DomainError && e.status === 400) return c.json({ error: e.message }, 400);
    throw e;
  }
});

// ------------------------------------------------------------ organizer

bookingRoutes.get('/organizer/verifications', requirePermission('bookings:verify'), async (c) => {
  const q = await svc.verificationQueue(c.get('deps'), actor(c));
  return page(c, <VerificationsPage {...q} />, { title: 'Payments to verify' });
});

bookingRoutes.post('/organizer/verifications/:id/verify', requirePermission('bookings:verify'), async (c) => {
  await svc.verifyUpiProof(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, '/organizer/verifications', 'Payment verified; the booking is confirmed and the traveler told.');
});

bookingRoutes.post(
  '/organizer/verifications/:id/reject',
  requirePermission('bookings:verify'),
  zValidator('form', rejectForm, async (r, ctx) => {
    const c = ctx as unknown as C;
    if (r.success) return;
    const q = await svc.verificationQueue(c.get('deps'), actor(c));
    return page(c, <VerificationsPage {...q} errors={fieldErrors(r.error.issues)} errorFor={idParam(c)} />, { title: 'Payments to verify', status: 422 });
  }),
  async (c) => {
    await svc.rejectUpiProof(c.get('deps'), actor(c), idParam(c), c.req.valid('form').reason);
    return redirectWith(c, '/organizer/verifications', 'Payment rejected; the seats were released and the traveler told.');
  },
);

bookingRoutes.post('/organizer/refunds/:id/done', requirePermission('bookings:verify'), async (c) => {
  await svc.markManualRefund(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, '/organizer/verifications', 'Refund marked as paid.');
});

bookingRoutes.get('/organizer/bookings', requirePermission('bookings:verify'), async (c) => {
  const n = (k: string) => (Number.isSafeInteger(Number(c.req.query(k))) && Number(c.req.query(k)) > 0 ? Number(c.req.query(k)) : undefined);
  const rows = await svc.organizerBookings(c.get('deps'), actor(c), n('trip'), n('departure'));
  return page(c, <OrganizerBookingsPage rows={rows} />, { title: 'Bookings' });
});

bookingRoutes.get('/organizer/departures/:id/participants.csv', requirePermission('bookings:verify'), async (c) => {
  const { filename, csv } = await svc.participantsCsv(c.get('deps'), actor(c), idParam(c));
  return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"` });
});

bookingRoutes.get('/organizer/departures/:id/cancel', requirePermission('bookings:verify'), async (c) => {
  const d = await svc.departureForOrganizer(c.get('deps'), actor(c), idParam(c));
  return page(c, <CancelDeparturePage departure={d.departure} active={d.active} />, { title: 'Cancel departure' });
});

bookingRoutes.post(
  '/organizer/departures/:id/cancel',
  requirePermission('bookings:verify'),
  zValidator('form', cancelDepartureForm, async (r, ctx) => {
    const c = ctx as unknown as C;
    if (r.success) return;
    const d = await svc.departureForOrganizer(c.get('deps'), actor(c), idParam(c));
    return page(c, <CancelDeparturePage departure={d.departure} active={d.active} errors={fieldErrors(r.error.issues)} />, { title: 'Cancel departure', status: 422 });
  }),
  async (c) => {
    const { bookings } = await svc.cancelDeparture(c.get('deps'), actor(c), idParam(c), c.req.valid('form').note);
    return redirectWith(c, '/organizer/bookings', `Departure cancelled; ${bookings} booking${bookings === 1 ? '' : 's'} cancelled and refunded in full.`);
  },
);

bookingRoutes.get('/organizer/earnings', requirePermission('bookings:verify'), async (c) => {
  return page(c, <EarningsPage months={await svc.earnings(c.get('deps'), actor(c))} />, { title: 'Earnings' });
});

// ------------------------------------------------------------ built-in test gateway

/** The fake Razorpay API the SDK calls in test mode (404 when the test gateway is off). */
const testApi = (c: C) => {
  const fake = c.get('deps').payments.fake;
  if (!fake) throw new NotFoundError();
  const url = new URL(c.req.url);
  url.pathname = url.pathname.replace(/^\/test-gateway/, '');
  return fake.api.fetch(new Request(url, c.req.raw));
};
bookingRoutes.get('/test-gateway/v1/*', testApi);
bookingRoutes.post('/test-gateway/v1/*', testApi);

const testOrder = (c: C) => {
  const order = c.get('deps').payments.fake?.orders.get(c.req.param('orderId') ?? '');
  if (!order) throw new NotFoundError();
  return order;
};

// The pages a browser reaches: admins only while listening beyond loopback (the API above has its Basic auth).
bookingRoutes.get('/test-gateway/checkout/:orderId', adminWhenBeyondLoopback, (c) => {
  const order = testOrder(c);
  const callback = safeNext(c.req.query('callback')) ?? '/bookings';
  return page(c, <TestCheckoutPage orderId={order.id} amount={order.amount} receipt={order.receipt} callback={callback} />, { title: 'Test payment' });
});

bookingRoutes.post('/test-gateway/checkout/:orderId', adminWhenBeyondLoopback, async (c) => {
  const order = testOrder(c);
  const fake = c.get('deps').payments.fake!;
  const body = await c.req.parseBody();
  const callback = safeNext(typeof body.callback === 'string' ? body.callback : null) ?? '/bookings';
  if (order.status === 'paid') throw new Conflict('This test order is already paid.');
  // Straight back to the shop, as Razorpay's redirect does: the outcome rides on the return URL.
  const back = (fields: Record<string, string>) => c.redirect(`${callback}?${new URLSearchParams(fields)}`, 303);
  if (body.outcome === 'pay') {
    const { payment, signature } = fake.pay(order.id);
    void fake.deliver(fake.webhook('payment.captured', { payment }));
    return back({ razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: signature });
  }
  const payment = fake.decline(order.id);
  void fake.deliver(fake.webhook('payment.failed', { payment }));
  return back({ error_description: payment.error_description ?? 'Declined' });
});
