import type { FieldErrors } from '../../src/lib/errors.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';
import type { BookingDetails, MoveOption, MoveRecord, MoveTerms, PendingMove } from '../../src/bookings/types.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { PayPage, type PayPageProps } from '../payments/pay.js';
import { bookInputId, bookLabel, bookRank, GuestFields, type GuestValues } from './book.js';

/** Moving a booking to another departure (the traveler's page and the organizer's), and editing its participants. */

export interface MovePageProps {
  booking: BookingDetails;
  terms: MoveTerms;
  options: MoveOption[];
  pending: PendingMove | null;
  moves: MoveRecord[];
  side: 'traveler' | 'organizer';
  errors: FieldErrors;
}

const FormError = (p: { errors: FieldErrors }) =>
  p.errors.form ? (
    <p class="flash error" role="alert">
      {p.errors.form}
    </p>
  ) : null;

function costText(t: MoveTerms): string {
  const due = t.feePaise + t.differencePaise;
  if (due > 0)
    return `Moving costs ${formatPaise(due)}${t.feePaise ? ` (a ${formatPaise(t.feePaise)} fee${t.differencePaise > 0 ? ` and ${formatPaise(t.differencePaise)} for today's price` : ''})` : " (today's price)"}: your booking stays on its date until you pay it.`;
  if (due < 0)
    return `Today's price is ${formatPaise(-t.differencePaise)} lower${t.feePaise ? ` (less a ${formatPaise(t.feePaise)} fee)` : ''}: moving gives back ${formatPaise(-due)} of what you paid, or takes it off the balance still to pay.`;
  return 'Moving is free.';
}

export function MovePage(p: MovePageProps) {
  const b = p.booking;
  const back = p.side === 'organizer' ? '/organizer/bookings' : `/bookings/${b.id}`;
  const action = p.side === 'organizer' ? `/organizer/bookings/${b.id}/move` : `/bookings/${b.id}/move`;
  return (
    <section id="move">
      <hgroup>
        <h1>Move booking {b.code}</h1>
        <p>
          {b.title} · now {formatDay(b.startDate)} – {formatDay(b.endDate)} · {b.guests} guest
          {b.guests === 1 ? '' : 's'}
        </p>
      </hgroup>
      <FormError errors={p.errors} />
      <ErrorSummary errors={p.errors} idOf={(k) => `move-${k}`} />
      {p.pending && p.side === 'traveler' && <PendingMoveNotice bookingId={b.id} move={p.pending} />}
      {!p.terms.open ? (
        <p id="move-closed">
          {b.status !== 'confirmed'
            ? 'Only a confirmed booking can move to another departure.'
            : `Moves closed on ${formatDay(p.terms.lastDay)}. You can still cancel under the trip's policy, or ask the organizer.`}
        </p>
      ) : p.options.length === 0 ? (
        <p id="move-none">There is no other departure of this trip to move to.</p>
      ) : (
        <form method="post" action={action} hx-boost="false">
          <fieldset>
            <legend>Move to</legend>
            {p.options.map((o) => (
              <label>
                <input
                  type="radio"
                  name="departure"
                  value={o.departureId}
                  disabled={!o.fits}
                  aria-invalid={p.errors.departure ? 'true' : undefined}
                />
                {formatDay(o.startDate)} – {formatDay(o.endDate)}{' '}
                <small class="muted">
                  ({o.fits ? `${o.seatsLeft} seat${o.seatsLeft === 1 ? '' : 's'} left` : 'not enough seats'})
                </small>
              </label>
            ))}
            {p.errors.departure && (
              <small id="move-departure" class="field-error">
                {p.errors.departure}
              </small>
            )}
          </fieldset>
          <p id="move-cost">
            {p.side === 'organizer' ? 'No fee: the traveler is told of the move.' : costText(p.terms)}
            {p.side === 'traveler' && <> You can move until {formatDay(p.terms.lastDay)}.</>}
          </p>
          <button type="submit">Move the booking</button>
        </form>
      )}
      {p.moves.length > 0 && (
        <>
          <h2>Earlier moves</h2>
          <ul>
            {p.moves.map((m) => (
              <li>
                {formatDay(m.fromStart)} → {formatDay(m.toStart)}
                {m.byOrganizer ? ' by the organizer' : ''}
                {m.feePaise > 0 && ` · fee ${formatPaise(m.feePaise)}`}{' '}
                <small class="muted">{formatDateTime(m.createdAt)}</small>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href={back}>Back</a>
      </p>
    </section>
  );
}

/**
 * A move waiting for its payment, on the move page and the booking page: what to pay to complete
 * it, and a way to give it up (a plain form: works without JavaScript).
 */
export function PendingMoveNotice(p: { bookingId: number; move: PendingMove }) {
  const m = p.move;
  return (
    <article id="pending-move">
      <p>
        <strong>
          Move to {formatDay(m.toStart)}: pay {formatPaise(m.duePaise)} to complete it.
        </strong>{' '}
        Your booking stays on its present date until then; the seats on {formatDay(m.toStart)} are not held, so if they
        are gone when your payment arrives, it comes back in full.
      </p>
      {m.proofPending ? (
        <p>Your UPI payment for this move is with the organizer for checking.</p>
      ) : (
        <div class="actions">
          <a href={`/bookings/${p.bookingId}/move/pay`} role="button">
            Pay {formatPaise(m.duePaise)}
          </a>{' '}
          <form method="post" action={`/bookings/${p.bookingId}/move/cancel`} hx-boost="false" class="inline">
            <button type="submit" class="secondary">
              Cancel this move
            </button>
          </form>
        </div>
      )}
    </article>
  );
}

/** The pay page of a move: the booking's pay page for the move's price, and a way back. */
export function MovePayPage(p: Omit<PayPageProps, 'forMove'> & { move: PendingMove }) {
  return (
    <>
      <PayPage {...p} forMove={{ toStart: p.move.toStart }} />
      <p>
        Your booking stays on {formatDay(p.booking.startDate)} until this is paid.{' '}
        <a href={`/bookings/${p.booking.id}/move`}>Back to the move</a>
      </p>
    </>
  );
}

export function ParticipantsPage(p: {
  booking: BookingDetails;
  values: GuestValues;
  lastDay: string;
  open: boolean;
  errors: FieldErrors;
}) {
  const b = p.booking;
  return (
    <section id="participants">
      <hgroup>
        <h1>Participants of {b.code}</h1>
        <p>
          {b.title}, {formatDay(b.startDate)}
        </p>
      </hgroup>
      <FormError errors={p.errors} />
      {p.open ? (
        <>
          <ErrorSummary errors={p.errors} idOf={bookInputId} labelOf={bookLabel} rank={bookRank} />
          <p>Passing a seat to a friend? Change their details here until {formatDay(p.lastDay)}.</p>
          <form method="post" action={`/bookings/${b.id}/participants`} hx-boost="false">
            <input type="hidden" name="guests" value={b.guests} />
            <GuestFields guests={b.guests} values={p.values} errors={p.errors} />
            <button type="submit">Save the participants</button>
          </form>
        </>
      ) : (
        <p id="participants-closed">
          Participants could be changed until {formatDay(p.lastDay)}; ask the organizer for a change now.
        </p>
      )}
      <p>
        <a href={`/bookings/${b.id}`}>Back to the booking</a>
      </p>
    </section>
  );
}
