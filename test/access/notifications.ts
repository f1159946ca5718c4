import type { RouteAccess } from './types.js';

export const notificationAccess: RouteAccess[] = [
  {
    method: 'GET',
    path: '/dev/mailbox',
    allowed: 'all',
    note: "development only: 404 for everyone when DEV_MAILBOX is off or in production; admins only beyond loopback (the matrix's second part)",
  },
  {
    method: 'GET',
    path: '/dev/mailbox/:id{[0-9]+}',
    allowed: 'all',
    sample: '/dev/mailbox/999999',
    note: '404 for anyone: no such message; development only; admins only beyond loopback',
  },
];
