import type { RouteAccess } from './types.js';

const everyone = ['traveler', 'organizer', 'agent', 'admin'] as const;
const staff = ['agent', 'admin'] as const;

/**
 * Support tickets: any signed-in user opens and reads their own (someone else's is a 404, see
 * test/support-desk/access.test.ts); the desk under /agent is for agents and admins only.
 */
export const supportAccess: RouteAccess[] = [
  { method: 'GET', path: '/support', allowed: [...everyone] },
  { method: 'POST', path: '/support', allowed: [...everyone], note: '422: an empty form' },
  {
    method: 'GET',
    path: '/support/:id',
    allowed: [...everyone],
    sample: '/support/999999',
    note: '404: no such ticket',
  },
  { method: 'POST', path: '/support/:id/reply', allowed: [...everyone], sample: '/support/999999/reply' },
  { method: 'POST', path: '/support/:id/rate', allowed: [...everyone], sample: '/support/999999/rate' },
  { method: 'POST', path: '/support/:id/typing', allowed: [...everyone], sample: '/support/999999/typing' },
  {
    method: 'GET',
    path: '/support/:id/images/:name',
    allowed: [...everyone],
    sample: '/support/999999/images/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-480.webp',
  },
  { method: 'GET', path: '/agent/tickets', allowed: [...staff] },
  { method: 'GET', path: '/agent/tickets/:id', allowed: [...staff], sample: '/agent/tickets/999999' },
  { method: 'POST', path: '/agent/tickets/:id/assign', allowed: [...staff], sample: '/agent/tickets/999999/assign' },
  { method: 'POST', path: '/agent/tickets/:id/reply', allowed: [...staff], sample: '/agent/tickets/999999/reply' },
  { method: 'POST', path: '/agent/tickets/:id/note', allowed: [...staff], sample: '/agent/tickets/999999/note' },
  { method: 'POST', path: '/agent/tickets/:id/typing', allowed: [...staff], sample: '/agent/tickets/999999/typing' },
  { method: 'POST', path: '/agent/tickets/:id/status', allowed: [...staff], sample: '/agent/tickets/999999/status' },
  { method: 'GET', path: '/agent/replies', allowed: [...staff] },
  { method: 'POST', path: '/agent/replies', allowed: [...staff], note: '422: an empty form' },
  { method: 'POST', path: '/agent/replies/:id', allowed: [...staff], sample: '/agent/replies/999999' },
  { method: 'POST', path: '/agent/replies/:id/delete', allowed: [...staff], sample: '/agent/replies/999999/delete' },
];
