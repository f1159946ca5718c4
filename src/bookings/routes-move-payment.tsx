import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm } from '../lib/forms.js';
import { takesFiles } from '../lib/uploads.js';
import { actor, idParam } from '../lib/params.js';
import { formatDay } from '../lib/time.js';
import { page, qrSvg } from '../render.js';
import { MovePayPage } from '../../views/bookings/move.js';
import { RazorpayCheckoutPage } from '../../views/payments/pay.js';
import {
  cancelPendingMove,
  confirmMoveCheckout,
  keepMoveProofScreenshot,
  movePaymentPage,
  openMoveCheckout,
  startMovePayment,
  submitMoveProof,
} from './move-payment.js';
import { checkoutReturn } from './schemas.js';
import { readProofForm } from './upi-proof-form.js';

/** Paying for a move to another departure (./move-payment.ts): its pay page, online or by UPI proof, and giving it up. */
export const movePaymentRoutes = new Hono<AppEnv>();

type C = Context<AppEnv>;
const payPath = (c: C) => `/bookings/${idParam(c)}/move/pay`;

async function renderMovePay(c: C, errors: FieldErrors = {}, utr = '', status: 200 | 409 | 422 = 200) {
  const d = await movePaymentPage(c.get('deps'), actor(c), idParam(c));
  if (!d) return redirectWith(c, `/bookings/${idParam(c)}`, 'No move of this booking is waiting for payment.');
  return page(c, <MovePayPage {...d} errors={errors} utr={utr} />, {
    title: `Pay for moving ${d.booking.code}`,
    status,
  });
}

/** Checkout's return (Razorpay's POST or the test gateway's GET): the move made, or its money on the way back. */
async function checkoutReturned(c: C, f: z.infer<typeof checkoutReturn>) {
  if (!f.razorpay_payment_id || !f.razorpay_order_id || !f.razorpay_signature)
    return redirectWith(
      c,
      payPath(c),
      'The payment did not go through. Nothing was charged; you can try again.',
      'error',
    );
  const r = await confirmMoveCheckout(c.get('deps'), actor(c), idParam(c), {
    orderId: f.razorpay_order_id,
    paymentId: f.razorpay_payment_id,
    signature: f.razorpay_signature,
  });
  const to = `/bookings/${idParam(c)}`;
  if (r.moved) return redirectWith(c, to, `Paid. Booking moved to ${formatDay(r.toStart)}.`);
  return redirectWith(
    c,
    to,
    `We received your payment, but the move to ${formatDay(r.toStart)} could not be made (its seats are gone, or the move was cancelled): your booking stays on its date and the payment is being refunded in full.`,
    'error',
  );
}

movePaymentRoutes.get('/bookings/:id/move/pay', requirePermission('bookings:create'), (c) => renderMovePay(c));

movePaymentRoutes.get('/bookings/:id/move/upi-qr.svg', requirePermission('bookings:create'), async (c) => {
  const d = await movePaymentPage(c.get('deps'), actor(c), idParam(c));
  if (!d?.upiLink) throw new NotFoundError();
  return qrSvg(c, d.upiLink);
});

movePaymentRoutes.post('/bookings/:id/move/pay/online', requirePermission('bookings:create'), async (c) => {
  const orderId = await startMovePayment(c.get('deps'), actor(c), idParam(c));
  if (c.get('deps').payments.mode === 'test')
    return c.redirect(`/test-gateway/checkout/${orderId}?callback=${encodeURIComponent(`${payPath(c)}/verify`)}`, 303);
  return c.redirect(`/bookings/${idParam(c)}/move/checkout`, 303);
});

movePaymentRoutes.get('/bookings/:id/move/checkout', requirePermission('bookings:create'), async (c) => {
  if (c.get('deps').payments.mode !== 'razorpay') throw new NotFoundError();
  const open = await openMoveCheckout(c.get('deps'), actor(c), idParam(c));
  if (!open) return c.redirect(payPath(c), 303);
  const keyId = c.get('deps').payments.keyId;
  const checkout = <RazorpayCheckoutPage {...open} keyId={keyId} verifyPath={`${payPath(c)}/verify`} />;
  const head = (
    <>
      <script src="https://checkout.razorpay.com/v1/checkout.js" defer></script>
      <script src="/payments/checkout.js" defer></script>
    </>
  );
  return page(c, checkout, { title: `Pay ${open.booking.code}`, head });
});

movePaymentRoutes.post(
  '/bookings/:id/move/pay/verify',
  requirePermission('bookings:create'),
  zValidator('form', checkoutReturn, formHook()),
  (c) => checkoutReturned(c, c.req.valid('form')),
);
movePaymentRoutes.get(
  '/bookings/:id/move/pay/verify',
  requirePermission('bookings:create'),
  zValidator('query', checkoutReturn, formHook()),
  (c) => checkoutReturned(c, c.req.valid('query')),
);

/** The move's UPI proof, read like the booking's own (a form sent back keeps a screenshot that will do). */
movePaymentRoutes.post('/bookings/:id/move/pay/upi', takesFiles, requirePermission('bookings:create'), async (c) => {
  const deps = c.get('deps');
  const f = await readProofForm(c, (file) => keepMoveProofScreenshot(deps, actor(c), idParam(c), file));
  if (!f.ok) return renderMovePay(c, f.errors, f.utr, 422);
  const r = await tryForm(() => submitMoveProof(deps, actor(c), idParam(c), f.utr, f.screenshot), { fieldsOnly: true });
  if (!r.ok) return renderMovePay(c, r.errors, f.utr, r.status === 409 ? 409 : 422);
  return redirectWith(
    c,
    `/bookings/${idParam(c)}`,
    `Proof sent. Your booking moves to ${formatDay(r.value.toStart)} once the organizer confirms the payment.`,
  );
});

movePaymentRoutes.post('/bookings/:id/move/cancel', requirePermission('bookings:create'), async (c) => {
  await cancelPendingMove(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, `/bookings/${idParam(c)}`, 'Move cancelled: your booking stays on its date.');
});
