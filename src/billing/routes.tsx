import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { AppEnv } from '../lib/env.js';
import { page } from '../render.js';
import { requirePermission } from '../auth/middleware.js';
import { actor, idParam } from '../lib/params.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryAction, userCanFix } from '../lib/forms.js';
import { NotFoundError } from '../lib/errors.js';
import { SUBSCRIPTION_PAGE } from './plan.js';
import { cancelSubscription, startAutopay } from './autopay.js';
import { checkoutOf, confirmCheckout, payNow } from './pay-now.js';
import { receiptOf } from './receipts.js';
import { subscriptionPage } from './subscription-page.js';
import type { CheckoutStart } from './types.js';
import { autopayForm, checkoutReturn } from './schemas.js';
import { ReceiptPage, SubscriptionCheckoutPage, SubscriptionPage } from '../../views/billing/subscription.js';

type C = Context<AppEnv>;
const VERIFY = `${SUBSCRIPTION_PAGE}/verify`;

/** Starts a payment and sends the browser to Checkout (the test gateway's page, or ours that opens Razorpay's). */
async function toCheckout(c: C, start: () => Promise<CheckoutStart>) {
  let s: CheckoutStart;
  try {
    s = await start();
  } catch (e) {
    if (userCanFix(e)) return redirectWith(c, SUBSCRIPTION_PAGE, e.message, 'error', e.link);
    throw e;
  }
  if (c.get('deps').payments.mode === 'test')
    return c.redirect(`/test-gateway/checkout/${s.orderId}?callback=${encodeURIComponent(VERIFY)}`, 303);
  return c.redirect(`${SUBSCRIPTION_PAGE}/checkout/${s.chargeId}`, 303);
}

async function returned(c: C, f: z.infer<typeof checkoutReturn>) {
  if (!f.razorpay_order_id || !f.razorpay_payment_id || !f.razorpay_signature)
    return redirectWith(
      c,
      SUBSCRIPTION_PAGE,
      `The payment did not go through${f.error_description ? ` (${f.error_description})` : ''}. Nothing was charged; you can try again.`,
      'error',
    );
  const r = { orderId: f.razorpay_order_id, paymentId: f.razorpay_payment_id, signature: f.razorpay_signature };
  return tryAction(
    c,
    SUBSCRIPTION_PAGE,
    () => confirmCheckout(c.get('deps'), actor(c), r),
    'Paid, thank you. Your subscription is active.',
  );
}

const organizer = requirePermission('billing:autopay');

/** /organizer/subscription: the organizer's plan, status, mandate and payments (an admin names the organizer: ?organizer=ID). */
export const billingRoutes = new Hono<AppEnv>()
  .get(SUBSCRIPTION_PAGE, organizer, async (c) => {
    const props = await subscriptionPage(c.get('deps'), actor(c), c.req.query('organizer'));
    return page(c, <SubscriptionPage {...props} />, { title: 'Subscription' });
  })
  .post(`${SUBSCRIPTION_PAGE}/autopay`, organizer, zValidator('form', autopayForm, formHook()), (c) =>
    toCheckout(c, () => startAutopay(c.get('deps'), actor(c), c.req.valid('form').method)),
  )
  .post(`${SUBSCRIPTION_PAGE}/pay`, organizer, (c) => toCheckout(c, () => payNow(c.get('deps'), actor(c))))
  .post(`${SUBSCRIPTION_PAGE}/cancel`, organizer, (c) =>
    tryAction(
      c,
      SUBSCRIPTION_PAGE,
      () => cancelSubscription(c.get('deps'), actor(c)),
      'Cancelled: your subscription stays active to the end of the paid period, and nothing more is charged.',
    ),
  )
  .get(`${SUBSCRIPTION_PAGE}/checkout/:id`, organizer, async (c) => {
    if (c.get('deps').payments.mode !== 'razorpay') throw new NotFoundError();
    const co = await checkoutOf(c.get('deps'), actor(c), idParam(c));
    return page(c, <SubscriptionCheckoutPage {...co} keyId={c.get('deps').payments.keyId} action={VERIFY} />, {
      title: 'Pay your subscription',
      head: (
        <>
          <script src="https://checkout.razorpay.com/v1/checkout.js" defer></script>
          <script src="/payments/checkout.js" defer></script>
        </>
      ),
    });
  })
  .post(VERIFY, organizer, zValidator('form', checkoutReturn, formHook()), (c) => returned(c, c.req.valid('form')))
  .get(VERIFY, organizer, zValidator('query', checkoutReturn, formHook()), (c) => returned(c, c.req.valid('query')))
  .get(`${SUBSCRIPTION_PAGE}/charges/:id`, organizer, async (c) => {
    const r = await receiptOf(c.get('deps'), actor(c), idParam(c));
    return page(c, <ReceiptPage receipt={r} />, { title: `Receipt ${r.number}` });
  });
