import { describe, expect, it } from 'vitest';
import { can, canManageTrip, canSeeBooking, PERMISSIONS, type Permission } from '../../src/auth/permissions.js';
import type { Role } from '../../src/auth/tables.js';

const ROLES: Role[] = ['traveler', 'organizer', 'agent', 'admin'];
const granted = (role: Role) => (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p)).sort();

describe('the permission matrix', () => {
  it('gives an admin every permission', () => {
    expect(granted('admin')).toEqual((Object.keys(PERMISSIONS) as Permission[]).sort());
  });

  it('gives a traveler trips read, bookings create/read, reviews and tickets, and nothing else', () => {
    expect(granted('traveler')).toEqual([
      'bookings:create',
      'bookings:read',
      'reviews:create',
      'tickets:create',
      'trips:read',
    ]);
  });

  it('gives an organizer trips CRUD, bookings read/verify and auto-pay, and nothing else', () => {
    expect(granted('organizer')).toEqual([
      'billing:autopay',
      'bookings:read',
      'bookings:verify',
      'tickets:create',
      'trips:create',
      'trips:delete',
      'trips:read',
      'trips:update',
    ]);
  });

  it('gives an agent tickets, reading users and bookings, and sending messages — never managing users or trips', () => {
    expect(granted('agent')).toEqual([
      'bookings:read',
      'messages:send',
      'tickets:create',
      'tickets:manage',
      'trips:read',
      'users:read',
    ]);
    for (const p of ['users:manage', 'trips:update', 'platform:admin', 'bookings:verify'] as Permission[])
      expect(can('agent', p)).toBe(false);
  });

  it('lets only admins manage users and the platform', () => {
    for (const role of ROLES) {
      expect(can(role, 'users:manage')).toBe(role === 'admin');
      expect(can(role, 'platform:admin')).toBe(role === 'admin');
    }
  });
});

describe('ownership on top of the matrix', () => {
  it('an organizer manages only their own trips; an admin manages all; others none', () => {
    expect(canManageTrip({ id: 1, role: 'organizer' }, { organizer_id: 1 })).toBe(true);
    expect(canManageTrip({ id: 2, role: 'organizer' }, { organizer_id: 1 })).toBe(false);
    expect(canManageTrip({ id: 9, role: 'admin' }, { organizer_id: 1 })).toBe(true);
    expect(canManageTrip({ id: 1, role: 'traveler' }, { organizer_id: 1 })).toBe(false);
    expect(canManageTrip({ id: 1, role: 'agent' }, { organizer_id: 1 })).toBe(false);
  });

  it('a traveler sees only their own bookings; the trip’s organizer and staff see them too', () => {
    const booking = { user_id: 5, organizer_id: 7 };
    expect(canSeeBooking({ id: 5, role: 'traveler' }, booking)).toBe(true);
    expect(canSeeBooking({ id: 6, role: 'traveler' }, booking)).toBe(false);
    expect(canSeeBooking({ id: 7, role: 'organizer' }, booking)).toBe(true);
    expect(canSeeBooking({ id: 8, role: 'organizer' }, booking)).toBe(false);
    expect(canSeeBooking({ id: 1, role: 'agent' }, booking)).toBe(true);
    expect(canSeeBooking({ id: 2, role: 'admin' }, booking)).toBe(true);
  });
});
