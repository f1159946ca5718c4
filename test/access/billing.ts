import type { RouteAccess } from './types.js';

/** Organizer subscriptions and the admin's plan settings. */
export const billingAccess: RouteAccess[] = [
  { method: 'GET', path: '/organizer/subscription', allowed: ['organizer', 'admin'] },
  { method: 'POST', path: '/organizer/subscription/autopay', allowed: ['organizer', 'admin'] },
  { method: 'POST', path: '/organizer/subscription/pay', allowed: ['organizer', 'admin'] },
  { method: 'POST', path: '/organizer/subscription/cancel', allowed: ['organizer', 'admin'] },
  {
    method: 'GET',
    path: '/organizer/subscription/checkout/:id',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/subscription/checkout/999999',
  },
  { method: 'POST', path: '/organizer/subscription/verify', allowed: ['organizer', 'admin'] },
  { method: 'GET', path: '/organizer/subscription/verify', allowed: ['organizer', 'admin'] },
  {
    method: 'GET',
    path: '/organizer/subscription/charges/:id',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/subscription/charges/999999',
  },
  { method: 'GET', path: '/admin/settings', allowed: ['admin'] },
  { method: 'GET', path: '/admin/subscriptions', allowed: ['admin'] },
  { method: 'POST', path: '/admin/settings/plan', allowed: ['admin'], note: 'admin gets 422: an empty form' },
];
