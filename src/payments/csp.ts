import type { Context } from 'hono';

/**
 * Razorpay Checkout's script and frames are allowed on exactly one page, the checkout
 * page, and only with real keys. secureHeaders computes the header before the handler
 * runs, so the page is recognised by its path.
 */
const onCheckoutPage = (c: Context) =>
  /^\/(bookings\/\d+\/(move\/)?checkout|organizer\/subscription\/checkout\/\d+)$/.test(c.req.path) &&
  (c.get('deps') as { payments: { mode: string } } | undefined)?.payments.mode === 'razorpay';

export const checkoutCsp = {
  script: (c: Context) => (onCheckoutPage(c) ? "'self' https://checkout.razorpay.com" : "'self'"),
  frame: (c: Context) =>
    onCheckoutPage(c) ? "'self' https://api.razorpay.com https://checkout.razorpay.com" : "'self'",
  connect: (c: Context) =>
    onCheckoutPage(c) ? "'self' https://lumberjack.razorpay.com https://api.razorpay.com" : "'self'",
};

/** Our side of Razorpay Checkout: open it, and post what it returns to the verify form. */
export const CHECKOUT_JS = `(function () {
  var form = document.getElementById('rzp-form');
  var button = document.getElementById('rzp-pay');
  if (!form || !button || typeof Razorpay === 'undefined') return;
  button.addEventListener('click', function () {
    var d = form.dataset;
    var rzp = new Razorpay({
      key: d.key, amount: Number(d.amount), currency: 'INR', order_id: d.order, name: 'TrekTribe', description: d.description,
      customer_id: d.customer || undefined, recurring: d.recurring ? 1 : undefined,
      prefill: { name: d.name, email: d.email, contact: d.contact },
      handler: function (r) {
        form.elements.razorpay_order_id.value = r.razorpay_order_id;
        form.elements.razorpay_payment_id.value = r.razorpay_payment_id;
        form.elements.razorpay_signature.value = r.razorpay_signature;
        form.submit();
      }
    });
    rzp.on('payment.failed', function (r) {
      form.elements.error_description.value = (r && r.error && r.error.description) || 'Payment failed';
      form.submit();
    });
    rzp.open();
  });
})();
`;
