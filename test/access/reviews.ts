import type { RouteAccess } from './types.js';

const signedIn: RouteAccess['allowed'] = ['traveler', 'organizer', 'agent', 'admin'];

/** Every route of the reviews feature (src/reviews/routes.tsx) and its admin page (src/admin/reviews.tsx). Samples point at ids that do not exist, so those let through get 404. */
export const reviewsAccess: RouteAccess[] = [
  {
    method: 'GET',
    path: '/reviews',
    allowed: ['traveler', 'admin'],
    note: "the traveler's reviews and trips to review",
  },
  {
    method: 'GET',
    path: '/bookings/:id/review',
    allowed: ['traveler', 'admin'],
    sample: '/bookings/999999/review',
    note: "only the booking's own traveler; anyone else's booking answers 404",
  },
  { method: 'POST', path: '/bookings/:id/review', allowed: ['traveler', 'admin'], sample: '/bookings/999999/review' },
  {
    method: 'GET',
    path: '/reviews/:id/report',
    allowed: signedIn,
    sample: '/reviews/999999/report',
    note: 'anyone signed in reports a visible review',
  },
  { method: 'POST', path: '/reviews/:id/report', allowed: signedIn, sample: '/reviews/999999/report' },
  { method: 'GET', path: '/organizer/reviews', allowed: ['organizer', 'admin'] },
  {
    method: 'POST',
    path: '/organizer/reviews/:id/reply',
    allowed: ['organizer', 'admin'],
    sample: '/organizer/reviews/999999/reply',
    note: "only the reviewed trip's organizer; anyone else gets 404",
  },
  { method: 'GET', path: '/admin/reviews', allowed: ['admin'] },
  { method: 'POST', path: '/admin/reviews/:id/hide', allowed: ['admin'], sample: '/admin/reviews/999999/hide' },
  { method: 'POST', path: '/admin/reviews/:id/restore', allowed: ['admin'], sample: '/admin/reviews/999999/restore' },
];
