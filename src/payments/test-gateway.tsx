import { Hono, type Context } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import { page } from '../render.js';
import { adminWhenBeyondLoopback, safeNext } from '../auth/middleware.js';
import { TestCheckoutPage } from '../../views/payments/pay.js';
import type { FakeOrder, FakeRazorpay } from './fake-razorpay.js';

type C = Context<AppEnv>;

/** The built-in test gateway: the fake Razorpay API the SDK calls, and the checkout page a browser reaches. */
export const testGatewayRoutes = new Hono<AppEnv>();

/** The fake Razorpay API the SDK calls in test mode (404 when the test gateway is off). */
const testApi = (c: C) => {
  const fake = c.get('deps').payments.fake;
  if (!fake) throw new NotFoundError();
  const url = new URL(c.req.url);
  url.pathname = url.pathname.replace(/^\/test-gateway/, '');
  return fake.api.fetch(new Request(url, c.req.raw));
};
testGatewayRoutes.get('/test-gateway/v1/*', testApi);
testGatewayRoutes.post('/test-gateway/v1/*', testApi);
// Cancelling a mandate (customers.deleteToken) is a DELETE.
testGatewayRoutes.delete('/test-gateway/v1/*', testApi);

const testOrder = (c: C) => {
  const order = c.get('deps').payments.fake?.orders.get(c.req.param('orderId') ?? '');
  if (!order) throw new NotFoundError();
  return order;
};

/** What Checkout does with the payer's choice: pays or declines, sends the webhook, and says what goes on the return URL. */
function settleTestOrder(fake: FakeRazorpay, order: FakeOrder, outcome: unknown): Record<string, string> {
  if (order.status === 'paid') throw new Conflict('This test order is already paid.');
  if (outcome === 'pay' || outcome === 'pay-failing-mandate') {
    const { payment, signature, token } = fake.pay(order.id);
    // A mandate whose later debits the bank declines: how a demo shows retries and deactivation.
    if (token && outcome === 'pay-failing-mandate') fake.failingTokens.add(token.id);
    void (async () => {
      await fake.deliver(fake.webhook('payment.captured', { payment }));
      if (token) await fake.deliver(fake.webhook('token.confirmed', { token }));
    })();
    return { razorpay_order_id: order.id, razorpay_payment_id: payment.id, razorpay_signature: signature };
  }
  const payment = fake.decline(order.id);
  void fake.deliver(fake.webhook('payment.failed', { payment }));
  return { error_description: payment.error_description ?? 'Declined' };
}

// The pages a browser reaches: admins only while listening beyond loopback (the API above has its Basic auth).
testGatewayRoutes.get('/test-gateway/checkout/:orderId', adminWhenBeyondLoopback, (c) => {
  const order = testOrder(c);
  const callback = safeNext(c.req.query('callback')) ?? '/bookings';
  return page(
    c,
    <TestCheckoutPage
      orderId={order.id}
      amount={order.amount}
      receipt={order.receipt}
      callback={callback}
      mandate={order.token !== undefined}
    />,
    { title: 'Test payment' },
  );
});

testGatewayRoutes.post('/test-gateway/checkout/:orderId', adminWhenBeyondLoopback, async (c) => {
  const order = testOrder(c);
  const body = await c.req.parseBody();
  const callback = safeNext(typeof body.callback === 'string' ? body.callback : null) ?? '/bookings';
  // Straight back to the shop, as Razorpay's redirect does: the outcome rides on the return URL.
  return c.redirect(
    `${callback}?${new URLSearchParams(settleTestOrder(c.get('deps').payments.fake!, order, body.outcome))}`,
    303,
  );
});
