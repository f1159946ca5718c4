import type { RouteAccess } from './types.js';

/** Organizer subscriptions and the admin's plan settings. */
export const billingAccess: RouteAccess[] = [
  { method: 'GET', path: '/organizer/subscription', allowed: ['organizer', 'admin'] },
  { method: 'GET', path: '/admin/settings', allowed: ['admin'] },
  { method: 'POST', path: '/admin/settings/plan', allowed: ['admin'], note: 'admin gets 422: an empty form' },
];
