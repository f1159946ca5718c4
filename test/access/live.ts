import type { RouteAccess } from './types.js';

/** Live updates (the SSE stream), the notification centre and announcements. */
export const liveAccess: RouteAccess[] = [
  {
    method: 'GET',
    path: '/events',
    allowed: ['traveler', 'organizer', 'agent', 'admin'],
    note: 'an endless SSE stream for any signed-in user (401 with HX-Redirect for visitors); the matrix cancels it',
  },
  { method: 'GET', path: '/notifications', allowed: ['traveler', 'organizer', 'agent', 'admin'] },
  { method: 'POST', path: '/notifications/read-all', allowed: ['traveler', 'organizer', 'agent', 'admin'] },
  {
    method: 'POST',
    path: '/notifications/:id{[0-9]+}/read',
    sample: '/notifications/999999/read',
    allowed: ['traveler', 'organizer', 'agent', 'admin'],
    note: 'a notification of someone else (or none) is a 404',
  },
  { method: 'GET', path: '/notifications/settings', allowed: ['traveler', 'organizer', 'agent', 'admin'] },
  { method: 'POST', path: '/notifications/settings', allowed: ['traveler', 'organizer', 'agent', 'admin'] },
  {
    method: 'POST',
    path: '/announcements/:id{[0-9]+}/dismiss',
    sample: '/announcements/999999/dismiss',
    allowed: ['traveler', 'organizer', 'agent', 'admin'],
  },
  { method: 'GET', path: '/admin/announcements', allowed: ['admin'] },
  { method: 'POST', path: '/admin/announcements', allowed: ['admin'], note: 'admin gets 422: an empty form' },
];
