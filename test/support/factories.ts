import type { Deps } from '../../src/deps.js';
import type { Role } from '../../src/auth/tables.js';
import type { Difficulty, TripStatus } from '../../src/trips/tables.js';
import { createSession, SESSION_COOKIE } from '../../src/auth/session.js';
import { humanCode } from '../../src/lib/tokens.js';
import { putSetting } from '../../src/lib/settings.js';

let seq = 0;

export interface UserFields {
  role?: Role;
  name?: string;
  email?: string;
  phone?: string;
  upi_id?: string | null;
  password_hash?: string | null;
  verified?: boolean;
}

/** Inserts a user directly (no password flow); returns its id. */
export async function createUser(deps: Pick<Deps, 'db' | 'clock'>, f: UserFields = {}): Promise<number> {
  seq += 1;
  const now = deps.clock.now().toISOString();
  const role = f.role ?? 'traveler';
  const { id } = await deps.db
    .insertInto('users')
    .values({
      email: f.email ?? `${role}${seq}-${Math.random().toString(36).slice(2, 8)}@example.test`,
      name: f.name ?? `Test ${role} ${seq}`,
      phone: f.phone ?? `+9198${String(10000000 + seq).padStart(8, '0')}`,
      role,
      password_hash: f.password_hash ?? null,
      email_verified_at: f.verified === false ? null : now,
      phone_verified_at: f.verified === false ? null : now,
      upi_id: f.upi_id ?? (role === 'organizer' ? 'organizer@okaxis' : null),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A session for the user, as the Cookie header value a browser would send. */
export async function sessionCookie(deps: Pick<Deps, 'db' | 'clock'>, userId: number): Promise<string> {
  const { token } = await createSession(deps.db, deps.clock, userId);
  return `${SESSION_COOKIE}=${token}`;
}

/** A user of the role and their cookie, in one go. */
export async function signedIn(
  deps: Pick<Deps, 'db' | 'clock'>,
  f: UserFields = {},
): Promise<{ id: number; cookie: string }> {
  const id = await createUser(deps, f);
  return { id, cookie: await sessionCookie(deps, id) };
}

// Trips and bookings, inserted straight into the database: a test of one feature sets up the
// others' data without going through their forms.

let tripSeq = 0;

export interface DepartureFields {
  start?: string;
  end?: string;
  capacity?: number;
  taken?: number;
  status?: 'open' | 'cancelled';
}

export interface TripFields {
  /** An organizer is made when none is given. */
  organizerId?: number;
  title?: string;
  description?: string;
  destination?: string;
  region?: string;
  pricePaise?: number;
  categories?: string[];
  difficulty?: Difficulty;
  status?: TripStatus;
  refundPolicy?: { days: number; percent: number }[] | null;
  /** A deposit to book (a percentage, or paise per guest) and the balance due `dueDays` before the start. */
  deposit?: { kind: 'percent' | 'amount'; value: number; dueDays: number };
  meetingPoint?: string | null;
  createdAt?: string;
  /** The one departure's fields, when `departures` is not given. */
  capacity?: number;
  start?: string;
  end?: string;
  departures?: DepartureFields[];
}

/** A trip (active by default) with its departures (one by default); the ids of all three. */
export async function makeTrip(deps: Pick<Deps, 'db' | 'clock'>, f: TripFields = {}) {
  tripSeq += 1;
  const now = f.createdAt ?? deps.clock.now().toISOString();
  const organizerId =
    f.organizerId ??
    (await createUser(deps, { role: 'organizer', upi_id: 'hills@okaxis', name: `Organizer ${tripSeq}` }));
  const { id: tripId } = await deps.db
    .insertInto('trips')
    .values({
      organizer_id: organizerId,
      title: f.title ?? `Kedarkantha Trek ${tripSeq}`,
      description: f.description ?? 'Snow trek',
      destination: f.destination ?? 'Uttarakhand',
      region: f.region ?? 'Himalaya',
      price_paise: f.pricePaise ?? 1_200_000,
      difficulty: f.difficulty ?? 'beginner',
      categories: JSON.stringify(f.categories ?? []),
      included: '[]',
      requirements: '[]',
      itinerary: '',
      schedule: '[]',
      status: f.status ?? 'active',
      meeting_point: f.meetingPoint === undefined ? 'Dehradun railway station, 6 AM' : f.meetingPoint,
      refund_policy: f.refundPolicy ? JSON.stringify(f.refundPolicy) : null,
      ...(f.deposit
        ? { deposit_kind: f.deposit.kind, deposit_value: f.deposit.value, balance_due_days: f.deposit.dueDays }
        : {}),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const departureIds: number[] = [];
  for (const d of f.departures ?? [{ capacity: f.capacity, start: f.start, end: f.end }])
    departureIds.push(await addDeparture(deps, tripId, d));
  return { tripId, departureId: departureIds[0], departureIds, organizerId };
}

/** One more departure of a trip (10 seats from 10 March 2027 by default, five days long). */
export async function addDeparture(deps: Pick<Deps, 'db'>, tripId: number, d: DepartureFields = {}) {
  const start = d.start ?? '2027-03-10';
  const end = d.end ?? start.replace(/\d\d$/, (day) => String(Math.min(28, Number(day) + 4)).padStart(2, '0'));
  const { id } = await deps.db
    .insertInto('departures')
    .values({
      trip_id: tripId,
      start_date: start,
      end_date: end,
      capacity: d.capacity ?? 10,
      seats_taken: d.taken ?? 0,
      status: d.status ?? 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export interface BookingFields {
  trip: { tripId: number; departureId: number; organizerId: number };
  userId: number;
  code?: string;
  guests?: number;
  amountPaise?: number;
  status?: 'pending' | 'confirmed';
  paymentMethod?: 'upi' | 'online' | null;
  verification?: 'pending' | 'verified' | null;
  holdExpiresAt?: string | null;
  specialRequests?: string;
  /** The guests' names and phones, in order; none by default. */
  participants?: { name: string; phone: string; age?: number; dietary?: string }[];
}

let bookingSeq = 0;

/** A booking in the state given (pending and unpaid, or confirmed and paid), without the booking flow; its id. */
export async function makeBooking(deps: Pick<Deps, 'db' | 'clock'>, f: BookingFields): Promise<number> {
  bookingSeq += 1;
  const now = deps.clock.now().toISOString();
  const status = f.status ?? 'pending';
  const confirmed = status === 'confirmed';
  const { id } = await deps.db
    .insertInto('bookings')
    .values({
      code: f.code ?? humanCode(8),
      trip_id: f.trip.tripId,
      departure_id: f.trip.departureId,
      user_id: f.userId,
      organizer_id: f.trip.organizerId,
      guests: f.guests ?? 1,
      amount_paise: f.amountPaise ?? 1_200_000,
      status,
      payment_method: f.paymentMethod === undefined ? (confirmed ? 'online' : null) : f.paymentMethod,
      payment_status: confirmed ? 'paid' : 'pending',
      verification_status: f.verification ?? null,
      hold_expires_at:
        f.holdExpiresAt === undefined
          ? confirmed
            ? null
            : new Date(deps.clock.now().getTime() + 3_600_000).toISOString()
          : f.holdExpiresAt,
      special_requests: f.specialRequests ?? '',
      confirmed_at: confirmed ? now : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const people = f.participants ?? [];
  if (people.length > 0) {
    await deps.db
      .insertInto('booking_participants')
      .values(
        people.map((p, position) => ({
          booking_id: id,
          position,
          name: p.name,
          phone: p.phone,
          age: p.age ?? 30,
          dietary: p.dietary ?? '',
        })),
      )
      .execute();
  }
  return id;
}

/**
 * Lifts the per-traveler caps on unpaid seats (their checks still run): for benches and load
 * tests where a few travelers book again and again.
 */
export async function liftSeatCaps(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  await putSetting(deps.db, deps.clock, 'maxHeldSeatsPerTraveler', 1_000_000);
  await putSetting(deps.db, deps.clock, 'maxUnpaidSeatsPerTraveler', 1_000_000);
}
