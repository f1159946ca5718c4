import type { RouteAccess } from './types.js';

/**
 * The admin console (src/admin/routes.tsx): admins only. Agents, organizers and travelers
 * get 403; signed-out visitors are sent to sign in.
 */
const admin = ['admin'] as RouteAccess['allowed'];

export const adminConsoleAccess: RouteAccess[] = [
  { method: 'GET', path: '/admin', allowed: admin },
  {
    method: 'GET',
    path: '/admin/users/:id/delete',
    allowed: admin,
    sample: '/admin/users/999999/delete',
    note: 'admin gets 404 for no such user',
  },
  {
    method: 'POST',
    path: '/admin/users/:id/delete',
    allowed: admin,
    sample: '/admin/users/999999/delete',
    note: 'admin gets 404 for no such user',
  },
  { method: 'GET', path: '/admin/trips', allowed: admin },
  {
    method: 'POST',
    path: '/admin/trips/:id/deactivate',
    allowed: admin,
    sample: '/admin/trips/999999/deactivate',
    note: 'admin gets 422: no reason given',
  },
  {
    method: 'POST',
    path: '/admin/trips/:id/reactivate',
    allowed: admin,
    sample: '/admin/trips/999999/reactivate',
    note: 'admin gets 422: no reason given',
  },
  { method: 'GET', path: '/admin/bookings', allowed: admin },
  { method: 'GET', path: '/admin/bookings.csv', allowed: admin },
  { method: 'GET', path: '/admin/payments', allowed: admin },
  { method: 'GET', path: '/admin/payments.csv', allowed: admin },
  { method: 'POST', path: '/admin/settings/bookings', allowed: admin, note: 'admin gets 422: empty form' },
  { method: 'POST', path: '/admin/settings/platform', allowed: admin, note: 'admin gets 422: empty form' },
  { method: 'GET', path: '/admin/outbox', allowed: admin },
  {
    method: 'POST',
    path: '/admin/outbox/:id/retry',
    allowed: admin,
    sample: '/admin/outbox/999999/retry',
    note: 'admin gets 409: no such failed message',
  },
  { method: 'GET', path: '/admin/audit', allowed: admin },
];
