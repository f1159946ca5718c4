import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import type { Role } from '../auth/tables.js';
import type { TripStatus } from '../trips/tables.js';
import type { BookingStatus } from '../bookings/tables.js';
import { accountSummary } from '../auth/accounts.js';
import { listAccounts } from '../auth/account-admin.js';
import { listingsIncluded } from '../billing/listings.js';
import { subscriptionOf } from '../billing/subscription-page.js';
import { reviewInvites } from '../reviews/service.js';
import { agentStats } from '../support/agent-stats.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { DAY } from '../lib/clock.js';
import { istDate } from '../lib/time.js';
import * as q from './queries.js';
import type {
  AdminDashboard,
  AgentDashboard,
  BoardInput,
  OrganizerAlert,
  OrganizerDashboard,
  TravelerDashboard,
} from './types.js';

type Ctx = Pick<Deps, 'db' | 'clock'>;

// ---------------------------------------------------------------- India calendar

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** The instant an India calendar day begins, as UTC ISO. */
const dayStartIso = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();
/** The Monday of the India week holding `day`. */
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
/** `YYYY-MM` shifted by `n` months. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- boards

type Loaders<T> = { [K in keyof T]: (deps: Ctx, actor: Actor, input: BoardInput) => Promise<T[K]> };

/**
 * A role's dashboard: named widgets, each loaded by one function (one named query, or another
 * feature's service), so the page loads them all and a widget's own route (for live updates
 * to swap in) loads one.
 */
export interface Board<T> {
  role: Role;
  widgets: readonly (keyof T & string)[];
  all(deps: Ctx, actor: Actor, input?: BoardInput): Promise<T>;
  one<K extends keyof T>(deps: Ctx, actor: Actor, name: K, input?: BoardInput): Promise<T[K]>;
  /** The widget of that name, or a 404. */
  widget(name: string): keyof T & string;
}

function board<T>(role: Role, loaders: Loaders<T>): Board<T> {
  const widgets = Object.keys(loaders) as (keyof T & string)[];
  const own = (actor: Actor) => {
    // Each role sees its own dashboard only; an admin has theirs.
    if (actor.role !== role) throw new ForbiddenError();
  };
  return {
    role,
    widgets,
    async all(deps, actor, input = {}) {
      own(actor);
      const values = await Promise.all(widgets.map((k) => loaders[k](deps, actor, input)));
      return Object.fromEntries(widgets.map((k, i) => [k, values[i]])) as T;
    },
    async one(deps, actor, name, input = {}) {
      own(actor);
      return loaders[name](deps, actor, input);
    },
    widget(name) {
      if (!(widgets as string[]).includes(name)) throw new NotFoundError('No such dashboard widget');
      return name as keyof T & string;
    },
  };
}

const profile = (deps: Ctx, actor: Actor) => accountSummary(deps, actor.id);

// ---------------------------------------------------------------- organizer

/** Days a booking counts as new. */
export const NEW_BOOKING_DAYS = 7;
/** Weeks of earnings the chart shows. */
export const EARNING_WEEKS = 12;
/** A departure starting within this many days with fewer seats taken than UNDER_FILLED_PERCENT is an alert. */
export const UNDER_FILLED_DAYS = 7;
export const UNDER_FILLED_PERCENT = 50;

export const organizerBoard = board<OrganizerDashboard>('organizer', {
  profile,
  async trips(deps, actor) {
    const [rows, included] = await Promise.all([
      q.organizerTripCounts(deps.db, actor.id),
      listingsIncluded(deps.db, actor.id),
    ]);
    const of = (s: TripStatus) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { active: of('active'), drafts: of('draft'), included };
  },
  async departures(deps, actor) {
    const rows = await q.upcomingDepartures(deps.db, actor.id, istDate(deps.clock.now()), 5);
    return rows.map((d) => ({
      id: d.id,
      tripId: d.trip_id,
      title: d.title,
      startDate: d.start_date,
      capacity: d.capacity,
      seatsTaken: d.seats_taken,
      fillPercent: d.capacity > 0 ? Math.round((d.seats_taken * 100) / d.capacity) : 0,
    }));
  },
  async newBookings(deps, actor) {
    const since = new Date(deps.clock.now().getTime() - NEW_BOOKING_DAYS * DAY).toISOString();
    const rows = await q.newBookings(deps.db, actor.id, since, 5);
    return {
      total: Number(rows[0]?.total ?? 0),
      days: NEW_BOOKING_DAYS,
      latest: rows.map((b) => ({
        id: b.id,
        code: b.code,
        title: b.title,
        guests: b.guests,
        amountPaise: b.amount_paise,
        depositPaidPaise: b.status === 'confirmed' && b.payment_status === 'pending' ? b.paid_paise : null,
        status: b.status,
        createdAt: b.created_at,
      })),
    };
  },
  async verifications(deps, actor) {
    const r = await q.pendingVerifications(deps.db, actor.id);
    return { pending: Number(r.n), oldestAt: r.oldest ?? null };
  },
  async refunds(deps, actor) {
    const r = await q.refundsToPayBack(deps.db, actor.id);
    return { count: Number(r.n), paise: Number(r.paise) };
  },
  async earnings(deps, actor) {
    const first = addDays(mondayOf(istDate(deps.clock.now())), -7 * (EARNING_WEEKS - 1));
    const end = addDays(first, 7 * EARNING_WEEKS);
    const rows = await q.weeklyEarnings(deps.db, actor.id, dayStartIso(first), dayStartIso(end));
    return Array.from({ length: EARNING_WEEKS }, (_, i) => {
      const r = rows.find((w) => w.week === i);
      const paid = r?.paid ?? 0;
      const refunded = r?.refunded ?? 0;
      return { weekStart: addDays(first, 7 * i), paidPaise: paid, refundedPaise: refunded, netPaise: paid - refunded };
    });
  },
  subscription: (deps, actor) => subscriptionOf(deps, actor.id),
  async alerts(deps, actor) {
    const now = deps.clock.now();
    const today = istDate(now);
    const rows = await q.organizerAlerts(deps.db, actor.id, {
      nowIso: now.toISOString(),
      today,
      weekAhead: addDays(today, UNDER_FILLED_DAYS),
      percent: UNDER_FILLED_PERCENT,
    });
    return rows.map((a): OrganizerAlert =>
      a.kind === 'proof-overdue'
        ? { kind: a.kind, bookingId: a.booking_id!, code: a.code!, title: a.title, dueAt: a.due_at! }
        : {
            kind: a.kind,
            tripId: a.trip_id,
            title: a.title,
            startDate: a.start_date,
            capacity: a.capacity,
            seatsTaken: a.seats_taken,
          },
    );
  },
});

// ---------------------------------------------------------------- traveler

export const travelerBoard = board<TravelerDashboard>('traveler', {
  profile,
  async upcoming(deps, actor) {
    const rows = await q.upcomingTrips(deps.db, actor.id, istDate(deps.clock.now()), 10);
    return rows.map((b) => ({
      id: b.id,
      code: b.code,
      title: b.title,
      guests: b.guests,
      startDate: b.start_date,
      endDate: b.end_date,
    }));
  },
  async needingAction(deps, actor) {
    const rows = await q.bookingsNeedingAction(deps.db, actor.id, deps.clock.now().toISOString());
    return rows.map((b) => ({
      id: b.id,
      code: b.code,
      title: b.title,
      startDate: b.start_date,
      // What is paid now: the deposit when one was chosen, the balance once it is paid.
      amountPaise: b.status === 'confirmed' ? b.amount_paise - b.paid_paise : b.deposit_paise || b.amount_paise,
      balanceDueOn: b.status === 'confirmed' ? b.balance_due_on : null,
      holdExpiresAt: b.hold_expires_at,
      proofRejected: b.status === 'pending' && b.verification_status === 'rejected',
    }));
  },
  async past(deps, actor) {
    const [rows, awaiting] = await Promise.all([
      q.pastTrips(deps.db, actor.id, istDate(deps.clock.now()), 5),
      reviewInvites(deps, actor.id),
    ]);
    const toReview = new Set(awaiting.map((b) => b.id));
    return rows.map((b) => ({
      id: b.id,
      code: b.code,
      tripId: b.trip_id,
      title: b.title,
      startDate: b.start_date,
      endDate: b.end_date,
      reviewHref: toReview.has(b.id) ? `/bookings/${b.id}/review` : null,
    }));
  },
});

// ---------------------------------------------------------------- agent

/** Customers shown for one search on the dashboard. */
export const CUSTOMER_RESULTS = 10;

export const agentBoard = board<AgentDashboard>('agent', {
  profile,
  async tickets(deps, actor) {
    const stats = await agentStats(deps, actor);
    const me = stats.agents.find((a) => a.agentId === actor.id);
    return {
      active: stats.activeTickets,
      mine: {
        open: me?.open ?? 0,
        resolvedThisWeek: me?.resolvedThisWeek ?? 0,
        medianFirstResponseMinutes: me?.medianFirstResponseMinutes ?? null,
      },
    };
  },
  async customers(deps, _actor, input) {
    const term = input.q ?? '';
    if (!term) return { q: '', results: [], total: 0 };
    const found = await listAccounts(deps, { q: term, role: '', page: 1 }, CUSTOMER_RESULTS);
    return { q: term, results: found.rows, total: found.total };
  },
});

// ---------------------------------------------------------------- admin

/** Months of growth the chart shows. */
export const GROWTH_MONTHS = 12;

const ROLES: Role[] = ['traveler', 'organizer', 'agent', 'admin'];
const TRIP_STATUSES: TripStatus[] = ['active', 'draft', 'inactive', 'completed', 'cancelled'];
const BOOKING_STATUSES: BookingStatus[] = ['pending', 'confirmed', 'completed', 'cancelled'];

/** Counts per key, zero for a key no row has. */
function countsOf<K extends string>(keys: K[], rows: [string, number][]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const [k, n] of rows) if (k in out) out[k as K] = Number(n);
  return out;
}

const thisMonthIso = (deps: Ctx) => dayStartIso(`${istDate(deps.clock.now()).slice(0, 7)}-01`);

export const adminBoard = board<AdminDashboard>('admin', {
  profile,
  users: async (deps) =>
    countsOf(
      ROLES,
      (await q.usersByRole(deps.db)).map((r) => [r.role, r.n]),
    ),
  trips: async (deps) =>
    countsOf(
      TRIP_STATUSES,
      (await q.tripsByStatus(deps.db)).map((r) => [r.status, r.n]),
    ),
  bookings: async (deps) =>
    countsOf(
      BOOKING_STATUSES,
      (await q.bookingsByStatus(deps.db)).map((r) => [r.status, r.n]),
    ),
  async gmv(deps) {
    const r = await q.gmv(deps.db, thisMonthIso(deps));
    return { totalPaise: Number(r.total), monthPaise: Number(r.month) };
  },
  async subscriptionRevenue(deps) {
    const r = await q.subscriptionRevenue(deps.db, thisMonthIso(deps));
    return { totalPaise: Number(r.total), monthPaise: Number(r.month) };
  },
  async growth(deps) {
    const first = addMonths(istDate(deps.clock.now()).slice(0, 7), -(GROWTH_MONTHS - 1));
    const months = Array.from({ length: GROWTH_MONTHS }, (_, i) => {
      const month = addMonths(first, i);
      return { month, start: dayStartIso(`${month}-01`), end: dayStartIso(`${addMonths(month, 1)}-01`) };
    });
    return q.monthlyGrowth(deps.db, months);
  },
  async failingJobs(deps) {
    const rows = await q.failingJobs(deps.db, new Date(deps.clock.now().getTime() - DAY).toISOString());
    return rows.map((j) => ({ name: j.name, lastRunAt: j.started_at, detail: j.detail, failuresToday: j.failures }));
  },
  async outbox(deps) {
    const rows = await q.outboxBacklog(deps.db);
    const of = (s: string) => rows.find((r) => r.status === s);
    return {
      pending: Number(of('pending')?.n ?? 0),
      sending: Number(of('sending')?.n ?? 0),
      failed: Number(of('failed')?.n ?? 0),
      oldestDue: of('pending')?.oldest ?? null,
    };
  },
});
