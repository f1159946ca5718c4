import type { RouteAccess } from './types.js';

/** Every route of src/trips/routes.tsx. ('/' is listed by platform.ts; the trips feature renders it.) */
export const tripAccess: RouteAccess[] = [
  { method: 'GET', path: '/trips', allowed: 'all' },
  {
    method: 'GET',
    path: '/trips/:id',
    allowed: 'all',
    sample: '/trips/999999',
    note: 'public trips for all; 404 for a trip that is not public (or does not exist)',
  },
  {
    method: 'GET',
    path: '/organizers/:id',
    allowed: 'all',
    sample: '/organizers/999999',
    note: '404 for anyone: no such organizer',
  },
  { method: 'GET', path: '/organizer/trips', allowed: ['organizer', 'admin'] },
  { method: 'GET', path: '/organizer/trips/new', allowed: ['organizer', 'admin'] },
  {
    method: 'POST',
    path: '/organizer/trips/new',
    allowed: ['organizer', 'admin'],
    note: 'an empty form comes back with field errors (422)',
  },
  {
    method: 'GET',
    path: '/organizer/trips/:id/edit',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/edit',
    note: "another organizer's trip answers 404 (test/trips)",
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/edit',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/edit',
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/publish',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/publish',
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/deactivate',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/deactivate',
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/cancel',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/cancel',
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/duplicate',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/duplicate',
  },
  {
    method: 'POST',
    path: '/organizer/trips/:id/departures/:departureId/cancel',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/trips/999999/departures/1/cancel',
  },
];
