/**
 * What each role's dashboard shows, widget by widget: the data the service loads and the views
 * (views/dashboards/) render. Views import these, never the service.
 */
import type { Role } from '../auth/tables.js';
import type { TripStatus } from '../trips/tables.js';
import type { BookingStatus } from '../bookings/tables.js';
import type { Account, AccountListItem } from '../auth/types.js';
import type { SubscriptionView } from '../billing/types.js';

export type { Account } from '../auth/types.js';

/** What the agent's dashboard was asked (its customer search). */
export interface BoardInput {
  q?: string;
}

// ---------------------------------------------------------------- organizer

export interface DepartureFill {
  id: number;
  tripId: number;
  title: string;
  startDate: string;
  capacity: number;
  /** Seats held by pending bookings plus seats of confirmed ones. */
  seatsTaken: number;
  /** seatsTaken of capacity, whole per cent. */
  fillPercent: number;
}

export interface NewBooking {
  id: number;
  code: string;
  title: string;
  guests: number;
  amountPaise: number;
  /** What was received when only the deposit is in (the balance still owed); null otherwise. */
  depositPaidPaise: number | null;
  status: BookingStatus;
  createdAt: string;
}

export interface WeekEarnings {
  /** The Monday the week starts (India). */
  weekStart: string;
  paidPaise: number;
  refundedPaise: number;
  netPaise: number;
}

export type OrganizerAlert =
  | { kind: 'proof-overdue'; bookingId: number; code: string; title: string; dueAt: string }
  | { kind: 'under-filled'; tripId: number; title: string; startDate: string; capacity: number; seatsTaken: number };

export interface OrganizerDashboard {
  profile: Account;
  /** `included`: the active trips the running period includes; more stay open, but none can be published. */
  trips: { active: number; drafts: number; included: number };
  departures: DepartureFill[];
  newBookings: { total: number; days: number; latest: NewBooking[] };
  verifications: { pending: number; oldestAt: string | null };
  refunds: { count: number; paise: number };
  earnings: WeekEarnings[];
  subscription: SubscriptionView | null;
  alerts: OrganizerAlert[];
}

// ---------------------------------------------------------------- traveler

export interface TripBooking {
  id: number;
  code: string;
  title: string;
  guests: number;
  startDate: string;
  endDate: string;
}

export interface ActionBooking {
  id: number;
  code: string;
  title: string;
  startDate: string;
  amountPaise: number;
  /** When the seats go back on sale unless paid; null when the hold has no end. */
  holdExpiresAt: string | null;
  /** A pending booking whose proof the organizer asked to be sent again (a rejected proof otherwise releases the booking). */
  proofRejected: boolean;
  /** A confirmed booking's balance, due by this day; null for a held booking. */
  balanceDueOn: string | null;
}

export interface PastTrip {
  id: number;
  code: string;
  tripId: number;
  title: string;
  startDate: string;
  endDate: string;
  /** Where the traveler reviews this trip: set while a completed booking of it awaits their review. */
  reviewHref: string | null;
}

export interface TravelerDashboard {
  profile: Account;
  upcoming: TripBooking[];
  needingAction: ActionBooking[];
  past: PastTrip[];
}

// ---------------------------------------------------------------- agent

export interface CustomerSearch {
  /** What was searched for; empty until the agent searches. */
  q: string;
  results: AccountListItem[];
  total: number;
}

/** The support desk at a glance: the active queue, and the agent's own tickets. */
export interface TicketQueue {
  active: number;
  mine: { open: number; resolvedThisWeek: number; medianFirstResponseMinutes: number | null };
}

export interface AgentDashboard {
  profile: Account;
  tickets: TicketQueue;
  customers: CustomerSearch;
}

// ---------------------------------------------------------------- admin

export interface MonthGrowth {
  /** YYYY-MM, India. */
  month: string;
  users: number;
  bookings: number;
}

export interface FailingJob {
  name: string;
  lastRunAt: string;
  detail: string | null;
  /** Failed runs in the last day. */
  failuresToday: number;
}

export interface AdminDashboard {
  profile: Account;
  users: Record<Role, number>;
  trips: Record<TripStatus, number>;
  bookings: Record<BookingStatus, number>;
  gmv: { totalPaise: number; monthPaise: number };
  subscriptionRevenue: { totalPaise: number; monthPaise: number };
  growth: MonthGrowth[];
  failingJobs: FailingJob[];
  outbox: { pending: number; sending: number; failed: number; oldestDue: string | null };
}
