import type { RouteAccess, Who } from './types.js';

const signedIn: Who[] = ['traveler', 'organizer', 'agent', 'admin'];

/**
 * Every route of the dashboards (src/dashboards/routes.tsx): each role's dashboard, and each
 * of its widgets alone (the fragment a live update swaps in), for that role only.
 */
export const dashboardsAccess: RouteAccess[] = [
  { method: 'GET', path: '/dashboard', allowed: signedIn, note: "the signed-in role's dashboard" },
  { method: 'GET', path: '/dashboard/traveler', allowed: ['traveler'] },
  { method: 'GET', path: '/dashboard/organizer', allowed: ['organizer'] },
  { method: 'GET', path: '/dashboard/agent', allowed: ['agent'] },
  { method: 'GET', path: '/dashboard/admin', allowed: ['admin'] },
  { method: 'GET', path: '/dashboard/traveler/:widget', allowed: ['traveler'], sample: '/dashboard/traveler/upcoming' },
  {
    method: 'GET',
    path: '/dashboard/organizer/:widget',
    allowed: ['organizer'],
    sample: '/dashboard/organizer/earnings',
  },
  { method: 'GET', path: '/dashboard/agent/:widget', allowed: ['agent'], sample: '/dashboard/agent/customers' },
  { method: 'GET', path: '/dashboard/admin/:widget', allowed: ['admin'], sample: '/dashboard/admin/growth' },
];
