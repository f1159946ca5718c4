import type { RouteAccess } from './types.js';

/** The admin pages of the platform itself: scheduled jobs and the outbox. */
export const adminPlatformAccess: RouteAccess[] = [
  { method: 'GET', path: '/admin/jobs', allowed: ['admin'] },
  {
    method: 'POST',
    path: '/admin/jobs/:name/run',
    allowed: ['admin'],
    sample: '/admin/jobs/no-such-job/run',
    note: 'admin gets 404 for an unknown job',
  },
  { method: 'GET', path: '/admin/outbox', allowed: ['admin'] },
  {
    method: 'POST',
    path: '/admin/outbox/:id{[0-9]+}/retry',
    allowed: ['admin'],
    sample: '/admin/outbox/999999/retry',
    note: 'admin gets 409: no such failed message',
  },
];
