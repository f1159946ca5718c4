import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { managedOrganizerId } from '../auth/permissions.js';
import { managedDeparture } from './access.js';
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

export async function earnings(deps: Deps, actor: Actor): Promise<EarningsMonth[]> {
  const months = await qo.earningsByMonth(deps.db, managedOrganizerId(actor));
  return months.map((m) => ({ month: m.month, paidPaise: m.paid, refundedPaise: m.refunded, netPaise: m.net }));
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
  const lines = [['booking', 'status', 'payment', 'guest', 'name', 'phone', 'age', 'dietary', 'special requests']];
  for (const r of rows)
    lines.push([
      r.code,
      r.status,
      r.payment_status,
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
