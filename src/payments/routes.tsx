import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { DomainError, NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm } from '../lib/forms.js';
import { takesFiles } from '../lib/uploads.js';
import { actor, idParam } from '../lib/params.js';
import { formatDateTime } from '../lib/time.js';
import { page, qrSvg } from '../render.js';
import { PayPage, RazorpayCheckoutPage } from '../../views/payments/pay.js';
import { bookingFor } from '../bookings/access.js';
import { confirmCheckout, openCheckout, startOnlinePayment } from '../bookings/online-payment.js';
import { keepProofScreenshot, paymentPage, submitUpiProof } from '../bookings/upi-proofs.js';
import { checkoutReturn } from '../bookings/schemas.js';
import { readProofForm } from '../bookings/upi-proof-form.js';
import { CHECKOUT_JS } from './csp.js';
import { testGatewayRoutes } from './test-gateway.js';
import { handleRazorpayWebhook } from './webhook.js';

type C = Context<AppEnv>;

async function renderPay(c: C, errors: FieldErrors = {}, utr = '', status: 200 | 409 | 422 = 200) {
  const d = await paymentPage(c.get('deps'), actor(c), idParam(c));
  if (d.booking.status !== 'pending' && !d.booking.balance) return redirectWith(c, `/bookings/${d.booking.id}`);
  return page(c, <PayPage {...d} errors={errors} utr={utr} />, { title: `Pay ${d.booking.code}`, status });
}

/** Razorpay Checkout's script and ours, on the checkout page alone (see csp.ts). */
const CHECKOUT_HEAD = (
  <>
    <script src="https://checkout.razorpay.com/v1/checkout.js" defer></script>
    <script src="/payments/checkout.js" defer></script>
  </>
);

/** Where Checkout returns, by POST (Razorpay's callback) or by GET (the test gateway's redirect): the signature decides. */
async function checkoutReturned(c: C, f: z.infer<typeof checkoutReturn>) {
  if (!f.razorpay_payment_id || !f.razorpay_order_id || !f.razorpay_signature) {
    return redirectWith(
      c,
      `/bookings/${idParam(c)}/pay`,
      `The payment did not go through${f.error_description ? ` (${f.error_description})` : ''}. Nothing was charged; you can try again.`,
      'error',
    );
  }
  await confirmCheckout(c.get('deps'), actor(c), idParam(c), {
    orderId: f.razorpay_order_id,
    paymentId: f.razorpay_payment_id,
    signature: f.razorpay_signature,
  });
  const b = await bookingFor(c.get('deps'), actor(c), idParam(c));
  if (b.status === 'confirmed')
    return redirectWith(
      c,
      `/bookings/${b.id}`,
      b.payment_status === 'paid'
        ? `Paid. Booking ${b.code} is confirmed.`
        : `Deposit paid. Booking ${b.code} is confirmed.`,
    );
  return redirectWith(
    c,
    `/bookings/${b.id}`,
    'We received your payment, but the seats were released before it arrived and are gone now. The full amount is being refunded.',
    'error',
  );
}

/** Paying for a booking (Razorpay, the test gateway, a UPI proof), and the Razorpay webhook. */
export const paymentRoutes = new Hono<AppEnv>();

paymentRoutes.get('/bookings/:id/pay', requirePermission('bookings:create'), (c) => renderPay(c));

paymentRoutes.get('/bookings/:id/upi-qr.svg', requirePermission('bookings:create'), async (c) => {
  const d = await paymentPage(c.get('deps'), actor(c), idParam(c));
  if (!d.upiLink) throw new NotFoundError();
  return qrSvg(c, d.upiLink);
});

paymentRoutes.post('/bookings/:id/pay/online', requirePermission('bookings:create'), async (c) => {
  const { orderId } = await startOnlinePayment(c.get('deps'), actor(c), idParam(c));
  if (c.get('deps').payments.mode === 'test')
    return c.redirect(
      `/test-gateway/checkout/${orderId}?callback=${encodeURIComponent(`/bookings/${idParam(c)}/pay/verify`)}`,
      303,
    );
  return c.redirect(`/bookings/${idParam(c)}/checkout`, 303);
});

paymentRoutes.get('/bookings/:id/checkout', requirePermission('bookings:create'), async (c) => {
  if (c.get('deps').payments.mode !== 'razorpay') throw new NotFoundError();
  const open = await openCheckout(c.get('deps'), actor(c), idParam(c));
  if (!open) return c.redirect(`/bookings/${idParam(c)}/pay`, 303);
  const checkout = <RazorpayCheckoutPage {...open} keyId={c.get('deps').payments.keyId} />;
  return page(c, checkout, { title: `Pay ${open.booking.code}`, head: CHECKOUT_HEAD });
});

paymentRoutes.get('/payments/checkout.js', (c) =>
  c.body(CHECKOUT_JS, 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
  }),
);

paymentRoutes.post(
  '/bookings/:id/pay/verify',
  requirePermission('bookings:create'),
  zValidator('form', checkoutReturn, formHook()),
  (c) => checkoutReturned(c, c.req.valid('form')),
);
paymentRoutes.get(
  '/bookings/:id/pay/verify',
  requirePermission('bookings:create'),
  zValidator('query', checkoutReturn, formHook()),
  (c) => checkoutReturned(c, c.req.valid('query')),
);

/** The UPI proof (read by readProofForm: a form sent back keeps a screenshot that will do, and says so). */
paymentRoutes.post('/bookings/:id/pay/upi', takesFiles, requirePermission('bookings:create'), async (c) => {
  const deps = c.get('deps');
  const f = await readProofForm(c, (file) => keepProofScreenshot(deps, actor(c), idParam(c), file));
  if (!f.ok) return renderPay(c, f.errors, f.utr, 422);
  const r = await tryForm(() => submitUpiProof(deps, actor(c), idParam(c), f.utr, f.screenshot), { fieldsOnly: true });
  if (!r.ok) return renderPay(c, r.errors, f.utr, r.status === 409 ? 409 : 422);
  const to = `/bookings/${idParam(c)}`;
  if (!r.value.duplicate)
    return redirectWith(c, to, 'Proof sent. The organizer will verify your payment; your seats stay held meanwhile.');
  const until = r.value.holdExpiresAt ? `at ${formatDateTime(r.value.holdExpiresAt)}` : 'when your hold ends';
  return redirectWith(
    c,
    to,
    `Proof sent, but this UTR was already used on another booking, so your seats are not held any longer for it: they are released ${until} unless the organizer confirms your payment before then. To keep them for sure, pay online.`,
    'error',
  );
});

/** Verified over the raw body, exactly as it came: a re-serialised body would not match its signature. */
paymentRoutes.post('/webhooks/razorpay', async (c) => {
  const raw = await c.req.text();
  try {
    return c.json({
      status: await handleRazorpayWebhook(
        c.get('deps'),
        raw,
        c.req.header('X-Razorpay-Signature'),
        c.req.header('X-Razorpay-Event-Id'),
      ),
    });
  } catch (e) {
    if (e instanceof DomainError && e.status === 400) return c.json({ error: e.message }, 400);
    throw e;
  }
});

paymentRoutes.route('/', testGatewayRoutes);
