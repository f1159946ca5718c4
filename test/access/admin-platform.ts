import type { RouteAccess } from './types.js';

/** The admin pages of the platform itself: scheduled jobs (the outbox is in admin-console.ts). */
export const adminPlatformAccess: RouteAccess[] = [
  { method: 'GET', path: '/admin/jobs', allowed: ['admin'] },
  { method: 'GET', path: '/admin/system', allowed: ['admin'] },
  {
    method: 'POST',
    path: '/admin/jobs/:name/run',
    allowed: ['admin'],
    sample: '/admin/jobs/no-such-job/run',
    note: 'admin gets 404 for an unknown job',
  },
];
