import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { managedOrganizerId } from '../auth/permissions.js';
import { managedDeparture } from './access.js';
import { balanceOf } from './deposits.js';
import * as qo from './queries-organizer.js';
import type { EarningsMonth, OrganizerBookingRow } from './types.js';

/** The organizer's bookings: the list, earnings by month, a departure's participants as CSV. */

export async function organizerBookings(
  deps: Deps,
  actor: Actor,
  tripId?: number,
  departureId?: number,
): Promise<OrganizerBookingRow[]> {
  const rows = await qo.organizerBookings(deps.db, managedOrganizerId(actor), tripId, departureId);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    guests: r.guests,
    amountPaise: r.amount_paise,
    status: r.status,
    paymentStatus: r.payment_status,
    refundPaise: r.refund_paise,
    paidPaise: r.paid_paise,
    outstandingPaise: balanceOf(r),
    balanceDueOn: r.balance_due_on,
    paymentMethod: r.payment_method,
    departureId: r.departure_id,
    tripId: r.trip_id,
    title: r.title,
    startDate: r.start_date,
    capacity: r.capacity,
    seatsTaken: r.seats_taken,
    departureStatus: r.departure_status,
    travelerName: r.traveler_name,
  }));
}

/** Money received and refunded by month, and the balances still owed (promised, not counted as earned). */
export async function earnings(
  deps: Deps,
  actor: Actor,
): Promise<{ months: EarningsMonth[]; outstandingPaise: number }> {
  const org = managedOrganizerId(actor);
  const [months, outstandingPaise] = await Promise.all([
    qo.earningsByMonth(deps.db, org),
    qo.outstandingBalances(deps.db, org),
  ]);
  return {
    months: months.map((m) => ({ month: m.month, paidPaise: m.paid, refundedPaise: m.refunded, netPaise: m.net })),
    outstandingPaise,
  };
}

/** Participants of a departure as CSV; cells that a spreadsheet would run as formulas are defused. */
export async function participantsCsv(
  deps: Deps,
  actor: Actor,
  departureId: number,
): Promise<{ filename: string; csv: string }> {
  const d = await managedDeparture(deps, actor, departureId);
  const rows = await qo.participantsOfDeparture(deps.db, departureId);
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^\+\d{7,15}$/.test(s)) s = `'${s}`; // a phone number stays a phone number
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    [
      'booking',
      'status',
      'payment',
      'paid (INR)',
      'outstanding (INR)',
      'guest',
      'name',
      'phone',
      'age',
      'dietary',
      'special requests',
    ],
  ];
  // Money once per booking, on its first guest's line, so a column's sum is the departure's.
  const rupees = (paise: number) => (paise / 100).toFixed(2);
  for (const r of rows)
    lines.push([
      r.code,
      r.status,
      r.payment_status,
      r.position === 1 ? rupees(r.paid_paise) : '',
      r.position === 1 && r.status === 'confirmed' ? rupees(Math.max(0, r.amount_paise - r.paid_paise)) : '',
      String(r.position),
      r.name,
      r.phone,
      String(r.age),
      r.dietary,
      r.position === 1 ? r.special_requests : '',
    ]);
  return {
    filename: `participants-${d.start_date}-${departureId}.csv`,
    csv: lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n',
  };
}
