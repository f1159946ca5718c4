import type { RouteAccess, Who } from './types.js';

const signedIn: Who[] = ['traveler', 'organizer', 'agent', 'admin'];

/** Every route the accounts feature registers (src/auth/routes.tsx, src/admin/users.tsx). */
export const accountsAccess: RouteAccess[] = [
  { method: 'GET', path: '/register', allowed: 'all', note: 'signed-in users are sent to /dashboard' },
  { method: 'POST', path: '/register', allowed: 'all' },
  { method: 'GET', path: '/login', allowed: 'all', note: 'signed-in users are sent to /dashboard' },
  { method: 'POST', path: '/login', allowed: 'all' },
  { method: 'POST', path: '/logout', allowed: 'all' },
  {
    method: 'GET',
    path: '/verify-email',
    allowed: 'all',
    sample: '/verify-email?token=nope',
    note: 'the confirm page (verifies nothing); 400 for a bad token, for anyone',
  },
  {
    method: 'POST',
    path: '/verify-email',
    allowed: 'all',
    note: 'verifies the posted token; 400 for a bad one, for anyone',
  },
  { method: 'POST', path: '/verify-email/resend', allowed: signedIn },
  { method: 'GET', path: '/forgot-password', allowed: 'all' },
  { method: 'POST', path: '/forgot-password', allowed: 'all' },
  { method: 'GET', path: '/forgot-password/sent', allowed: 'all' },
  { method: 'GET', path: '/reset-password', allowed: 'all', sample: '/reset-password?token=nope' },
  { method: 'POST', path: '/reset-password', allowed: 'all' },
  { method: 'GET', path: '/verify-phone', allowed: signedIn },
  { method: 'POST', path: '/verify-phone/send', allowed: signedIn },
  { method: 'POST', path: '/verify-phone', allowed: signedIn },
  { method: 'GET', path: '/auth/google', allowed: 'all', note: '404 when Google sign-in is not configured' },
  { method: 'GET', path: '/auth/google/callback', allowed: 'all', note: '400 without the state cookie' },
  { method: 'GET', path: '/complete-profile', allowed: signedIn },
  { method: 'POST', path: '/complete-profile', allowed: signedIn },
  { method: 'GET', path: '/me', allowed: signedIn },
  { method: 'POST', path: '/me', allowed: signedIn },
  { method: 'POST', path: '/me/phone', allowed: signedIn },
  { method: 'POST', path: '/me/password', allowed: signedIn },
  { method: 'POST', path: '/me/organizer', allowed: ['organizer'] },
  { method: 'POST', path: '/me/sign-out-everywhere', allowed: signedIn },
  { method: 'GET', path: '/admin/users', allowed: ['admin'] },
  { method: 'POST', path: '/admin/users', allowed: ['admin'] },
  { method: 'POST', path: '/admin/users/:id/role', allowed: ['admin'], sample: '/admin/users/999999/role' },
  { method: 'POST', path: '/admin/users/:id/status', allowed: ['admin'], sample: '/admin/users/999999/status' },
];
