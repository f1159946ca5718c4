import { formatPaise } from '../../src/lib/money.js';
import { BOOKING_STATUS, paymentText } from './booking.js';
import { formatDateTime, formatDay, formatMonth } from '../../src/lib/time.js';
import type { FieldErrors } from '../../src/lib/errors.js';
import type {
  DepartureToCancel,
  EarningsMonth,
  OrganizerBookingRow,
  RefundDue,
  VerificationItem,
} from '../../src/bookings/types.js';

/** A UPI screenshot is served only to those who may see its booking (src/bookings/routes.tsx). */
const proofUrl = (bookingId: number, key: string, width: number) =>
  `/bookings/${bookingId}/proofs/${key}-${width}.webp`;

/** The organizer's queue: UPI proofs to check, and refunds to pay back by hand. */
export function VerificationsPage(p: {
  proofs: VerificationItem[];
  refunds: RefundDue[];
  /** How long a booking stays held after the organizer asks for its proof again. */
  resendHours: number;
  errors?: FieldErrors;
  errorFor?: number;
}) {
  return (
    <section id="verification-queue">
      <h1>Payments to verify</h1>
      {p.proofs.length === 0 && <p class="muted">Nothing waiting. New UPI payment proofs appear here.</p>}
      {p.proofs.map((x) => {
        const w = Math.min(640, x.screenshot.width);
        return (
          <article id={`proof-${x.id}`}>
            <header>
              <strong>{formatPaise(x.amountPaise)}</strong> · UTR <code>{x.utr}</code> · booking{' '}
              <a href={`/bookings/${x.bookingId}`}>{x.code}</a>
              {x.duplicateUtr && (
                <p class="flash error" role="alert">
                  This UTR was already used on another booking. Check carefully.
                </p>
              )}
            </header>
            <p>
              {x.travelerName}
              {x.travelerPhone && ` · ${x.travelerPhone}`} · {x.title}, {formatDay(x.startDate)} · {x.guests} guest
              {x.guests === 1 ? '' : 's'}
            </p>
            <p class="muted">
              Sent {formatDateTime(x.createdAt)}
              {x.bookingStatus === 'pending' && x.holdExpiresAt && <> · decide by {formatDateTime(x.holdExpiresAt)}</>}
            </p>
            {x.bookingStatus === 'cancelled' && (
              <p class="flash error" role="alert">
                This booking was cancelled while its payment waited here. If the money arrived, verify it:{' '}
                {x.refundPaise > 0
                  ? `${formatPaise(x.refundPaise)} is then due back to the traveler.`
                  : 'no refund is due under the policy.'}
              </p>
            )}
            {x.moveTo && (
              <p class="move-payment">
                A payment for moving this booking to <strong>{formatDay(x.moveTo)}</strong>: verifying it moves the
                booking (or, when the seats are gone, the money is due back); rejecting it leaves the booking where it
                is.
              </p>
            )}
            {x.bookingStatus === 'confirmed' && !x.moveTo && (
              <p class="flash error" role="alert">
                This booking was paid online meanwhile. If this UPI money arrived too, verify it: it is then due back to
                the traveler in full.
              </p>
            )}
            <a href={proofUrl(x.bookingId, x.screenshot.key, w)}>
              <img
                src={proofUrl(x.bookingId, x.screenshot.key, w)}
                width={w}
                height={Math.round((x.screenshot.height * w) / x.screenshot.width)}
                loading="lazy"
                alt={`Payment screenshot for booking ${x.code}`}
              />
            </a>
            <form method="post" action={`/organizer/verifications/${x.id}/verify`} hx-boost="false">
              <button type="submit">Verify: money received</button>
            </form>
            <form method="post" action={`/organizer/verifications/${x.id}/reject`} hx-boost="false">
              <label>
                Reason to reject
                <input
                  name="reason"
                  maxlength={300}
                  required
                  aria-invalid={p.errorFor === x.id && p.errors?.reason ? 'true' : undefined}
                />
                {p.errorFor === x.id && p.errors?.reason && <small class="field-error">{p.errors.reason}</small>}
              </label>
              <button type="submit" class="secondary">
                {x.bookingStatus === 'pending' ? 'Reject and release the seats' : 'Reject: money not received'}
              </button>
            </form>
            {x.bookingStatus === 'pending' && (
              <form method="post" action={`/organizer/verifications/${x.id}/resend`} hx-boost="false">
                <label>
                  What should the traveler fix?
                  <input
                    name="fix"
                    maxlength={300}
                    required
                    aria-invalid={p.errorFor === x.id && p.errors?.fix ? 'true' : undefined}
                  />
                  {p.errorFor === x.id && p.errors?.fix && <small class="field-error">{p.errors.fix}</small>}
                </label>
                <button type="submit" class="secondary">
                  Ask to resend (seats held {p.resendHours} hours)
                </button>
              </form>
            )}
          </article>
        );
      })}
      {p.refunds.length > 0 && (
        <>
          <h2>Refunds to pay back</h2>
          {p.refunds.map((r) => (
            <article>
              <p>
                {formatPaise(r.amountPaise)} to {r.travelerName}
                {r.travelerPhone && ` (${r.travelerPhone})`} · booking <a href={`/bookings/${r.bookingId}`}>{r.code}</a>{' '}
                · {r.reason}
                {r.method === 'razorpay' && ' · Razorpay could not send it: pay it back by UPI or bank transfer'}
              </p>
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

/** Bookings grouped by departure, with the participants CSV and cancel links. */
export function OrganizerBookingsPage(p: { rows: OrganizerBookingRow[] }) {
  const groups = new Map<number, OrganizerBookingRow[]>();
  for (const r of p.rows) groups.set(r.departureId, [...(groups.get(r.departureId) ?? []), r]);
  return (
    <section id="organizer-bookings">
      <h1>Bookings</h1>
      <nav aria-label="Money" class="quick-links">
        <ul>
          <li>
            <a href="/organizer/verifications">Payments to verify</a>
          </li>
          <li>
            <a href="/organizer/earnings">Earnings</a>
          </li>
        </ul>
      </nav>
      {groups.size === 0 && <p class="muted">No bookings yet.</p>}
      {[...groups.values()].map((rows) => {
        const d = rows[0];
        return (
          <article>
            <header>
              <strong>{d.title}</strong> · {formatDay(d.startDate)} · {d.seatsTaken}/{d.capacity} seats taken
              {d.departureStatus === 'cancelled' && ' · cancelled'} ·{' '}
              <a href={`/organizer/departures/${d.departureId}/waitlist`}>Waitlist</a>
            </header>
            <table class="records">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Traveler</th>
                  <th>Guests</th>
                  <th>Amount</th>
                  <th>Paid</th>
                  <th>Outstanding</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>
                      <a href={`/bookings/${r.id}`}>{r.code}</a>
                    </td>
                    <td data-label="Traveler">{r.travelerName}</td>
                    <td data-label="Guests">{r.guests}</td>
                    <td data-label="Amount">{formatPaise(r.amountPaise)}</td>
                    <td data-label="Paid">{formatPaise(r.paidPaise)}</td>
                    <td data-label="Outstanding">
                      {r.outstandingPaise > 0 ? (
                        <>
                          {formatPaise(r.outstandingPaise)}
                          {r.balanceDueOn && <small> by {formatDay(r.balanceDueOn)}</small>}
                        </>
                      ) : (
                        '–'
                      )}
                    </td>
                    <td data-label="Status">
                      {BOOKING_STATUS[r.status] ?? r.status} · {paymentText(r)}
                      {r.status === 'confirmed' && (
                        <>
                          {' '}
                          · <a href={`/organizer/bookings/${r.id}/move`}>Move</a>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <footer>
              <a href={`/organizer/departures/${d.departureId}/participants.csv`} hx-boost="false">
                Participants (CSV)
              </a>
              {d.departureStatus === 'open' && (
                <>
                  {' '}
                  · <a href={`/organizer/departures/${d.departureId}/cancel`}>Cancel this departure</a>
                </>
              )}
            </footer>
          </article>
        );
      })}
    </section>
  );
}

export function CancelDeparturePage(p: { departure: DepartureToCancel; active: number; errors?: FieldErrors }) {
  return (
    <section>
      <h1>
        Cancel {p.departure.title}, {formatDay(p.departure.startDate)}?
      </h1>
      <p>
        {p.active} booking{p.active === 1 ? '' : 's'} will be cancelled and refunded in full; every traveler is told by
        email and SMS.
      </p>
      <form method="post" action={`/organizer/departures/${p.departure.id}/cancel`} hx-boost="false">
        <label>
          Note to travelers <small class="muted">(optional)</small>
          <textarea name="note" maxlength={500} rows={3}></textarea>
          {p.errors?.note && <small class="field-error">{p.errors.note}</small>}
        </label>
        <button type="submit" class="secondary">
          Cancel the departure and refund everyone
        </button>
      </form>
    </section>
  );
}

export function EarningsPage(p: { months: EarningsMonth[]; outstandingPaise: number }) {
  const total = p.months.reduce(
    (a, m) => ({ paid: a.paid + m.paidPaise, refunded: a.refunded + m.refundedPaise, net: a.net + m.netPaise }),
    { paid: 0, refunded: 0, net: 0 },
  );
  return (
    <section>
      <h1>Earnings</h1>
      <p id="outstanding">
        Money received is counted when it arrives. Balances still owed on confirmed bookings:{' '}
        <strong>{formatPaise(p.outstandingPaise)}</strong>
      </p>
      {p.months.length === 0 ? (
        <p class="muted">No payments yet.</p>
      ) : (
        <table class="records">
          <thead>
            <tr>
              <th>Month</th>
              <th>Paid</th>
              <th>Refunded</th>
              <th>Net</th>
            </tr>
          </thead>
          <tbody>
            {p.months.map((m) => (
              <tr>
                <td>{formatMonth(m.month)}</td>
                <td data-label="Paid">{formatPaise(m.paidPaise)}</td>
                <td data-label="Refunded">{formatPaise(m.refundedPaise)}</td>
                <td data-label="Net">{formatPaise(m.netPaise)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>Total</th>
              <th data-label="Paid">{formatPaise(total.paid)}</th>
              <th data-label="Refunded">{formatPaise(total.refunded)}</th>
              <th data-label="Net">{formatPaise(total.net)}</th>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
