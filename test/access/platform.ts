import type { RouteAccess } from './types.js';

export const platformAccess: RouteAccess[] = [
  { method: 'GET', path: '/', allowed: 'all' },
  { method: 'GET', path: '/healthz', allowed: 'all' },
  {
    method: 'GET',
    path: '/uploads/:name',
    allowed: 'all',
    sample: '/uploads/nothing-here.webp',
    note: '404 for anyone: no such upload',
  },
];
