import type { RouteAccess } from './types.js';

const traveler: RouteAccess['allowed'] = ['traveler', 'admin'];
const staff: RouteAccess['allowed'] = ['organizer', 'admin'];
const readers: RouteAccess['allowed'] = ['traveler', 'organizer', 'agent', 'admin'];

/** Every route of the bookings and payments features (src/bookings/routes.tsx, src/payments/routes.tsx, src/payments/test-gateway.tsx). Samples point at ids that do not exist, so allowed users get 404. */
export const bookingsAccess: RouteAccess[] = [
  { method: 'GET', path: '/trips/:id/book', allowed: traveler, sample: '/trips/999999/book?departure=999999' },
  { method: 'POST', path: '/trips/:id/book', allowed: traveler, sample: '/trips/999999/book' },
  { method: 'POST', path: '/trips/:id/join', allowed: traveler, sample: '/trips/999999/join', note: 'a free trip, joined in one click' },
  { method: 'POST', path: '/trips/:id/book/update', allowed: traveler, sample: '/trips/999999/book/update', note: 'the form shown again for another date or number of guests' },
  { method: 'GET', path: '/bookings', allowed: readers },
  { method: 'GET', path: '/bookings/:id', allowed: readers, sample: '/bookings/999999', note: 'someone else\'s booking answers 404' },
  { method: 'GET', path: '/bookings/:id/pass', allowed: readers, sample: '/bookings/999999/pass' },
  { method: 'GET', path: '/bookings/:id/pass-qr.svg', allowed: readers, sample: '/bookings/999999/pass-qr.svg' },
  { method: 'GET', path: '/bookings/:id/booking.ics', allowed: readers, sample: '/bookings/999999/booking.ics' },
  { method: 'GET', path: '/bookings/:id/cancel', allowed: traveler, sample: '/bookings/999999/cancel' },
  { method: 'POST', path: '/bookings/:id/cancel', allowed: traveler, sample: '/bookings/999999/cancel' },
  { method: 'GET', path: '/bookings/:id/pay', allowed: traveler, sample: '/bookings/999999/pay' },
  { method: 'GET', path: '/bookings/:id/proofs/:name', allowed: readers, sample: '/bookings/999999/proofs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-640.webp', note: 'a UPI screenshot: only the booking\'s traveler, organizer and staff; 404 for anyone else' },
  { method: 'GET', path: '/bookings/:id/upi-qr.svg', allowed: traveler, sample: '/bookings/999999/upi-qr.svg' },
  { method: 'POST', path: '/bookings/:id/pay/online', allowed: traveler, sample: '/bookings/999999/pay/online' },
  { method: 'GET', path: '/bookings/:id/checkout', allowed: traveler, sample: '/bookings/999999/checkout', note: 'only with real Razorpay keys; 404 otherwise' },
  { method: 'POST', path: '/bookings/:id/pay/verify', allowed: traveler, sample: '/bookings/999999/pay/verify' },
  { method: 'GET', path: '/bookings/:id/pay/verify', allowed: traveler, sample: '/bookings/999999/pay/verify', note: 'the test gateway returns here by redirect' },
  { method: 'POST', path: '/bookings/:id/pay/upi', allowed: traveler, sample: '/bookings/999999/pay/upi' },
  { method: 'GET', path: '/payments/checkout.js', allowed: 'all', note: 'our half of Razorpay Checkout; static script' },
  { method: 'POST', path: '/webhooks/razorpay', allowed: 'all', note: 'Razorpay webhook: authenticated by its HMAC signature, 400 without it' },
  { method: 'GET', path: '/organizer/verifications', allowed: staff },
  { method: 'POST', path: '/organizer/verifications/:id/verify', allowed: staff, sample: '/organizer/verifications/999999/verify' },
  { method: 'POST', path: '/organizer/verifications/:id/reject', allowed: staff, sample: '/organizer/verifications/999999/reject' },
  { method: 'POST', path: '/organizer/refunds/:id/done', allowed: staff, sample: '/organizer/refunds/999999/done' },
  { method: 'GET', path: '/organizer/bookings', allowed: staff },
  { method: 'GET', path: '/organizer/departures/:id/participants.csv', allowed: staff, sample: '/organizer/departures/999999/participants.csv' },
  { method: 'GET', path: '/organizer/departures/:id/cancel', allowed: staff, sample: '/organizer/departures/999999/cancel' },
  { method: 'POST', path: '/organizer/departures/:id/cancel', allowed: staff, sample: '/organizer/departures/999999/cancel' },
  { method: 'GET', path: '/organizer/earnings', allowed: staff },
  { method: 'GET', path: '/test-gateway/v1/*', allowed: 'all', apiKey: true, sample: '/test-gateway/v1/orders/none', note: 'fake Razorpay API: Basic auth with the test key; 404 when the test gateway is off' },
  { method: 'POST', path: '/test-gateway/v1/*', allowed: 'all', apiKey: true, sample: '/test-gateway/v1/orders', note: 'fake Razorpay API: Basic auth with the test key; 404 when the test gateway is off' },
  { method: 'GET', path: '/test-gateway/checkout/:orderId', allowed: 'all', sample: '/test-gateway/checkout/order_none', note: 'test checkout page (stands in for Razorpay\'s); 404 for unknown orders; admins only beyond loopback' },
  { method: 'POST', path: '/test-gateway/checkout/:orderId', allowed: 'all', sample: '/test-gateway/checkout/order_none', note: 'test checkout page (stands in for Razorpay\'s); 404 for unknown orders; admins only beyond loopback' },
];
