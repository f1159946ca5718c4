import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';
import type {
  BookingDetails,
  BookingSummary,
  Participant,
  PaymentRecord,
  PendingMove,
  RefundPreview,
  RefundRecord,
  UpiProofRecord,
} from '../../src/bookings/types.js';
import { PendingMoveNotice } from './move.js';

export interface BookingPageProps {
  booking: BookingDetails;
  participants: Participant[];
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  proofs: UpiProofRecord[];
  preview: RefundPreview | null;
  isTraveler: boolean;
  pendingMove: PendingMove | null;
}

/** A booking's status as people read it. */
export const BOOKING_STATUS: Record<string, string> = {
  pending: 'Waiting for payment',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  completed: 'Completed',
};
const REASON: Record<string, string> = {
  expired: 'not paid in time',
  traveler: 'by you',
  organizer: 'by the organizer',
  payment_rejected: 'payment not accepted',
  proof_expired: 'payment not checked in time',
  proof_not_resent: 'no new payment proof in time',
  balance_unpaid: 'balance not paid in time',
};

/** A booking's payment in plain words ("paid", "refunded ₹1,200"), never the stored status. */
export function paymentText(b: { status: string; paymentStatus: string; refundPaise?: number }): string {
  const refund = b.refundPaise ?? 0;
  switch (b.paymentStatus) {
    case 'paid':
      return b.status === 'cancelled'
        ? refund > 0
          ? `paid, ${formatPaise(refund)} to be refunded`
          : 'paid, not refunded'
        : 'paid';
    case 'refunded':
      return refund > 0 ? `refunded ${formatPaise(refund)}` : 'refunded';
    case 'failed':
      return 'payment failed';
    default:
      return b.status === 'cancelled' ? 'not paid' : 'not paid yet';
  }
}

export const statusText = (b: Pick<BookingSummary, 'status' | 'verificationStatus' | 'cancelReason'>) =>
  b.status === 'pending' && b.verificationStatus === 'pending'
    ? 'Payment being checked'
    : b.status === 'pending' && b.verificationStatus === 'rejected'
      ? 'New payment proof needed'
      : b.status === 'cancelled' && b.cancelReason
        ? `Cancelled (${REASON[b.cancelReason] ?? b.cancelReason})`
        : (BOOKING_STATUS[b.status] ?? b.status);

export function BookingPage(p: BookingPageProps) {
  const b = p.booking;
  const resend = b.status === 'pending' ? p.proofs.findLast((x) => x.status === 'rejected' && x.resendBy) : undefined;
  const steps: [string, string | null][] = [
    ['Booked', b.createdAt],
    ...p.proofs.flatMap((x): [string, string | null][] => [
      [`UPI proof sent (UTR ${x.utr})`, x.createdAt],
      ...(x.status === 'verified'
        ? [['UPI payment verified by the organizer', x.decidedAt] as [string, string | null]]
        : []),
      ...(x.status === 'rejected'
        ? [
            [
              x.resendBy
                ? `The organizer asked for the UPI proof again: ${x.reason ?? ''}`
                : `UPI proof not accepted: ${x.reason ?? ''}`,
              x.decidedAt,
            ] as [string, string | null],
          ]
        : []),
    ]),
    ...p.payments
      .filter((x) => x.paidAt)
      .map((x): [string, string | null] => [
        `Paid ${formatPaise(x.amountPaise)} (${x.method === 'upi' ? 'UPI' : 'online'})`,
        x.paidAt,
      ]),
    ...p.payments
      .filter((x) => x.status === 'mismatch')
      .map((x): [string, string | null] => [
        `An online payment of ${formatPaise(x.amountPaise)} did not match the amount due (${formatPaise(b.amountPaise)}): it paid for nothing and goes back to you in full`,
        x.createdAt,
      ]),
    ['Confirmed', b.confirmedAt],
    ['Cancelled', b.cancelledAt],
    ...p.refunds.map((r): [string, string | null] => [
      `Refund ${formatPaise(r.amountPaise)} ${r.status === 'processed' ? 'sent' : r.method === 'manual' || r.status === 'failed' ? 'due from the organizer' : 'on its way'}`,
      r.processedAt ?? r.createdAt,
    ]),
  ];
  return (
    <section id="booking-live">
      <hgroup>
        <h1>{b.title}</h1>
        <p>
          {formatDay(b.startDate)} – {formatDay(b.endDate)} · booking <strong>{b.code}</strong>
        </p>
      </hgroup>
      <p id="booking-status">
        <strong>{statusText(b)}</strong>
      </p>
      {resend && b.verificationStatus === 'rejected' && (
        <p class="flash error" id="resend-request">
          The organizer asks you to send your payment proof again: {resend.reason} Send it by{' '}
          {formatDateTime(resend.resendBy!)}, or the seats are released.
          {p.isTraveler && (
            <>
              {' '}
              <a href={`/bookings/${b.id}/pay`}>Send the proof again</a>
            </>
          )}
        </p>
      )}
      {b.status === 'pending' && p.isTraveler && b.verificationStatus !== 'pending' && (
        <p>
          {b.holdExpiresAt && <>Seats held until {formatDateTime(b.holdExpiresAt)}. </>}
          <a href={`/bookings/${b.id}/pay`} role="button">
            Pay {formatPaise(b.money.dueNowPaise)}
            {b.money.depositPaise > 0 && ' (deposit)'}
          </a>
        </p>
      )}
      {b.money.balancePaise > 0 && p.isTraveler && b.verificationStatus !== 'pending' && (
        <p id="balance-due">
          <a href={`/bookings/${b.id}/pay`} role="button">
            Pay the balance of {formatPaise(b.money.balancePaise)}
          </a>
        </p>
      )}
      {b.status === 'confirmed' && (
        <p>
          <a href={`/bookings/${b.id}/pass`} role="button">
            Booking pass
          </a>{' '}
          <a href={`/bookings/${b.id}/booking.ics`} role="button" class="secondary" hx-boost="false">
            Add to calendar
          </a>
        </p>
      )}
      {b.status === 'completed' && p.isTraveler && (
        <p>
          <a href={`/bookings/${b.id}/review`} role="button">
            Review this trip
          </a>
        </p>
      )}
      <h2>Timeline</h2>
      <ol>
        {steps
          .filter(([, at]) => at)
          .sort((x, y) => (x[1]! < y[1]! ? -1 : 1))
          .map(([what, at]) => (
            <li>
              {what} <small class="muted">{formatDateTime(at!)}</small>
            </li>
          ))}
      </ol>
      <h2>Payment</h2>
      <p>
        {formatPaise(b.amountPaise)} for {b.guests} guest{b.guests === 1 ? '' : 's'} ·{' '}
        {b.money.balancePaise > 0 ? 'deposit paid' : paymentText(b)}
        {b.paymentMethod && <> · {b.paymentMethod === 'upi' ? 'by UPI' : 'online'}</>}
      </p>
      {(b.money.depositPaise > 0 || b.money.balancePaise > 0) && (
        <dl id="booking-money">
          <dt>Paid</dt>
          <dd>{formatPaise(b.money.paidPaise)}</dd>
          {b.money.balancePaise > 0 && (
            <>
              <dt>Balance due</dt>
              <dd>
                {formatPaise(b.money.balancePaise)}
                {b.money.balanceDueOn && <> by {formatDay(b.money.balanceDueOn)}</>}
                {b.verificationStatus === 'pending' && ' (your UPI payment is being checked)'}
              </dd>
            </>
          )}
        </dl>
      )}
      <h2>Participants</h2>
      <ul>
        {p.participants.map((x) => (
          <li>
            {x.name}
            {x.age > 0 && `, ${x.age}`} · {x.phone}
            {x.dietary && ` · ${x.dietary}`}
          </li>
        ))}
      </ul>
      {b.specialRequests && <p>Special requests: {b.specialRequests}</p>}
      <p>
        Organizer: {b.organizerName}
        {b.meetingPoint && <> · meeting point: {b.meetingPoint}</>}
      </p>
      {p.pendingMove && p.isTraveler && <PendingMoveNotice bookingId={b.id} move={p.pendingMove} />}
      {(b.status === 'confirmed' || b.status === 'pending') && p.isTraveler && (
        <p>
          {b.status === 'confirmed' && (
            <>
              <a href={`/bookings/${b.id}/move`}>Move to another date</a> ·{' '}
            </>
          )}
          <a href={`/bookings/${b.id}/participants`}>Change participants</a>
        </p>
      )}
      {p.preview && p.isTraveler && (
        <p>
          <a href={`/bookings/${b.id}/cancel`}>Cancel this booking</a>
        </p>
      )}
    </section>
  );
}

/** What a traveler does next with a booking, as one button (or nothing while the organizer checks a UPI payment). */
function NextAction(p: { b: BookingSummary }) {
  const b = p.b;
  if (b.status === 'pending' && b.verificationStatus !== 'pending')
    return (
      <a role="button" href={`/bookings/${b.id}/pay`}>
        Pay {formatPaise(b.amountPaise)} or send UPI proof
      </a>
    );
  if (b.status === 'confirmed' && b.balancePaise > 0 && b.verificationStatus !== 'pending')
    return (
      <a role="button" href={`/bookings/${b.id}/pay`}>
        Pay the balance of {formatPaise(b.balancePaise)}
      </a>
    );
  if (b.status === 'confirmed')
    return (
      <a role="button" href={`/bookings/${b.id}/pass`}>
        Booking pass
      </a>
    );
  return null;
}

/** A booking in a traveler's list: trip, dates, guests, status and the next step. */
function BookingCard(p: { b: BookingSummary }) {
  const b = p.b;
  return (
    <article class="booking-card">
      <h3>
        <a href={`/bookings/${b.id}`}>{b.title}</a>
      </h3>
      <p>
        {formatDay(b.startDate)} – {formatDay(b.endDate)} · {b.guests} guest{b.guests === 1 ? '' : 's'} ·{' '}
        <small class="muted">{b.code}</small>
      </p>
      <p>
        <strong>{statusText(b)}</strong>
        {b.status === 'pending' && b.holdExpiresAt && b.verificationStatus !== 'pending' && (
          <small class="muted"> · seats held until {formatDateTime(b.holdExpiresAt)}</small>
        )}
      </p>
      <NextAction b={b} />
    </article>
  );
}

export function BookingsListPage(p: {
  upcoming: BookingSummary[];
  past: BookingSummary[];
  cancelled: BookingSummary[];
}) {
  const list = (rows: BookingSummary[], empty: string) =>
    rows.length === 0 ? (
      <p class="muted">{empty}</p>
    ) : (
      <div class="cards">
        {rows.map((b) => (
          <BookingCard b={b} />
        ))}
      </div>
    );
  return (
    <section>
      <h1>My bookings</h1>
      <h2>Upcoming</h2>
      {list(p.upcoming, 'No upcoming trips yet.')}
      <h2>Past</h2>
      {list(p.past, 'No past trips.')}
      <h2>Cancelled</h2>
      {list(p.cancelled, 'Nothing cancelled.')}
      <p>
        <a href="/trips">Find a trek</a> · <a href="/waitlist">My waitlists</a>
      </p>
    </section>
  );
}

/** Printable pass: what the organizer checks at the start. */
export function PassPage(p: { booking: BookingDetails; participants: Participant[] }) {
  const b = p.booking;
  return (
    <article>
      <header>
        <h1>Booking pass</h1>
        <p class="muted">TrekTribe</p>
      </header>
      <h2>{b.code}</h2>
      <img src={`/bookings/${b.id}/pass-qr.svg`} width={180} height={180} alt={`QR code of booking ${b.code}`} />
      <p>
        <strong>{b.title}</strong>
        <br />
        {formatDay(b.startDate)} – {formatDay(b.endDate)} · {b.destination}
      </p>
      <p>Meeting point: {b.meetingPoint ?? 'the organizer will tell you'}</p>
      <p>
        {b.guests} guest{b.guests === 1 ? '' : 's'}: {p.participants.map((x) => x.name).join(', ')}
      </p>
      <p>
        Organizer: {b.organizerName} · paid {formatPaise(b.money.paidPaise)}
        {b.money.balancePaise > 0 && (
          <>
            {' '}
            · balance {formatPaise(b.money.balancePaise)} due
            {b.money.balanceDueOn && <> by {formatDay(b.money.balanceDueOn)}</>}
          </>
        )}
      </p>
      <footer class="no-print">
        <a href={`/bookings/${b.id}`}>Back to the booking</a> · print this page or show it on your phone
      </footer>
    </article>
  );
}

/** A refund policy's tiers, most generous first. */
export const RefundPolicyList = (p: { policy: { minDays: number; percent: number }[] }) => (
  <ul>
    {[...p.policy]
      .sort((x, y) => y.minDays - x.minDays)
      .map((r) => (
        <li>
          {r.minDays > 0 ? `${r.minDays} or more days before the start` : 'Later'}: {r.percent}% back
        </li>
      ))}
  </ul>
);

export function CancelPage(p: {
  booking: BookingDetails;
  preview: RefundPreview;
  policy: { minDays: number; percent: number }[];
}) {
  const b = p.booking;
  const pv = p.preview;
  return (
    <section>
      <h1>Cancel booking {b.code}?</h1>
      <p>
        {b.title}, {formatDay(b.startDate)} — {pv.daysBefore} day{pv.daysBefore === 1 ? '' : 's'} from now.
      </p>
      {pv.paid > 0 ? (
        <p id="refund-preview">
          Under this trip's policy you get back <strong>{formatPaise(pv.refund)}</strong> ({pv.percent}% of{' '}
          {formatPaise(pv.paid)})
          {b.verificationStatus === 'pending'
            ? ', paid back by the organizer to your UPI account once they have found your payment'
            : b.paymentMethod === 'upi'
              ? ', paid back by the organizer to your UPI account'
              : ', refunded to how you paid'}
          .
        </p>
      ) : (
        <p id="refund-preview">You have not paid, so nothing is refunded; the seats are released.</p>
      )}
      <details>
        <summary>Cancellation policy</summary>
        <RefundPolicyList policy={p.policy} />
      </details>
      <form method="post" action={`/bookings/${b.id}/cancel`} hx-boost="false">
        <button type="submit" class="secondary">
          Yes, cancel my booking
        </button>
      </form>
      <p>
        <a href={`/bookings/${b.id}`}>Keep my booking</a>
      </p>
    </section>
  );
}
