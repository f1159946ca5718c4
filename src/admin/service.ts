import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { emptyWal } from '../lib/storage.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { IMAGE_WIDTHS, removeImage } from '../lib/images.js';
import { getSettings, putSetting, type RefundRule } from '../lib/settings.js';
import { istDate } from '../lib/time.js';
import { enqueue } from '../notifications/outbox.js';
import { MAX_ATTEMPTS } from '../notifications/delivery.js';
import { eraseNotificationsOf, outboxStatusCounts, retryFailedMessage } from '../notifications/service.js';
import { planSettings } from '../billing/plan.js';
import { eraseReviewText } from '../reviews/service.js';
import { eraseTicketText } from '../support/service.js';
import * as emails from '../../views/admin/emails.js';
import * as q from './queries.js';
import type {
  AuditFilter,
  BookingFilter,
  BookingSettingsInput,
  OutboxFilter,
  PaymentFilter,
  PlatformSettingsInput,
  TripFilter,
} from './schemas.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config' | 'log'>;
const PER_PAGE = 50;
const paged = <T>(found: { rows: T[]; total: number }, page: number) => ({
  rows: found.rows,
  total: found.total,
  page,
  pages: Math.max(1, Math.ceil(found.total / PER_PAGE)),
});
export type Paged<T> = ReturnType<typeof paged<T>>;

// ---------------------------------------------------------------- bookings and payments

export type AdminBooking = Awaited<ReturnType<typeof q.listBookings>>['rows'][number];
export type AdminPayment = Awaited<ReturnType<typeof q.listPayments>>['rows'][number];
export type OrganizerChoice = { id: number; name: string };

export async function bookingsPage(deps: Pick<Deps, 'db'>, f: BookingFilter) {
  const [found, orgs] = await Promise.all([q.listBookings(deps.db, f, PER_PAGE), q.organizers(deps.db)]);
  return { ...paged(found, f.page), organizers: orgs as OrganizerChoice[] };
}

export async function paymentsPage(deps: Pick<Deps, 'db'>, f: PaymentFilter) {
  const [found, orgs] = await Promise.all([q.listPayments(deps.db, f, PER_PAGE), q.organizers(deps.db)]);
  return { ...paged(found, f.page), organizers: orgs as OrganizerChoice[] };
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a cell a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
export function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (cells: (string | number | null)[]) => cells.map(csvCell).join(',') + '\r\n';
/** Paise as rupees with two decimals ("1499.00"), what the header's "(₹)" promises. */
export const rupeesCell = (paise: number) => (paise / 100).toFixed(2);

const EXPORT_BATCH = 500;

/** The filtered bookings as CSV lines, read 500 at a time (by id), so an export of any size streams. */
export async function* bookingsCsv(deps: Pick<Deps, 'db'>, f: Omit<BookingFilter, 'page'>): AsyncGenerator<string> {
  yield csvLine([
    'booking',
    'created (IST)',
    'status',
    'payment',
    'method',
    'trip id',
    'trip',
    'departure',
    'organizer id',
    'organizer',
    'traveler',
    'guests',
    'amount (₹)',
    'refunded (₹)',
  ]);
  for (let after = 0; ;) {
    const rows = await q.bookingsAfter(deps.db, f, after, EXPORT_BATCH);
    for (const r of rows)
      yield csvLine([
        r.code,
        istStamp(r.created_at),
        r.status,
        r.payment_status,
        r.payment_method,
        r.trip_id,
        r.trip_title,
        r.start_date,
        r.organizer_id,
        r.organizer_name,
        r.traveler_name,
        r.guests,
        rupeesCell(r.amount_paise),
        rupeesCell(r.refund_paise),
      ]);
    if (rows.length < EXPORT_BATCH) return;
    after = rows[rows.length - 1].id;
  }
}

export async function* paymentsCsv(deps: Pick<Deps, 'db'>, f: Omit<PaymentFilter, 'page'>): AsyncGenerator<string> {
  yield csvLine([
    'payment id',
    'paid (IST)',
    'created (IST)',
    'status',
    'method',
    'reference',
    'booking',
    'trip id',
    'trip',
    'organizer id',
    'organizer',
    'amount (₹)',
  ]);
  for (let after = 0; ;) {
    const rows = await q.paymentsAfter(deps.db, f, after, EXPORT_BATCH);
    for (const r of rows)
      yield csvLine([
        r.id,
        r.paid_at ? istStamp(r.paid_at) : '',
        istStamp(r.created_at),
        r.status,
        r.method,
        r.razorpay_payment_id ?? r.utr ?? '',
        r.booking_code,
        r.trip_id,
        r.trip_title,
        r.organizer_id,
        r.organizer_name,
        rupeesCell(r.amount_paise),
      ]);
    if (rows.length < EXPORT_BATCH) return;
    after = rows[rows.length - 1].id;
  }
}

/** "2026-12-03 14:05" in India: sortable in a spreadsheet. */
const istStamp = (iso: string) => new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ');

// ---------------------------------------------------------------- trips (moderation)

export type AdminTrip = Awaited<ReturnType<typeof q.listTrips>>['rows'][number];

export async function tripsPage(deps: Pick<Deps, 'db'>, f: TripFilter) {
  const [found, orgs] = await Promise.all([q.listTrips(deps.db, f, PER_PAGE), q.organizers(deps.db)]);
  return { ...paged(found, f.page), organizers: orgs as OrganizerChoice[] };
}

async function moderationMessage(deps: Ctx, trx: Deps['db'], trip: { title: string; organizer_name: string }) {
  const s = await getSettings(trx);
  return {
    brand: s.platformName,
    name: trip.organizer_name,
    title: trip.title,
    link: `${deps.config.publicUrl}/organizer/trips`,
    contact: [s.contactEmail, s.contactPhone].filter(Boolean).join(', '),
  };
}

/**
 * An admin takes an active trip out of discovery, with a reason the organizer is emailed (in
 * the same transaction). The organizer cannot publish it again; only an admin reactivates it.
 */
export async function deactivateTrip(deps: Ctx, actor: Actor, id: number, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await q.tripWithOrganizer(trx, id);
    if (!trip) throw new NotFoundError();
    if (trip.moderated_at) throw new Conflict('This trip is already deactivated by an admin.');
    const now = isoNow(deps.clock);
    if (!(await q.moderateTrip(trx, id, reason, now)))
      throw new Conflict(`Only an active trip can be deactivated; this one is ${trip.status}.`);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'trip.deactivated_by_admin',
      targetType: 'trip',
      targetId: id,
      before: { status: trip.status },
      after: { status: 'inactive', reason },
    });
    const m = { ...(await moderationMessage(deps, trx, trip)), reason };
    if (trip.organizer_status !== 'deleted')
      await enqueue(trx, deps, {
        channel: 'email',
        to: trip.organizer_email,
        template: 'trip-deactivated',
        subject: emails.tripDeactivatedSubject(m),
        text: emails.tripDeactivatedText(m),
        html: emails.tripDeactivatedHtml(m),
      });
  });
}

export async function reactivateTrip(deps: Ctx, actor: Actor, id: number, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await q.tripWithOrganizer(trx, id);
    if (!trip) throw new NotFoundError();
    if (trip.organizer_status === 'deleted') throw new Conflict('The organizer of this trip was deleted.');
    if (!(await q.unmoderateTrip(trx, id, isoNow(deps.clock))))
      throw new Conflict('Only a trip an admin deactivated can be reactivated here.');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'trip.reactivated_by_admin',
      targetType: 'trip',
      targetId: id,
      before: { status: 'inactive', reason: trip.moderation_reason },
      after: { status: 'active', reason },
    });
    const m = { ...(await moderationMessage(deps, trx, trip)), reason };
    await enqueue(trx, deps, {
      channel: 'email',
      to: trip.organizer_email,
      template: 'trip-reactivated',
      subject: emails.tripReactivatedSubject(m),
      text: emails.tripReactivatedText(m),
      html: emails.tripReactivatedHtml(m),
    });
  });
}

// ---------------------------------------------------------------- users (erasure)

export interface ErasureSubject {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  /** Bookings not over yet (pending, or confirmed on a departure that has not ended), as traveler or organizer. */
  openBookings: number;
}

export async function erasureSubject(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  id: number,
): Promise<ErasureSubject> {
  const u = await q.userForErasure(deps.db, id);
  if (!u || u.status === 'deleted') throw new NotFoundError();
  if (u.id === actor.id) throw new Conflict('You cannot delete your own account; ask another admin.');
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    phone: u.phone,
    role: u.role,
    openBookings: await q.openBookingsOf(deps.db, id, istDate(deps.clock.now())),
  };
}

const ERASED = '[erased]';
const nationalDigits = (phone: string) => (phone.startsWith('+91') ? phone.slice(3) : phone.replace(/^\+/, ''));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Message tables, where the person's name is swept too (elsewhere a short name could match a trip's words). */
const MESSAGE_COLUMNS = new Set([
  'outbox.payload',
  'dev_messages.subject',
  'dev_messages.text',
  'dev_messages.html',
  // Other people's in-app notifications name them too ("New booking from …").
  'notifications.title',
  'notifications.body',
]);

/**
 * Deletes a person with erasure: the account becomes a "Deleted user" placeholder (name,
 * email, phone, photo, bio, organizer profile, UPI ID gone), they are signed out everywhere
 * and their Google link removed; what they typed on their bookings (guests, special
 * requests), their UPI screenshots and every message to them are removed. Then every TEXT
 * column of every table is swept for their old email and phone (and, in messages, their
 * name). Bookings, payments, refunds and charges keep their amounts: an organizer's earnings
 * add up as before. Refused while they have bookings that are not over (cancel them first).
 * An erased organizer's trips become inactive (out of discovery for good); their bookings stay.
 */
export async function eraseUser(deps: Ctx, actor: Actor, id: number, confirm: string): Promise<void> {
  const subject = await erasureSubject(deps, actor, id);
  if (confirm !== subject.email.toLowerCase())
    throw new DomainError(`Type the account's email (${subject.email}) to confirm.`, 'confirm');
  if (subject.openBookings > 0)
    throw new Conflict(
      `This account has ${subject.openBookings} booking(s) that are not over yet. Cancel them (or wait until their trips end) first.`,
    );
  // Every connection deletes securely (db.ts): what the transaction replaces is overwritten.
  const files = await eraseRows(deps, actor, id);
  // Older versions of the pages (WAL frames from before) go too.
  if (!(await emptyWal(deps.db)))
    deps.log.warn(
      'erasure: the WAL could not be emptied (busy); older page versions stay in it until the next checkpoint',
    );
  // Files go once the rows that point at them are gone (a failed transaction leaves both).
  if (files.photo) await removeImage(deps.config.dataDir, files.photo, files.photoWidth ? [files.photoWidth] : [320]);
  for (const p of files.proofs) {
    // Screenshots are stored at 640 and 1280 px (never wider than sent); older ones sat in public uploads.
    const widths = [...new Set([640, 1280].map((w) => Math.min(w, p.width)))];
    await removeImage(deps.config.dataDir, p.key, widths, 'proofs');
    await removeImage(deps.config.dataDir, p.key, widths, 'public');
  }
  for (const i of files.ticketImages) await removeImage(deps.config.dataDir, i.key, i.widths, 'proofs');
  for (const p of files.pending)
    await removeImage(deps.config.dataDir, p.key, [...new Set([...IMAGE_WIDTHS, Math.min(p.width, 320)])]);
}

/** The erasure's one transaction; returns the files to delete once it has committed. */
function eraseRows(deps: Ctx, actor: Actor, id: number) {
  return deps.db.transaction().execute(async (trx) => {
    const u = (await q.userForErasure(trx, id))!;
    const proofs = await q.proofScreenshotsOf(trx, id);
    const pending = await q.pendingPhotosOf(trx, id);
    await q.eraseAccountRows(trx, u, isoNow(deps.clock));
    // Review titles, comments, replies and report details are free text: replaced whole, the ratings kept.
    await eraseReviewText(trx, deps.clock, id);
    const ticketImages = await eraseTicketText(trx, deps.clock, id);
    await eraseNotificationsOf(trx, id);
    // The national digits are inside the E.164 number too: searching for them finds both.
    const needles = [u.email, ...(u.phone ? [nationalDigits(u.phone)] : [])];
    const nameRe = u.name.trim().length >= 4 ? new RegExp(escapeRe(u.name.trim()), 'gi') : null;
    const re = new RegExp([u.email, ...(u.phone ? [u.phone] : []), ...needles.slice(1)].map(escapeRe).join('|'), 'gi');
    const nameNeedle = nameRe ? [u.name.trim()] : [];
    for (const { table, columns } of await q.textColumns(trx)) {
      const inMessages = (c: string) => nameRe !== null && MESSAGE_COLUMNS.has(`${table}.${c}`);
      const find = columns.some(inMessages) ? [...needles, ...nameNeedle] : needles;
      for (const row of await q.rowsMentioning(trx, table, columns, find)) {
        // A counter keyed by the address (rate limits) is deleted, not renamed: keys must stay unique.
        if (table === 'rate_limits') {
          await q.deleteRow(trx, table, row.rid);
          continue;
        }
        const changed: Record<string, string> = {};
        for (const c of columns) {
          const before = row[c];
          if (typeof before !== 'string') continue;
          let after = before.replace(re, ERASED);
          if (inMessages(c)) after = after.replace(nameRe!, ERASED);
          if (after !== before) changed[c] = after;
        }
        if (Object.keys(changed).length > 0) await q.setCells(trx, table, row.rid, changed);
      }
    }
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'user.erased',
      targetType: 'user',
      targetId: id,
      before: { role: u.role, status: u.status },
      after: { status: 'deleted' },
    });
    return { photo: u.photo, photoWidth: u.photo_width, proofs, pending, ticketImages };
  });
}

// ---------------------------------------------------------------- settings

export interface BookingSettings {
  holdMinutes: number;
  maxUnpaidSeatsPerTraveler: number;
  refundPolicy: RefundRule[];
}
export interface PlatformSettings {
  platformName: string;
  contactEmail: string;
  contactPhone: string;
}

export async function settingsPage(deps: Pick<Deps, 'db'>) {
  const [plan, s] = await Promise.all([planSettings(deps), getSettings(deps.db)]);
  const bookings: BookingSettings = {
    holdMinutes: s.holdMinutes,
    maxUnpaidSeatsPerTraveler: s.maxUnpaidSeatsPerTraveler,
    refundPolicy: s.refundPolicy,
  };
  const platform: PlatformSettings = {
    platformName: s.platformName,
    contactEmail: s.contactEmail,
    contactPhone: s.contactPhone,
  };
  return { plan, bookings, platform };
}

/** Saves the changed settings of one section in one transaction, audited with before and after. */
async function saveSettings<T extends Record<string, unknown>>(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  section: string,
  after: T,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = (await getSettings(trx)) as unknown as Record<string, unknown>;
    const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    for (const k of changed) await putSetting(trx, deps.clock, k as never, after[k] as never);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: `settings.${section}_changed`,
      targetType: 'settings',
      targetId: section,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  });
}

/** Hold expiry and the cap on unpaid seats apply to the next booking; the refund policy to trips created from now on (each trip keeps its own). */
export const changeBookingSettings = (deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: BookingSettingsInput) =>
  saveSettings(deps, actor, 'bookings', input);

export const changePlatformSettings = (deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: PlatformSettingsInput) =>
  saveSettings(deps, actor, 'platform', input);

// ---------------------------------------------------------------- outbox and audit

export type AdminMessage = Awaited<ReturnType<typeof q.listOutbox>>['rows'][number];

export async function outboxPage(deps: Deps, f: OutboxFilter) {
  const [counts, found, kinds] = await Promise.all([
    outboxStatusCounts(deps),
    q.listOutbox(deps.db, f, PER_PAGE),
    q.outboxKinds(deps.db),
  ]);
  return { counts, ...paged(found, f.page), kinds, maxAttempts: MAX_ATTEMPTS };
}

/** A failed message gets a fresh set of attempts (audited by the notifications feature). */
export const retryMessage = (deps: Deps, actor: Actor, id: number) => retryFailedMessage(deps, actor.id, id);

export interface AuditRow {
  id: number;
  actorId: number | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: string | null;
  after: string | null;
  createdAt: string;
}

export async function auditPage(deps: Pick<Deps, 'db'>, f: AuditFilter) {
  const [found, actions] = await Promise.all([q.listAudit(deps.db, f, PER_PAGE), q.auditActions(deps.db)]);
  const rows = found.rows.map((r): AuditRow => ({
    id: r.id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    createdAt: r.created_at,
  }));
  return { ...paged({ rows, total: found.total }, f.page), actions };
}
