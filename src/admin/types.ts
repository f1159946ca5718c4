/** The admin console's domain types, as its views get them. */
import type * as q from './queries.js';
import type { RefundRule } from '../lib/settings.js';
import type { LatestBackup } from '../backups/service.js';
import type { StorageStatus } from '../platform/service.js';
import type { outboxStatusCounts } from '../notifications/service.js';
import type { JobSummary } from './jobs.js';

/** One page of a console list. */
export interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
}

/** A booking as the console lists it: what it costs, what was received, and the balance still owed after a deposit. */
export type AdminBooking = Awaited<ReturnType<typeof q.listBookings>>['rows'][number] & { outstanding_paise: number };
export type AdminPayment = Awaited<ReturnType<typeof q.listPayments>>['rows'][number];
export type OrganizerChoice = { id: number; name: string };
export type AdminTrip = Awaited<ReturnType<typeof q.listTrips>>['rows'][number];
export type AdminMessage = Awaited<ReturnType<typeof q.listOutbox>>['rows'][number];

export interface ErasureSubject {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  /** Bookings not over yet (pending, or confirmed on a departure that has not ended), as traveler or organizer. */
  openBookings: number;
}

export interface BookingSettings {
  holdMinutes: number;
  /** Hours seats offered from a waitlist stay held for that traveler. */
  waitlistOfferHours: number;
  maxUnpaidSeatsPerTraveler: number;
  refundPolicy: RefundRule[];
}
export interface PlatformSettings {
  platformName: string;
  contactEmail: string;
  contactPhone: string;
}

export interface AuditRow {
  id: number;
  actorId: number | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: string | null;
  after: string | null;
  /** The money the entry records, in rupees ("amount ₹12,000 → ₹10,000 · refund ₹2,000"); empty when none. */
  amounts: string;
  createdAt: string;
}

/** What an operator checks on /admin/system. */
export interface SystemOverview {
  version: string;
  uptimeSeconds: number;
  storage: StorageStatus;
  lowDisk: boolean;
  backup: LatestBackup | null;
  /** The backup job's last run, ok or failed. */
  backupRun: JobSummary['last'];
  /** Why the backups need a look, or null when the newest is fresh and the last run went well. */
  backupWarning: string | null;
  outbox: Awaited<ReturnType<typeof outboxStatusCounts>>;
  jobs: JobSummary[];
}
