import type { Role } from './tables.js';

/**
 * The one permission matrix (SPEC "Roles and permissions"). Ownership rules sit on top of
 * it as named predicates below; routes ask for a permission, services check ownership.
 */
export const PERMISSIONS = {
  'trips:read': ['traveler', 'organizer', 'agent', 'admin'],
  'trips:create': ['organizer', 'admin'],
  'trips:update': ['organizer', 'admin'],
  'trips:delete': ['organizer', 'admin'],
  'trips:moderate': ['admin'],
  'bookings:create': ['traveler', 'admin'],
  'bookings:read': ['traveler', 'organizer', 'agent', 'admin'],
  'bookings:verify': ['organizer', 'admin'],
  'billing:autopay': ['organizer', 'admin'],
  'reviews:create': ['traveler', 'admin'],
  'reviews:moderate': ['admin'],
  'tickets:create': ['traveler', 'organizer', 'agent', 'admin'],
  'tickets:manage': ['agent', 'admin'],
  'users:read': ['agent', 'admin'],
  'users:manage': ['admin'],
  'messages:send': ['agent', 'admin'],
  'platform:admin': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Whoever acts on a service verb: the signed-in user, as services see them. */
export interface Actor {
  id: number;
  role: Role;
}

/** An organizer touches only their own trips; an admin touches all. */
export const canManageTrip = (actor: Actor, trip: { organizer_id: number }) =>
  actor.role === 'admin' || (actor.role === 'organizer' && trip.organizer_id === actor.id);

/** Only the traveler who booked acts on a booking as its traveler (pays, cancels); an admin may act for them. */
export const canActAsTraveler = (actor: Actor, booking: { user_id: number }) =>
  actor.role === 'admin' || booking.user_id === actor.id;

/** Whose trips' bookings an actor's lists show: their own, or (an admin) everyone's, as null. */
export const managedOrganizerId = (actor: Actor): number | null => (actor.role === 'admin' ? null : actor.id);

/** A traveler sees only their own bookings; the trip's organizer and staff see them too. */
export const canSeeBooking = (actor: Actor, booking: { user_id: number; organizer_id: number }) =>
  actor.role === 'admin' || actor.role === 'agent' || booking.user_id === actor.id || booking.organizer_id === actor.id;
