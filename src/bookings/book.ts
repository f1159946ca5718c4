import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { addMs, MINUTE } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { getSetting } from '../lib/settings.js';
import { istDate } from '../lib/time.js';
import { humanCode } from '../lib/tokens.js';
import { bookingChangedWith } from '../live/service.js';
import { tx } from '../lib/transaction.js';
import * as q from './queries.js';
import { MAX_GUESTS } from './schemas.js';
import { depositFor } from './deposits.js';
import * as lifecycle from './lifecycle.js';
import { sendBookingMessages } from './messages.js';
import { closeOfferOnClosedDate, offeredSeatsFor, useOffer } from './waitlist.js';
import * as qw from './queries-waitlist.js';
import type { BookingFormTrip, BookingInput, DepartureChoice, DepositOffer } from './types.js';

/** Booking a departure: the form's data, the booking itself (seats, hold caps), a free trip joined in one click. */

/** The booking form's subject: trip, departure, seats left. 404 unless bookable now. */
export async function bookingFormData(
  deps: Deps,
  tripId: number,
  departureId: number | null,
  actor?: Actor,
): Promise<{
  trip: BookingFormTrip;
  departures: DepartureChoice[];
  seatsLeft: number;
  deposit: DepositOffer | null;
  /** Seats an open waitlist offer holds for this traveler (counted in seatsLeft), and until when. */
  offered: number;
  offerUntil: string | null;
  /** The traveler is already on this departure's waitlist. */
  waiting: boolean;
}> {
  const today = istDate(deps.clock.now());
  const departures = await q.openDeparturesOfTrip(deps.db, tripId, today);
  const chosen = departureId ?? departures[0]?.id;
  if (!chosen) throw new NotFoundError();
  const t = await q.findBookable(deps.db, tripId, chosen);
  if (!t || t.trip_status !== 'active' || t.departure_status !== 'open' || t.start_date <= today)
    throw new NotFoundError();
  const entry = actor ? await qw.liveEntryOf(deps.db, actor.id, t.departure_id) : undefined;
  const offerUntil =
    entry?.status === 'offered' && entry.offer_expires_at && entry.offer_expires_at > deps.clock.now().toISOString()
      ? entry.offer_expires_at
      : null;
  const offered = offerUntil ? entry!.guests : 0;
  return {
    trip: {
      tripId: t.trip_id,
      title: t.title,
      pricePaise: t.price_paise,
      departureId: t.departure_id,
      startDate: t.start_date,
      endDate: t.end_date,
    },
    departures: departures.map((d) => ({
      id: d.id,
      startDate: d.start_date,
      endDate: d.end_date,
      seatsLeft: d.capacity - d.seats_taken + (d.id === t.departure_id ? offered : 0),
    })),
    seatsLeft: t.capacity - t.seats_taken + offered,
    deposit: depositOffer(t, today),
    offered,
    offerUntil,
    waiting: !!entry && !offered,
  };
}

/** The deposit the form offers for one guest (the form shows it per guest), and the balance's due date; null: pay in full. */
function depositOffer(
  t: Parameters<typeof depositFor>[0] & { price_paise: number },
  today: string,
): DepositOffer | null {
  const one = depositFor(t, t.price_paise, 1, today);
  if (!one || !t.deposit_kind || !t.deposit_value) return null;
  return { kind: t.deposit_kind, value: t.deposit_value, perGuestPaise: one.depositPaise, dueOn: one.dueOn };
}

/**
 * Books a departure: the seats are taken by one conditional UPDATE in the same IMMEDIATE
 * transaction that writes the booking, so concurrent bookings can never oversell. The
 * amount is the trip's price × guests, never anything from the form.
 */
export async function createBooking(
  deps: Deps,
  actor: Actor,
  tripId: number,
  input: BookingInput,
): Promise<{ id: number; code: string; status: 'pending' | 'confirmed'; deposit: boolean }> {
  const { clock } = deps;
  const guests = input.participants.length;
  if (guests < 1 || guests > MAX_GUESTS) throw new DomainError(`Book for 1 to ${MAX_GUESTS} guests.`, 'guests');
  const today = istDate(clock.now());
  // Everything in one IMMEDIATE transaction: the trip is read under the same lock that takes the seats.
  return orOfferClosed(deps, actor, input.departureId, () =>
    tx(deps.db, async (trx) => {
      const t = await q.findBookable(trx, tripId, input.departureId);
      if (!t || t.trip_status !== 'active') throw new NotFoundError();
      if (t.departure_status !== 'open' || t.start_date <= today)
        throw new DomainError('This departure is no longer taking bookings. Choose another date.', 'departure');
      if (t.organizer_id === actor.id) throw new DomainError('You cannot book your own trip.', 'departure');
      const amount = t.price_paise * guests;
      const free = amount === 0;
      const now = clock.now();
      // A deposit only when the trip asks one and its balance is not yet due; otherwise in full.
      const deposit = input.payDeposit ? depositFor(t, amount, guests, today) : null;
      if (free) {
        const already = await q.confirmedBookingOf(trx, actor.id, t.departure_id);
        if (already) throw new DomainError('You have already joined this departure.', 'departure');
      }
      // Unpaid holds are capped per traveler, under the same lock: two bookings sent at once by one
      // traveler are checked one after the other, the second seeing the first's seats.
      // The same for all departures together: seats held unpaid on several departures at once.
      if (!free) {
        const cap = await getSetting(trx, 'maxHeldSeatsPerTraveler');
        const held = await q.unpaidSeatsHeldBy(trx, actor.id, t.departure_id);
        if (held + guests > cap) throw new DomainError(holdCapMessage(held, cap), 'guests');
        const totalCap = await getSetting(trx, 'maxUnpaidSeatsPerTraveler');
        const heldAnywhere = await q.unpaidSeatsHeldByTraveler(trx, actor.id);
        if (heldAnywhere + guests > totalCap)
          throw new DomainError(totalHoldCapMessage(heldAnywhere, totalCap), 'guests');
      }
      // Seats offered to this traveler from the waitlist go back to the pool this booking takes from.
      const accepted = await useOffer(trx, deps, actor.id, t.departure_id);
      const holdMinutes = free ? 0 : await getSetting(trx, 'holdMinutes');
      const holdUntil = free ? null : addMs(now, holdMinutes * MINUTE).toISOString();
      const b = await lifecycle.hold(trx, {
        code: humanCode(8),
        trip_id: t.trip_id,
        departure_id: t.departure_id,
        user_id: actor.id,
        organizer_id: t.organizer_id,
        guests,
        amount_paise: amount,
        special_requests: input.specialRequests,
        deposit_paise: deposit?.depositPaise ?? 0,
        balance_due_on: deposit?.dueOn ?? null,
        now: now.toISOString(),
        holdUntil,
      });
      if (!b) {
        const left =
          t.capacity -
          t.seats_taken +
          (accepted ? await offeredSeatsFor(trx, actor.id, t.departure_id, now.toISOString()) : 0);
        throw new Conflict(
          left <= 0
            ? 'Sorry, this departure just sold out.'
            : `Only ${left} seat${left === 1 ? ' is' : 's are'} left. Choose fewer guests.`,
          'guests',
        );
      }
      await q.insertParticipants(trx, b.id, input.participants);
      if (accepted) await accepted(b.id);
      await audit(trx, clock, {
        actorId: actor.id,
        action: 'booking.created',
        targetType: 'booking',
        targetId: b.id,
        after: {
          code: b.code,
          departure_id: t.departure_id,
          guests,
          amount_paise: amount,
          status: b.status,
          ...(deposit ? { deposit_paise: deposit.depositPaise, balance_due_on: deposit.dueOn } : {}),
        },
      });
      // The message is composed from what was just written, not read back.
      const traveler = await q.leadTraveler(trx, actor.id);
      if (traveler)
        await sendBookingMessages(deps, trx, free ? ['booking-received', 'booking-confirmed'] : 'booking-received', {
          id: b.id,
          code: b.code,
          tripId: t.trip_id,
          title: t.title,
          startDate: t.start_date,
          guests,
          amountPaise: amount,
          status: b.status,
          meetingPoint: t.meeting_point,
          holdExpiresAt: holdUntil,
          paidPaise: free ? amount : 0,
          balanceDueOn: deposit?.dueOn ?? null,
          travelerName: traveler.name,
          travelerEmail: traveler.email,
          travelerPhone: traveler.phone,
          organizerEmail: t.organizer_email,
          organizerPhone: t.organizer_phone,
        });
      if (free) {
        await audit(trx, clock, {
          actorId: actor.id,
          action: 'booking.joined_free',
          targetType: 'booking',
          targetId: b.id,
          after: { code: b.code },
        });
      }
      await bookingChangedWith(trx, clock, { id: b.id, trip_id: tripId, organizer_id: t.organizer_id });
      return { ...b, deposit: !!deposit };
    }),
  );
}

/**
 * A booking refused because its date stopped taking bookings (a trip paused or cancelled, a date
 * closed) while the traveler held a waitlist offer on it: the offer is closed, its seats released,
 * and the answer is a 409 page saying why instead of the bare refusal.
 */
async function orOfferClosed<T>(deps: Deps, actor: Actor, departureId: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NotFoundError || (e instanceof DomainError && e.field === 'departure')) {
      const why = await closeOfferOnClosedDate(deps, actor, departureId);
      if (why) throw new Conflict(why);
    }
    throw e;
  }
}

const seats = (n: number) => `${n} seat${n === 1 ? '' : 's'}`;

function holdCapMessage(held: number, cap: number): string {
  if (held === 0) return `One traveler can hold at most ${seats(cap)} unpaid on a departure. Choose fewer guests.`;
  const room = cap - held;
  return (
    `You already hold ${seats(held)} unpaid on this departure, and one traveler can hold at most ${seats(cap)} until they are paid. ` +
    (room > 0
      ? `Choose at most ${room} guest${room === 1 ? '' : 's'}, or pay for your other booking first.`
      : 'Pay for your other booking first.')
  );
}

function totalHoldCapMessage(held: number, cap: number): string {
  if (held === 0) return `One traveler can hold at most ${seats(cap)} unpaid at a time. Choose fewer guests.`;
  const room = cap - held;
  return (
    `You already hold ${seats(held)} unpaid across your bookings, and one traveler can hold at most ${seats(cap)} unpaid at a time. ` +
    (room > 0
      ? `Choose at most ${room} guest${room === 1 ? '' : 's'}, or pay for (or cancel) one of your other bookings first.`
      : 'Pay for (or cancel) one of your other bookings first.')
  );
}

/** The booking form's first guest, filled from the account (a 10-digit number, as typed in the form). */
export async function leadOf(deps: Deps, actor: Actor): Promise<{ name: string; phone: string }> {
  const u = await q.leadTraveler(deps.db, actor.id);
  return { name: u?.name ?? '', phone: u?.phone?.replace(/^\+91/, '') ?? '' };
}

/** A free trip is joined in one click with the traveler's own name and phone. */
export async function joinFreeTrip(deps: Deps, actor: Actor, tripId: number, departureId: number) {
  const t = await q.findBookable(deps.db, tripId, departureId);
  if (!t || t.trip_status !== 'active')
    return orOfferClosed(deps, actor, departureId, () => Promise.reject(new NotFoundError()));
  if (t.price_paise !== 0) throw new DomainError('This trip is not free; fill in the booking form.', 'departure');
  const me = (await q.leadTraveler(deps.db, actor.id))!;
  return createBooking(deps, actor, tripId, {
    departureId,
    participants: [{ name: me.name, phone: me.phone ?? '', age: 0, dietary: '' }],
    specialRequests: '',
  });
}
