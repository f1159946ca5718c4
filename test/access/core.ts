import type { RouteAccess } from './types.js';

/** Routes app.ts registers itself, outside any feature. */
export const coreAccess: RouteAccess[] = [
  {
    method: 'GET',
    path: '/static/*',
    allowed: 'all',
    sample: '/static/app.000000000000.css',
    note: 'hashed assets; an unknown name is a 404 for anyone',
  },
];
