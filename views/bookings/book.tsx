import type { FieldErrors } from '../../src/lib/errors.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDay, formatDayClock, formatDayRange } from '../../src/lib/time.js';
import { MAX_GUESTS } from '../../src/bookings/schemas.js';
import type { BookingFormTrip, DepartureChoice, DepositOffer } from '../../src/bookings/types.js';

export interface GuestValues {
  name: string[];
  phone: string[];
  age: string[];
  diet: string[];
  requests: string;
  /** 'deposit' or 'full', as chosen. */
  pay?: string;
}

export interface BookPageProps {
  trip: BookingFormTrip;
  departures: DepartureChoice[];
  seatsLeft: number;
  guests: number;
  /** The deposit the trip takes now; null: paid in full. */
  deposit: DepositOffer | null;
  values: GuestValues;
  errors: FieldErrors;
  /** Seats an open waitlist offer holds for this traveler (counted in seatsLeft). */
  offered?: number;
  offerUntil?: string | null;
  /** The traveler is already waiting for seats on this date. */
  waiting?: boolean;
}

const Err = (p: { errors: FieldErrors; k: string }) =>
  p.errors[p.k] ? (
    <small id={`e-${p.k.replace(/\[(\d+)\]/, '-$1')}`} class="field-error">
      {p.errors[p.k]}
    </small>
  ) : null;

const GUEST_FIELD = /^(name|phone|age|diet)\[(\d+)\]$/;
const GUEST_LABEL: Record<string, string> = { name: 'full name', phone: 'mobile', age: 'age', diet: 'dietary needs' };

/** The id of the input a booking form error is about: `phone[1]` → `guest-1-phone`, `guests` → `book-guests`. */
export const bookInputId = (key: string) => {
  const m = GUEST_FIELD.exec(key);
  return m ? `guest-${m[2]}-${m[1]}` : `book-${key}`;
};
const TOP = ['departure', 'guests'];
const GUEST_ORDER = Object.keys(GUEST_LABEL);
/** The departure and guests first, then each guest's fields in turn, then the requests. */
export const bookRank = (key: string) => {
  const m = GUEST_FIELD.exec(key);
  if (m) return 10 + Number(m[2]) * 10 + GUEST_ORDER.indexOf(m[1]!);
  return TOP.includes(key) ? TOP.indexOf(key) : 10_000;
};
export const bookLabel = (key: string) => {
  const m = GUEST_FIELD.exec(key);
  return m ? `Guest ${Number(m[2]) + 1}, ${GUEST_LABEL[m[1]!]}` : undefined;
};

/**
 * One fieldset per guest. Each input keeps its id across the form's htmx updates (`hx-preserve`):
 * what a person types while an update is on its way is not replaced by the older copy it carries.
 */
export function GuestFields(p: { guests: number; values: GuestValues; errors: FieldErrors }) {
  const rows = Array.from({ length: p.guests }, (_, i) => i);
  return (
    <div id="guests">
      {rows.map((i) => (
        <fieldset>
          <legend>{i === 0 ? 'Guest 1 (you)' : `Guest ${i + 1}`}</legend>
          <label>
            Full name
            <input
              id={`guest-${i}-name`}
              hx-preserve
              name="name"
              value={p.values.name[i] ?? ''}
              required
              autocomplete={i === 0 ? 'name' : 'off'}
              maxlength={80}
              aria-invalid={p.errors[`name[${i}]`] ? 'true' : undefined}
            />
            <Err errors={p.errors} k={`name[${i}]`} />
          </label>
          <div class="grid">
            <label>
              Mobile
              <input
                id={`guest-${i}-phone`}
                hx-preserve
                name="phone"
                type="tel"
                inputmode="tel"
                value={p.values.phone[i] ?? ''}
                required
                autocomplete={i === 0 ? 'tel' : 'off'}
                aria-invalid={p.errors[`phone[${i}]`] ? 'true' : undefined}
              />
              <Err errors={p.errors} k={`phone[${i}]`} />
            </label>
            <label>
              Age
              <input
                id={`guest-${i}-age`}
                hx-preserve
                name="age"
                type="number"
                inputmode="numeric"
                min={1}
                max={99}
                value={p.values.age[i] ?? ''}
                required
                aria-invalid={p.errors[`age[${i}]`] ? 'true' : undefined}
              />
              <Err errors={p.errors} k={`age[${i}]`} />
            </label>
          </div>
          <label>
            Dietary needs <small class="muted">(optional)</small>
            <input
              id={`guest-${i}-diet`}
              hx-preserve
              name="diet"
              value={p.values.diet[i] ?? ''}
              maxlength={100}
              placeholder="e.g. vegetarian, no nuts"
            />
            <Err errors={p.errors} k={`diet[${i}]`} />
          </label>
        </fieldset>
      ))}
    </div>
  );
}

/**
 * The form posts itself back to `…/book/update` when the date or the number of guests changes
 * (htmx swaps the page's section; without JavaScript the "Update" button does it), so what was typed
 * stays and no name or phone number ever goes into a URL.
 */
export function BookForm(p: BookPageProps) {
  const max = Math.max(1, Math.min(MAX_GUESTS, p.seatsLeft));
  const action = `/trips/${p.trip.tripId}/book`;
  const refresh = { 'hx-post': `${action}/update`, 'hx-target': '#book', 'hx-select': '#book', 'hx-swap': 'outerHTML' };
  return (
    <form id="book-form" method="post" action={action} hx-boost="false">
      {/* The first submit button is the one Enter presses: holding the seats, not the update. */}
      <button type="submit" class="default-submit" tabindex={-1} aria-hidden="true">
        Hold my seats
      </button>
      {/* The selects keep their ids across the swap: htmx gives the focus back to the one that had it. */}
      <label>
        Date
        <select id={bookInputId('departure')} name="departure" {...refresh}>
          {p.departures.map((d) => (
            <option value={d.id} selected={d.id === p.trip.departureId}>
              {formatDayRange(d.startDate, d.endDate)} · {d.seatsLeft} left
            </option>
          ))}
        </select>
        <Err errors={p.errors} k="departure" />
      </label>
      <label>
        Guests
        <select id={bookInputId('guests')} name="guests" {...refresh}>
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <option value={n} selected={n === p.guests}>
              {n}
            </option>
          ))}
        </select>
        <Err errors={p.errors} k="guests" />
      </label>
      <noscript>
        <button type="submit" formaction={`${action}/update`} formnovalidate class="secondary">
          Update the guest list
        </button>
      </noscript>
      <GuestFields guests={p.guests} values={p.values} errors={p.errors} />
      <label>
        Special requests <small class="muted">(optional)</small>
        <textarea id={bookInputId('requests')} hx-preserve name="requests" maxlength={1000} rows={3}>
          {p.values.requests}
        </textarea>
        <Err errors={p.errors} k="requests" />
      </label>
      <p id="book-total">
        Total: <strong>{formatPaise(p.trip.pricePaise * p.guests)}</strong> for {p.guests} guest
        {p.guests === 1 ? '' : 's'}. You pay on the next page; your seats are held while you do.
      </p>
      {p.deposit && (
        <PayChoice
          deposit={p.deposit}
          guests={p.guests}
          total={p.trip.pricePaise * p.guests}
          pay={p.values.pay}
          errors={p.errors}
        />
      )}
      <button type="submit">Hold my seats</button>
    </form>
  );
}

/** Pay the deposit now and the balance by its due date, or everything now. */
function PayChoice(p: { deposit: DepositOffer; guests: number; total: number; pay?: string; errors: FieldErrors }) {
  const deposit = Math.min(p.deposit.perGuestPaise * p.guests, p.total);
  return (
    <fieldset id="pay-choice">
      <legend>How much to pay now</legend>
      <label>
        <input type="radio" name="pay" value="deposit" checked={p.pay !== 'full'} /> Pay the deposit:{' '}
        <strong>{formatPaise(deposit)}</strong> now, the balance of {formatPaise(p.total - deposit)} by{' '}
        {formatDay(p.deposit.dueOn)}
      </label>
      <label>
        <input type="radio" name="pay" value="full" checked={p.pay === 'full'} /> Pay in full:{' '}
        <strong>{formatPaise(p.total)}</strong> now
      </label>
      <Err errors={p.errors} k="pay" />
    </fieldset>
  );
}

export function BookPage(p: BookPageProps) {
  return (
    <section id="book">
      <hgroup>
        <h1>Book {p.trip.title}</h1>
        <p>
          {formatPaise(p.trip.pricePaise)} per person · {p.seatsLeft} seat{p.seatsLeft === 1 ? '' : 's'} left
        </p>
      </hgroup>
      {p.errors.form && (
        <p class="flash error" role="alert">
          {p.errors.form}
        </p>
      )}
      {p.offered ? (
        <p class="flash" role="status" id="waitlist-offer">
          {p.offered} seat{p.offered === 1 ? ' is' : 's are'} held for you from the waitlist
          {p.offerUntil ? ` until ${formatDayClock(p.offerUntil)}` : ''}: book them below.
        </p>
      ) : null}
      <ErrorSummary errors={p.errors} idOf={bookInputId} labelOf={bookLabel} rank={bookRank} />
      {p.seatsLeft > 0 && <BookForm {...p} />}
      <WaitlistForm {...p} />
    </section>
  );
}

/** A free trip: joined in one click with the traveler's own details; a full date offers its waitlist. */
export function JoinPage(p: {
  trip: BookingFormTrip;
  seatsLeft: number;
  errors: FieldErrors;
  offered?: number;
  offerUntil?: string | null;
  waiting?: boolean;
}) {
  const error = Object.entries(p.errors).find(([k]) => k !== 'waitlist')?.[1];
  return (
    <section id="book">
      <hgroup>
        <h1>Join {p.trip.title}</h1>
        <p>
          Free · {formatDay(p.trip.startDate)} – {formatDay(p.trip.endDate)} · {p.seatsLeft} seat
          {p.seatsLeft === 1 ? '' : 's'} left
        </p>
      </hgroup>
      {error && (
        <p class="flash error" role="alert">
          {error}
        </p>
      )}
      {p.offered ? (
        <p class="flash" role="status" id="waitlist-offer">
          A place is held for you from the waitlist{p.offerUntil ? ` until ${formatDayClock(p.offerUntil)}` : ''}: join
          below.
        </p>
      ) : null}
      {p.errors.waitlist ? <ErrorSummary errors={{ waitlist: p.errors.waitlist }} idOf={bookInputId} /> : null}
      {p.seatsLeft > 0 ? (
        <form method="post" action={`/trips/${p.trip.tripId}/join`} hx-boost="false">
          <input type="hidden" name="departure" value={p.trip.departureId} />
          <button type="submit">Join this trip</button>
        </form>
      ) : p.waiting ? (
        <p id="waitlist">
          You are on the waitlist for this date.{' '}
          <a id={bookInputId('waitlist')} href="/waitlist">
            See your place
          </a>
          . <Err errors={p.errors} k="waitlist" />
        </p>
      ) : (
        <form id="waitlist" method="post" action={`/trips/${p.trip.tripId}/waitlist`} hx-boost="false">
          <h2>Full? Join the waitlist</h2>
          <p class="muted">
            When a place comes free it is offered in turn, held for you alone for a while; we send you a link by email
            and SMS.
          </p>
          <input type="hidden" name="departure" value={p.trip.departureId} />
          <input type="hidden" name="guests" value="1" />
          <Err errors={p.errors} k="waitlist" />
          <button type="submit" id={bookInputId('waitlist')} class="secondary">
            Join the waitlist
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * When the date has fewer seats than a group needs: a place on its waitlist for that many guests.
 * Seats that come free are offered in turn, held for the traveler alone for a while.
 */
export function WaitlistForm(p: BookPageProps) {
  if (p.waiting)
    return (
      <p id="waitlist">
        You are on the waitlist for this date. <a href="/waitlist">See your place</a>.
      </p>
    );
  if (p.seatsLeft >= MAX_GUESTS) return null;
  const from = p.seatsLeft + 1;
  const sizes = Array.from({ length: MAX_GUESTS - from + 1 }, (_, i) => from + i);
  return (
    <form id="waitlist" method="post" action={`/trips/${p.trip.tripId}/waitlist`} hx-boost="false">
      <h2>
        {p.seatsLeft === 0
          ? 'Sold out? Join the waitlist'
          : `Need more than ${p.seatsLeft} seat${p.seatsLeft === 1 ? '' : 's'}?`}
      </h2>
      <p class="muted">
        When seats come free they are offered in turn, held for you alone for a while; we send you a link by email and
        SMS.
      </p>
      <input type="hidden" name="departure" value={p.trip.departureId} />
      <label>
        Guests
        <select id={bookInputId('waitlist')} name="guests">
          {sizes.map((n) => (
            <option value={n} selected={n === Math.max(from, p.guests)}>
              {n}
            </option>
          ))}
        </select>
        <Err errors={p.errors} k="waitlist" />
      </label>
      <button type="submit" class="secondary">
        Join the waitlist
      </button>
    </form>
  );
}
