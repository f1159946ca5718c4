import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';

export interface BookingView {
  id: number;
  code: string;
  title: string;
  trip_id: number;
  destination: string;
  meeting_point: string | null;
  start_date: string;
  end_date: string;
  guests: number;
  amount_paise: number;
  status: string;
  cancel_reason: string | null;
  payment_method: string | null;
  payment_status: string;
  verification_status: string | null;
  hold_expires_at: string | null;
  special_requests: string;
  refund_paise: number;
  confirmed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  traveler_name: string;
  organizer_name: string;
  org_display_name: string | null;
}

export interface BookingPageProps {
  booking: BookingView;
  participants: { position: number; name: string; phone: string; age: number; dietary: string }[];
  payments: { method: string; amount_paise: number; status: string; paid_at: string | null; utr: string | null; razorpay_payment_id: string | null }[];
  refunds: { amount_paise: number; method: string; status: string; reason: string; processed_at: string | null; created_at: string }[];
  proofs: { utr: string; status: string; reason: string | null; created_at: string }[];
  preview: { daysBefore: number; percent: number; paid: number; refund: number } | null;
  isTraveler: boolean;
}

const STATUS: Record<string, string> = { pending: 'Waiting for payment', confirmed: 'Confirmed', cancelled: 'Cancelled', completed: 'Completed' };
const REASON: Record<string, string> = { expired: 'not paid in time', traveler: 'by you', organizer: 'by the organizer', payment_rejected: 'payment not accepted', proof_expired: 'payment not checked in time' };

export const statusText = (b: Pick<BookingView, 'status' | 'verification_status' | 'cancel_reason'>) =>
  b.status === 'pending' && b.verification_status === 'pending' ? 'Payment being checked' : b.status === 'cancelled' && b.cancel_reason ? `Cancelled (${REASON[b.cancel_reason] ?? b.cancel_reason})` : STATUS[b.status] ?? b.status;

export function BookingPage(p: BookingPageProps) {
  const b = p.booking;
  const steps: [string, string | null][] = [
    ['Booked', b.created_at],
    ...p.proofs.map((x): [string, string | null] => [`UPI proof sent (UTR ${x.utr})${x.status === 'rejected' ? ` — rejected: ${x.reason ?? ''}` : x.status === 'verified' ? ' — verified' : ''}`, x.created_at]),
    ...p.payments.filter((x) => x.paid_at).map((x): [string, string | null] => [`Paid ${formatPaise(x.amount_paise)} (${x.method === 'upi' ? 'UPI' : 'online'})`, x.paid_at]),
    ['Confirmed', b.confirmed_at],
    ['Cancelled', b.cancelled_at],
    ...p.refunds.map((r): [string, string | null] => [`Refund ${formatPaise(r.amount_paise)} ${r.status === 'processed' ? 'sent' : r.method === 'manual' || r.status === 'failed' ? 'due from the organizer' : 'on its way'}`, r.processed_at ?? r.created_at]),
  ];
  return (
    <section>
      <hgroup>
        <h1>{b.title}</h1>
        <p>{formatDay(b.start_date)} – {formatDay(b.end_date)} · booking <strong>{b.code}</strong></p>
      </hgroup>
      <p id="booking-status"><strong>{statusText(b)}</strong></p>
      {b.status === 'pending' && p.isTraveler && b.verification_status !== 'pending' && (
        <p>
          {b.hold_expires_at && <>Seats held until {formatDateTime(b.hold_expires_at)}. </>}
          <a href={`/bookings/${b.id}/pay`} role="button">Pay {formatPaise(b.amount_paise)}</a>
        </p>
      )}
      {b.status === 'confirmed' && (
        <p>
          <a href={`/bookings/${b.id}/pass`} role="button">Booking pass</a> <a href={`/bookings/${b.id}/booking.ics`} role="button" class="secondary" hx-boost="false">Add to calendar</a>
        </p>
      )}
      <h2>Timeline</h2>
      <ol>
        {steps.filter(([, at]) => at).sort((x, y) => (x[1]! < y[1]! ? -1 : 1)).map(([what, at]) => <li>{what} <small class="muted">{formatDateTime(at!)}</small></li>)}
      </ol>
      <h2>Payment</h2>
      <p>
        {formatPaise(b.amount_paise)} for {b.guests} guest{b.guests === 1 ? '' : 's'} · {b.payment_status}
        {b.payment_method && <> · {b.payment_method === 'upi' ? 'UPI' : b.payment_method}</>}
        {b.refund_paise > 0 && <> · refund {formatPaise(b.refund_paise)}</>}
      </p>
      <h2>Participants</h2>
      <ul>
        {p.participants.map((x) => <li>{x.name}{x.age > 0 && `, ${x.age}`} · {x.phone}{x.dietary && ` · ${x.dietary}`}</li>)}
      </ul>
      {b.special_requests && <p>Special requests: {b.special_requests}</p>}
      <p>Organizer: {b.org_display_name ?? b.organizer_name}{b.meeting_point && <> · meeting point: {b.meeting_point}</>}</p>
      {p.preview && p.isTraveler && (
        <p><a href={`/bookings/${b.id}/cancel`}>Cancel this booking</a></p>
      )}
    </section>
  );
}

/** What a traveler does next with a booking, as one button (or nothing while the organizer checks a UPI payment). */
function NextAction(p: { b: BookingView }) {
  const b = p.b;
  if (b.status === 'pending' && b.verification_status !== 'pending') return <a role="button" href={`/bookings/${b.id}/pay`}>Pay {formatPaise(b.amount_paise)} or send UPI proof</a>;
  if (b.status === 'confirmed') return <a role="button" href={`/bookings/${b.id}/pass`}>Booking pass</a>;
  return null;
}

/** A booking in a traveler's list: trip, dates, guests, status and the next step. */
function BookingCard(p: { b: BookingView }) {
  const b = p.b;
  return (
    <article class="booking-card">
      <h3><a href={`/bookings/${b.id}`}>{b.title}</a></h3>
      <p>{formatDay(b.start_date)} – {formatDay(b.end_date)} · {b.guests} guest{b.guests === 1 ? '' : 's'} · <small class="muted">{b.code}</small></p>
      <p><strong>{statusText(b)}</strong>{b.status === 'pending' && b.hold_expires_at && b.verification_status !== 'pending' && <small class="muted"> · seats held until {formatDateTime(b.hold_expires_at)}</small>}</p>
      <NextAction b={b} />
    </article>
  );
}

export function BookingsListPage(p: { upcoming: BookingView[]; past: BookingView[]; cancelled: BookingView[] }) {
  const list = (rows: BookingView[], empty: string) =>
    rows.length === 0 ? <p class="muted">{empty}</p> : <div class="cards">{rows.map((b) => <BookingCard b={b} />)}</div>;
  return (
    <section>
      <h1>My bookings</h1>
      <h2>Upcoming</h2>
      {list(p.upcoming, 'No upcoming trips yet.')}
      <h2>Past</h2>
      {list(p.past, 'No past trips.')}
      <h2>Cancelled</h2>
      {list(p.cancelled, 'Nothing cancelled.')}
      <p><a href="/trips">Find a trek</a></p>
    </section>
  );
}

/** Printable pass: what the organizer checks at the start. */
export function PassPage(p: { booking: BookingView; participants: BookingPageProps['participants'] }) {
  const b = p.booking;
  return (
    <article>
      <header>
        <h1>Booking pass</h1>
        <p class="muted">TrekTribe</p>
      </header>
      <h2>{b.code}</h2>
      <img src={`/bookings/${b.id}/pass-qr.svg`} width={180} height={180} alt={`QR code of booking ${b.code}`} />
      <p><strong>{b.title}</strong><br />{formatDay(b.start_date)} – {formatDay(b.end_date)} · {b.destination}</p>
      <p>Meeting point: {b.meeting_point ?? 'the organizer will tell you'}</p>
      <p>{b.guests} guest{b.guests === 1 ? '' : 's'}: {p.participants.map((x) => x.name).join(', ')}</p>
      <p>Organizer: {b.org_display_name ?? b.organizer_name} · paid {formatPaise(b.amount_paise)}</p>
      <footer class="no-print"><a href={`/bookings/${b.id}`}>Back to the booking</a> · print this page or show it on your phone</footer>
    </article>
  );
}

/** A refund policy's tiers, most generous first. */
export const RefundPolicyList = (p: { policy: { minDays: number; percent: number }[] }) => (
  <ul>
    {[...p.policy].sort((x, y) => y.minDays - x.minDays).map((r) => <li>{r.minDays > 0 ? `${r.minDays} or more days before the start` : 'Later'}: {r.percent}% back</li>)}
  </ul>
);

export function CancelPage(p: { booking: BookingView; preview: NonNullable<BookingPageProps['preview']>; policy: { minDays: number; percent: number }[] }) {
  const b = p.booking;
  const pv = p.preview;
  return (
    <section>
      <h1>Cancel booking {b.code}?</h1>
      <p>{b.title}, {formatDay(b.start_date)} — {pv.daysBefore} day{pv.daysBefore === 1 ? '' : 's'} from now.</p>
      {pv.paid > 0 ? (
        <p id="refund-preview">Under this trip's policy you get back <strong>{formatPaise(pv.refund)}</strong> ({pv.percent}% of {formatPaise(pv.paid)}){b.verification_status === 'pending' ? ', paid back by the organizer to your UPI account once they have found your payment' : b.payment_method === 'upi' ? ', paid back by the organizer to your UPI account' : ', refunded to how you paid'}.</p>
      ) : (
        <p id="refund-preview">You have not paid, so nothing is refunded; the seats are released.</p>
      )}
      <details>
        <summary>Cancellation policy</summary>
        <RefundPolicyList policy={p.policy} />
      </details>
      <form method="post" action={`/bookings/${b.id}/cancel`} hx-boost="false">
        <button type="submit" class="secondary">Yes, cancel my booking</button>
      </form>
      <p><a href={`/bookings/${b.id}`}>Keep my booking</a></p>
    </section>
  );
}

