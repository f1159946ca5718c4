import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay, formatMonth } from '../../src/lib/time.js';
import type { FieldErrors } from '../../src/lib/errors.js';

/** A UPI screenshot is served only to those who may see its booking (src/bookings/routes.tsx). */
const proofUrl = (bookingId: number, key: string, width: number) => `/bookings/${bookingId}/proofs/${key}-${width}.webp`;

export interface ProofRow {
  id: number;
  utr: string;
  screenshot_key: string;
  screenshot_width: number;
  screenshot_height: number;
  amount_paise: number;
  duplicate_utr: number;
  created_at: string;
  booking_id: number;
  code: string;
  guests: number;
  hold_expires_at: string | null;
  booking_status: string;
  refund_paise: number;
  title: string;
  start_date: string;
  traveler_name: string;
  traveler_phone: string | null;
}

export interface ManualRefundRow {
  id: number;
  amount_paise: number;
  reason: string;
  method: 'razorpay' | 'manual';
  code: string;
  booking_id: number;
  traveler_name: string;
  traveler_phone: string | null;
}

/** The organizer's queue: UPI proofs to check, and refunds to pay back by hand. */
export function VerificationsPage(p: { proofs: ProofRow[]; refunds: ManualRefundRow[]; errors?: FieldErrors; errorFor?: number }) {
  return (
    <section>
      <h1>Payments to verify</h1>
      {p.proofs.length === 0 && <p class="muted">Nothing waiting. New UPI payment proofs appear here.</p>}
      {p.proofs.map((x) => {
        const w = Math.min(640, x.screenshot_width);
        return (
          <article id={`proof-${x.id}`}>
            <header>
              <strong>{formatPaise(x.amount_paise)}</strong> · UTR <code>{x.utr}</code> · booking <a href={`/bookings/${x.booking_id}`}>{x.code}</a>
              {x.duplicate_utr === 1 && <p class="flash error" role="alert">This UTR was already used on another booking. Check carefully.</p>}
            </header>
            <p>{x.traveler_name}{x.traveler_phone && ` · ${x.traveler_phone}`} · {x.title}, {formatDay(x.start_date)} · {x.guests} guest{x.guests === 1 ? '' : 's'}</p>
            <p class="muted">Sent {formatDateTime(x.created_at)}{x.booking_status === 'pending' && x.hold_expires_at && <> · decide by {formatDateTime(x.hold_expires_at)}</>}</p>
            {x.booking_status === 'cancelled' && (
              <p class="flash error" role="alert">This booking was cancelled while its payment waited here. If the money arrived, verify it: {x.refund_paise > 0 ? `${formatPaise(x.refund_paise)} is then due back to the traveler.` : 'no refund is due under the policy.'}</p>
            )}
            {x.booking_status === 'confirmed' && <p class="flash error" role="alert">This booking was paid online meanwhile. If this UPI money arrived too, verify it: it is then due back to the traveler in full.</p>}
            <a href={proofUrl(x.booking_id, x.screenshot_key, w)}>
              <img src={proofUrl(x.booking_id, x.screenshot_key, w)} width={w} height={Math.round((x.screenshot_height * w) / x.screenshot_width)} loading="lazy" alt={`Payment screenshot for booking ${x.code}`} />
            </a>
            <form method="post" action={`/organizer/verifications/${x.id}/verify`} hx-boost="false">
              <button type="submit">Verify: money received</button>
            </form>
            <form method="post" action={`/organizer/verifications/${x.id}/reject`} hx-boost="false">
              <label>
                Reason to reject
                <input name="reason" maxlength={300} required aria-invalid={p.errorFor === x.id && p.errors?.reason ? 'true' : undefined} />
                {p.errorFor === x.id && p.errors?.reason && <small class="field-error">{p.errors.reason}</small>}
              </label>
              <button type="submit" class="secondary">{x.booking_status === 'pending' ? 'Reject and release the seats' : 'Reject: money not received'}</button>
            </form>
          </article>
        );
      })}
      {p.refunds.length > 0 && (
        <>
          <h2>Refunds to pay back</h2>
          {p.refunds.map((r) => (
            <article>
              <p>{formatPaise(r.amount_paise)} to {r.traveler_name}{r.traveler_phone && ` (${r.traveler_phone})`} · booking <a href={`/bookings/${r.booking_id}`}>{r.code}</a> · {r.reason}{r.method === 'razorpay' && ' · Razorpay could not send it: pay it back by UPI or bank transfer'}</p>
              <form method="post" action={`/organizer/refunds/${r.id}/done`} hx-boost="false">
                <button type="submit">I have paid it back</button>
              </form>
            </article>
          ))}
        </>
      )}
    </section>
  );
}

export interface OrgBookingRow {
  id: number;
  code: string;
  guests: number;
  amount_paise: number;
  status: string;
  payment_status: string;
  payment_method: string | null;
  departure_id: number;
  trip_id: number;
  title: string;
  start_date: string;
  capacity: number;
  seats_taken: number;
  departure_status: string;
  traveler_name: string;
}

/** Bookings grouped by departure, with the participants CSV and cancel links. */
export function OrganizerBookingsPage(p: { rows: OrgBookingRow[] }) {
  const groups = new Map<number, OrgBookingRow[]>();
  for (const r of p.rows) groups.set(r.departure_id, [...(groups.get(r.departure_id) ?? []), r]);
  return (
    <section>
      <h1>Bookings</h1>
      <nav aria-label="Money" class="quick-links"><ul><li><a href="/organizer/verifications">Payments to verify</a></li><li><a href="/organizer/earnings">Earnings</a></li></ul></nav>
      {groups.size === 0 && <p class="muted">No bookings yet.</p>}
      {[...groups.values()].map((rows) => {
        const d = rows[0];
        return (
          <article>
            <header>
              <strong>{d.title}</strong> · {formatDay(d.start_date)} · {d.seats_taken}/{d.capacity} seats taken{d.departure_status === 'cancelled' && ' · cancelled'}
            </header>
            <table class="records">
              <thead><tr><th>Code</th><th>Traveler</th><th>Guests</th><th>Amount</th><th>Status</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr><td><a href={`/bookings/${r.id}`}>{r.code}</a></td><td data-label="Traveler">{r.traveler_name}</td><td data-label="Guests">{r.guests}</td><td data-label="Amount">{formatPaise(r.amount_paise)}</td><td data-label="Status">{r.status} · {r.payment_status}</td></tr>
                ))}
              </tbody>
            </table>
            <footer>
              <a href={`/organizer/departures/${d.departure_id}/participants.csv`} hx-boost="false">Participants (CSV)</a>
              {d.departure_status === 'open' && <> · <a href={`/organizer/departures/${d.departure_id}/cancel`}>Cancel this departure</a></>}
            </footer>
          </article>
        );
      })}
    </section>
  );
}

export function CancelDeparturePage(p: { departure: { id: number; title: string; start_date: string }; active: number; errors?: FieldErrors }) {
  return (
    <section>
      <h1>Cancel {p.departure.title}, {formatDay(p.departure.start_date)}?</h1>
      <p>{p.active} booking{p.active === 1 ? '' : 's'} will be cancelled and refunded in full; every traveler is told by email and SMS.</p>
      <form method="post" action={`/organizer/departures/${p.departure.id}/cancel`} hx-boost="false">
        <label>
          Note to travelers <small class="muted">(optional)</small>
          <textarea name="note" maxlength={500} rows={3}></textarea>
          {p.errors?.note && <small class="field-error">{p.errors.note}</small>}
        </label>
        <button type="submit" class="secondary">Cancel the departure and refund everyone</button>
      </form>
    </section>
  );
}

export function EarningsPage(p: { months: { month: string; paid: number; refunded: number; net: number }[] }) {
  const total = p.months.reduce((a, m) => ({ paid: a.paid + m.paid, refunded: a.refunded + m.refunded, net: a.net + m.net }), { paid: 0, refunded: 0, net: 0 });
  return (
    <section>
      <h1>Earnings</h1>
      {p.months.length === 0 ? <p class="muted">No payments yet.</p> : (
        <table class="records">
          <thead><tr><th>Month</th><th>Paid</th><th>Refunded</th><th>Net</th></tr></thead>
          <tbody>
            {p.months.map((m) => <tr><td>{formatMonth(m.month)}</td><td data-label="Paid">{formatPaise(m.paid)}</td><td data-label="Refunded">{formatPaise(m.refunded)}</td><td data-label="Net">{formatPaise(m.net)}</td></tr>)}
          </tbody>
          <tfoot><tr><th>Total</th><th data-label="Paid">{formatPaise(total.paid)}</th><th data-label="Refunded">{formatPaise(total.refunded)}</th><th data-label="Net">{formatPaise(total.net)}</th></tr></tfoot>
        </table>
      )}
    </section>
  );
}
