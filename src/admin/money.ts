import type { Deps } from '../deps.js';
import { balanceOf } from '../bookings/deposits.js';
import { PER_PAGE, paged } from './paging.js';
import * as q from './queries.js';
import type { BookingFilter, PaymentFilter } from './schemas.js';
import type { AdminBooking, OrganizerChoice } from './types.js';

// /admin/bookings and /admin/payments: the filtered lists and their CSV exports.

export async function bookingsPage(deps: Pick<Deps, 'db'>, f: BookingFilter) {
  const [found, orgs] = await Promise.all([q.listBookings(deps.db, f, PER_PAGE), q.organizers(deps.db)]);
  const rows: AdminBooking[] = found.rows.map((r) => ({ ...r, outstanding_paise: balanceOf(r) }));
  return { ...paged({ ...found, rows }, f.page), organizers: orgs as OrganizerChoice[] };
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
    // Received so far (a deposit, or all of it) and the balance still owed after a deposit, by when.
    'received (₹)',
    'outstanding (₹)',
    'balance due',
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
        rupeesCell(r.paid_paise),
        rupeesCell(balanceOf(r)),
        balanceOf(r) > 0 ? r.balance_due_on : '',
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
