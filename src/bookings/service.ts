import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { canActAsTraveler, canManageTrip, canSeeBooking, managedOrganizerId } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { addMs, DAY, HOUR, isoNow, MINUTE } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError, Unavailable } from '../lib/errors.js';
import { getSetting, getSettings, type RefundRule } from '../lib/settings.js';
import { daysBetween, formatDateTime, istDate } from '../lib/time.js';
import { humanCode } from '../lib/tokens.js';
import { breathe } from '../lib/jobs.js';
import { moveToStore, readUpload, removeImage, storeImage, uploadKey } from '../lib/images.js';
import { GatewayRejected, GatewayUnavailable } from '../payments/gateway.js';
import {
  openOrder,
  openOrderId,
  paidPaymentOf,
  paymentRecordsOf,
  paymentsOf,
  recordUpiPayment,
  refundRecordsOf,
  refundsOf,
  verifyCheckout,
  type Applied,
  type CheckoutReturn,
  type Payer,
  type PaymentRecord,
  type RefundRecord,
} from '../payments/orders.js';
import { registerPaymentOwner, type PaymentOwner } from '../payments/owners.js';
import { bookingChanged, bookingChangedWith } from '../live/service.js';
import { findRefund, markRefundProcessed, recordRefund, sendPendingRefunds } from '../payments/refunds.js';
import { tx as inTx } from '../lib/transaction.js';
import * as q from './queries.js';
import { MAX_GUESTS } from './schemas.js';
import * as lifecycle from './lifecycle.js';
import type { BookingRow } from './queries.js';
import { sendBookingMessage, type BookingMessage, type Extra } from './messages.js';
import type { BookingPaymentMethod, BookingStatus, PaymentStatus, VerificationStatus } from './tables.js';
import type { RefundMethod } from '../payments/tables.js';
import type { DepartureStatus } from '../trips/tables.js';

// ---------------------------------------------------------------- domain shapes handed to views

/** A booking in its traveler's list. */
export interface BookingSummary {
  id: number;
  code: string;
  title: string;
  startDate: string;
  endDate: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  /** Why it was cancelled ('expired', 'traveler', 'organizer', 'payment_rejected', 'proof_expired'); null otherwise. */
  cancelReason: string | null;
  verificationStatus: VerificationStatus | null;
  holdExpiresAt: string | null;
}

/** A booking as its own page, its pass and its cancel page show it. */
export interface BookingDetails extends BookingSummary {
  tripId: number;
  destination: string;
  meetingPoint: string | null;
  paymentMethod: BookingPaymentMethod | null;
  paymentStatus: PaymentStatus;
  specialRequests: string;
  refundPaise: number;
  confirmedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  travelerName: string;
  /** The organizer's display name, or their own name without one. */
  organizerName: string;
}

export interface Participant {
  position: number;
  name: string;
  phone: string;
  age: number;
  dietary: string;
}

/** A UPI payment proof as its traveler sees it. */
export interface UpiProofRecord {
  utr: string;
  status: VerificationStatus;
  reason: string | null;
  createdAt: string;
  /** When the organizer verified or rejected it. */
  decidedAt: string | null;
}

export type { PaymentRecord, RefundRecord };

const toSummary = (b: BookingRow): BookingSummary => ({
  id: b.id,
  code: b.code,
  title: b.title,
  startDate: b.start_date,
  endDate: b.end_date,
  guests: b.guests,
  amountPaise: b.amount_paise,
  status: b.status,
  cancelReason: b.cancel_reason,
  verificationStatus: b.verification_status,
  holdExpiresAt: b.hold_expires_at,
});

const toDetails = (b: BookingRow): BookingDetails => ({
  ...toSummary(b),
  tripId: b.trip_id,
  destination: b.destination,
  meetingPoint: b.meeting_point,
  paymentMethod: b.payment_method,
  paymentStatus: b.payment_status,
  specialRequests: b.special_requests,
  refundPaise: b.refund_paise,
  confirmedAt: b.confirmed_at,
  cancelledAt: b.cancelled_at,
  createdAt: b.created_at,
  travelerName: b.traveler_name,
  organizerName: b.org_display_name ?? b.organizer_name,
});

const toProofRecord = (p: {
  utr: string;
  status: VerificationStatus;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
}): UpiProofRecord => ({
  utr: p.utr,
  status: p.status,
  reason: p.reason,
  createdAt: p.created_at,
  decidedAt: p.decided_at,
});

/** A UPI proof in the organizer's queue, with what they need to find the money. */
export interface VerificationItem {
  id: number;
  utr: string;
  screenshot: { key: string; width: number; height: number };
  amountPaise: number;
  /** The same UTR was already given for another booking. */
  duplicateUtr: boolean;
  createdAt: string;
  bookingId: number;
  code: string;
  guests: number;
  holdExpiresAt: string | null;
  bookingStatus: BookingStatus;
  refundPaise: number;
  title: string;
  startDate: string;
  travelerName: string;
  travelerPhone: string | null;
}

/** A refund the organizer pays back by hand: a UPI one, or one Razorpay could not send. */
export interface RefundDue {
  id: number;
  amountPaise: number;
  reason: string;
  method: RefundMethod;
  code: string;
  bookingId: number;
  travelerName: string;
  travelerPhone: string | null;
}

/** A booking in the organizer's list, with its departure's numbers. */
export interface OrganizerBookingRow {
  id: number;
  code: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  paymentStatus: PaymentStatus;
  refundPaise: number;
  paymentMethod: BookingPaymentMethod | null;
  departureId: number;
  tripId: number;
  title: string;
  startDate: string;
  capacity: number;
  seatsTaken: number;
  departureStatus: DepartureStatus;
  travelerName: string;
}

/** Money in and out in one month (YYYY-MM, India time). */
export interface EarningsMonth {
  month: string;
  paidPaise: number;
  refundedPaise: number;
  netPaise: number;
}

/** The departure an organizer is about to cancel. */
export interface DepartureToCancel {
  id: number;
  title: string;
  startDate: string;
}

/** A held booking as its payment page shows it. */
export interface PayableBooking {
  id: number;
  code: string;
  title: string;
  startDate: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  holdExpiresAt: string | null;
  /** The organizer's UPI ID; null when they take no UPI payments. */
  upiId: string | null;
  /** The organizer's display name, or their own name without one. */
  organizerName: string;
}

/** Who pays, as Razorpay Checkout fills in its form. */
export interface PayerContact {
  name: string;
  email: string;
  phone: string | null;
}

const toPayable = (b: BookingRow): PayableBooking => ({
  id: b.id,
  code: b.code,
  title: b.title,
  startDate: b.start_date,
  guests: b.guests,
  amountPaise: b.amount_paise,
  status: b.status,
  holdExpiresAt: b.hold_expires_at,
  upiId: b.upi_id,
  organizerName: b.org_display_name ?? b.organizer_name,
});

/** What a booking email or text needs to know about its booking. */
export interface MessageBooking {
  id: number;
  code: string;
  tripId: number;
  title: string;
  startDate: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  meetingPoint: string | null;
  holdExpiresAt: string | null;
  travelerName: string;
  travelerEmail: string;
  travelerPhone: string | null;
  organizerEmail: string;
  organizerPhone: string | null;
}

const toMessageBooking = (b: NonNullable<Awaited<ReturnType<typeof q.findMessageBooking>>>): MessageBooking => ({
  id: b.id,
  code: b.code,
  tripId: b.trip_id,
  title: b.title,
  startDate: b.start_date,
  guests: b.guests,
  amountPaise: b.amount_paise,
  status: b.status,
  meetingPoint: b.meeting_point,
  holdExpiresAt: b.hold_expires_at,
  travelerName: b.traveler_name,
  travelerEmail: b.traveler_email,
  travelerPhone: b.traveler_phone,
  organizerEmail: b.organizer_email,
  organizerPhone: b.organizer_phone,
});

/** The trip and departure a booking form is for. */
export interface BookingFormTrip {
  tripId: number;
  title: string;
  pricePaise: number;
  departureId: number;
  startDate: string;
  endDate: string;
}

/** A departure the booking form offers. */
export interface DepartureChoice {
  id: number;
  startDate: string;
  endDate: string;
  seatsLeft: number;
}

// ---------------------------------------------------------------- input

export interface ParticipantInput {
  name: string;
  phone: string;
  age: number;
  dietary: string;
}

export interface BookingInput {
  departureId: number;
  participants: ParticipantInput[];
  specialRequests: string;
}

export { MAX_GUESTS };

/** A booking as the payer of its orders (src/payments/owners.ts). */
const payer = (bookingId: number): Payer => ({ owner: 'booking', id: bookingId });

const tx = <T>(deps: Deps, fn: (trx: Kysely<Database>) => Promise<T>) => inTx(deps.db, fn);

/** Queues the messages of `kinds` about one booking, read once, in the caller's transaction. */
async function message(
  deps: Deps,
  trx: Kysely<Database>,
  kinds: BookingMessage | BookingMessage[],
  bookingId: number,
  x: Extra = {},
) {
  const row = await q.findMessageBooking(trx, bookingId);
  if (!row) return;
  const b = toMessageBooking(row);
  for (const kind of [kinds].flat()) await sendBookingMessage(trx, deps, kind, b, x);
}

// ---------------------------------------------------------------- booking

/** The booking form's subject: trip, departure, seats left. 404 unless bookable now. */
export async function bookingFormData(
  deps: Deps,
  tripId: number,
  departureId: number | null,
): Promise<{ trip: BookingFormTrip; departures: DepartureChoice[]; seatsLeft: number }> {
  const today = istDate(deps.clock.now());
  const departures = await q.openDeparturesOfTrip(deps.db, tripId, today);
  const chosen = departureId ?? departures[0]?.id;
  if (!chosen) throw new NotFoundError();
  const t = await q.findBookable(deps.db, tripId, chosen);
  if (!t || t.trip_status !== 'active' || t.departure_status !== 'open' || t.start_date <= today)
    throw new NotFoundError();
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
      seatsLeft: d.capacity - d.seats_taken,
    })),
    seatsLeft: t.capacity - t.seats_taken,
  };
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
): Promise<{ id: number; code: string; status: 'pending' | 'confirmed' }> {
  const { clock } = deps;
  const guests = input.participants.length;
  if (guests < 1 || guests > MAX_GUESTS) throw new DomainError(`Book for 1 to ${MAX_GUESTS} guests.`, 'guests');
  const today = istDate(clock.now());
  // Everything in one IMMEDIATE transaction: the
  // trip is read under the same lock that takes the seats.
  return tx(deps, async (trx) => {
    const t = await q.findBookable(trx, tripId, input.departureId);
    if (!t || t.trip_status !== 'active') throw new NotFoundError();
    if (t.departure_status !== 'open' || t.start_date <= today)
      throw new DomainError('This departure is no longer taking bookings. Choose another date.', 'departure');
    if (t.organizer_id === actor.id) throw new DomainError('You cannot book your own trip.', 'departure');
    const amount = t.price_paise * guests;
    const free = amount === 0;
    const now = clock.now();
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
      now: now.toISOString(),
      holdUntil,
    });
    if (!b) {
      const left = t.capacity - t.seats_taken;
      throw new Conflict(
        left <= 0
          ? 'Sorry, this departure just sold out.'
          : `Only ${left} seat${left === 1 ? ' is' : 's are'} left. Choose fewer guests.`,
        'guests',
      );
    }
    await q.insertParticipants(trx, b.id, input.participants);
    await audit(trx, clock, {
      actorId: actor.id,
      action: 'booking.created',
      targetType: 'booking',
      targetId: b.id,
      after: { code: b.code, departure_id: t.departure_id, guests, amount_paise: amount, status: b.status },
    });
    await message(deps, trx, free ? ['booking-received', 'booking-confirmed'] : 'booking-received', b.id);
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
    return b;
  });
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

/** A booking its traveler, its organizer or staff may see; anyone else gets a 404. */
export async function bookingFor(deps: Deps, actor: Actor, id: number): Promise<BookingRow> {
  const b = Number.isSafeInteger(id) ? await q.findBooking(deps.db, id) : undefined;
  if (!b || !canSeeBooking(actor, b)) throw new NotFoundError();
  return b;
}

/** Only the traveler who booked (or an admin) acts on a booking as its traveler. */
async function ownBooking(deps: Deps, actor: Actor, id: number): Promise<BookingRow> {
  const b = await bookingFor(deps, actor, id);
  if (!canActAsTraveler(actor, b)) throw new NotFoundError();
  return b;
}

export async function bookingDetails(deps: Deps, actor: Actor, id: number) {
  const b = await bookingFor(deps, actor, id);
  const [participants, payments, refunds, proofs, settings] = await Promise.all([
    q.participantsOf(deps.db, id),
    paymentRecordsOf(deps.db, payer(id)),
    refundRecordsOf(deps.db, payer(id)),
    q.proofsOf(deps.db, id),
    getSettings(deps.db),
  ]);
  const preview = cancellable(b, deps.clock.now())
    ? refundPreview(b, policyOf(b.refund_policy, settings.refundPolicy), deps.clock.now())
    : null;
  return {
    booking: toDetails(b),
    participants,
    payments,
    refunds,
    proofs: proofs.map(toProofRecord),
    preview,
    isTraveler: b.user_id === actor.id,
  };
}

/** What the traveler's cancel page shows: the refund they would get now under the policy; null when it can no longer be cancelled. */
export async function cancellation(deps: Deps, actor: Actor, id: number) {
  const b = await ownBooking(deps, actor, id);
  if (!cancellable(b, deps.clock.now())) return null;
  const policy = policyOf(b.refund_policy, (await getSettings(deps.db)).refundPolicy);
  return { booking: toDetails(b), preview: refundPreview(b, policy, deps.clock.now()), policy };
}

export async function myBookings(deps: Deps, actor: Actor) {
  const rows = await q.bookingsOfUser(deps.db, actor.id);
  const today = istDate(deps.clock.now());
  const bookings = rows.map(toSummary);
  return {
    upcoming: bookings
      .filter((b) => (b.status === 'pending' || b.status === 'confirmed') && b.endDate >= today)
      .reverse(),
    past: bookings.filter(
      (b) => b.status === 'completed' || ((b.status === 'confirmed' || b.status === 'pending') && b.endDate < today),
    ),
    cancelled: bookings.filter((b) => b.status === 'cancelled'),
  };
}

// ---------------------------------------------------------------- refund policy

/** The trip's own policy (JSON {days|minDays, percent}[]) or the platform default. */
export function policyOf(json: string | null, fallback: RefundRule[]): RefundRule[] {
  if (!json) return fallback;
  try {
    const rules = (JSON.parse(json) as { days?: number; minDays?: number; percent: number }[]).map((r) => ({
      minDays: Number(r.minDays ?? r.days ?? 0),
      percent: Number(r.percent),
    }));
    return rules.length ? rules : fallback;
  } catch {
    return fallback;
  }
}

export interface RefundPreview {
  daysBefore: number;
  percent: number;
  paid: number;
  refund: number;
}

/** What a traveler cancelling now gets back: the first rule whose minDays the notice meets. */
export function refundPreview(
  b: Pick<BookingRow, 'start_date' | 'amount_paise' | 'payment_status'> &
    Partial<Pick<BookingRow, 'verification_status'>>,
  policy: RefundRule[],
  now: Date,
): RefundPreview {
  const daysBefore = daysBetween(istDate(now), b.start_date);
  const rule = [...policy].sort((a, c) => c.minDays - a.minDays).find((r) => daysBefore >= r.minDays);
  const percent = rule?.percent ?? 0;
  // A UPI payment still being checked counts as paid: it comes back once the organizer finds it.
  const paid = b.payment_status === 'paid' || b.verification_status === 'pending' ? b.amount_paise : 0;
  return { daysBefore, percent, paid, refund: Math.floor((paid * percent) / 100) };
}

/** The percent the trip's refund policy (or the platform's default) gives back when cancelling at `at`. */
async function policyPercent(trx: Kysely<Database>, b: BookingRow, at: Date): Promise<number> {
  return refundPreview(b, policyOf(b.refund_policy, (await getSettings(trx)).refundPolicy), at).percent;
}

const cancellable = (b: Pick<BookingRow, 'status' | 'start_date'>, now: Date) =>
  (b.status === 'pending' || b.status === 'confirmed') && b.start_date > istDate(now);

// ---------------------------------------------------------------- cancellation

/** Cancels inside a transaction: status, seats, refund row, messages. Returns the refund in paise. */
async function cancelInTx(
  deps: Deps,
  trx: Kysely<Database>,
  actor: Actor | null,
  bookingId: number,
  reason: 'traveler' | 'organizer',
  refundPercent: number | null,
  note?: string,
): Promise<number> {
  const b = await q.findBooking(trx, bookingId);
  if (!b || (b.status !== 'pending' && b.status !== 'confirmed')) return -1;
  const now = isoNow(deps.clock);
  const paid = await paidPaymentOf(trx, payer(bookingId));
  // A UPI payment the organizer has not checked yet may well have left the traveler's account:
  // its proof stays in the organizer's queue, and verifying it then records the refund due
  // (verifyUpiProof), worked out here like a paid one's.
  const proof = paid ? undefined : await q.pendingProofOf(trx, bookingId);
  const percent = refundPercent ?? (await policyPercent(trx, b, deps.clock.now()));
  const refund = Math.floor(((paid?.amount_paise ?? proof?.amount_paise ?? 0) * percent) / 100);
  if (!(await lifecycle.cancel(trx, b, reason, refund, now))) return -1;
  if (paid && refund > 0) {
    await recordRefund(trx, {
      booking_id: bookingId,
      payment_id: paid.id,
      amount_paise: refund,
      method: paid.method === 'razorpay' ? 'razorpay' : 'manual',
      reason:
        reason === 'organizer'
          ? 'Cancelled by the organizer'
          : `Cancelled by the traveler (${percent}% under the policy)`,
      created_at: now,
    });
    if (paid.method === 'upi') await message(deps, trx, 'refund-due', bookingId, { refundPaise: refund });
  }
  await message(deps, trx, reason === 'organizer' ? 'trip-cancelled' : 'booking-cancelled', bookingId, {
    refundPaise: refund,
    reason: note,
    upiBeingChecked: !!proof,
  });
  await audit(trx, deps.clock, {
    actorId: actor?.id ?? null,
    action: 'booking.cancelled',
    targetType: 'booking',
    targetId: bookingId,
    before: { status: b.status, payment_status: b.payment_status },
    after: { status: 'cancelled', reason, refund_paise: refund, percent },
  });
  return refund;
}

/** The traveler cancels; the refund follows the trip's policy at this moment. */
export async function cancelBooking(deps: Deps, actor: Actor, bookingId: number): Promise<{ refund: number }> {
  const b = await ownBooking(deps, actor, bookingId);
  if (!cancellable(b, deps.clock.now()))
    throw new Conflict(
      b.status === 'cancelled'
        ? 'This booking is already cancelled.'
        : 'This trip has started or ended; it can no longer be cancelled here.',
    );
  const refund = await tx(deps, (trx) => cancelInTx(deps, trx, actor, bookingId, 'traveler', null));
  if (refund < 0) throw new Conflict('This booking is already cancelled.');
  await bookingChanged(deps, b);
  await sendPendingRefunds(deps, bookingId);
  return { refund };
}

/** The organizer cancels a departure that has bookings: it closes, and every booking on it is cancelled and refunded in full. */
export async function cancelDepartureBookings(
  deps: Deps,
  actor: Actor,
  departureId: number,
  note: string,
): Promise<{ bookings: number }> {
  const d = await q.findDeparture(deps.db, departureId);
  if (!d || !canManageTrip(actor, d)) throw new NotFoundError();
  const ids = await tx(deps, async (trx) => {
    if (Number((await q.closeDeparture(trx, departureId)).numUpdatedRows) !== 1)
      throw new Conflict('This departure is already cancelled.');
    const active = await q.activeBookingsOfDeparture(trx, departureId);
    for (const b of active) await cancelInTx(deps, trx, actor, b.id, 'organizer', 100, note);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'departure.cancelled',
      targetType: 'departure',
      targetId: departureId,
      after: { bookings: active.length, note },
    });
    return active.map((b) => b.id);
  });
  for (const id of ids) await sendPendingRefunds(deps, id);
  return { bookings: ids.length };
}

/** For the trips feature: cancelling a trip cancels all its open departures and their bookings. */
export async function cancelTripBookings(
  deps: Deps,
  actor: Actor,
  tripId: number,
  note = '',
): Promise<{ bookings: number }> {
  let total = 0;
  for (const d of await q.openDepartureIdsOfTrip(deps.db, tripId))
    total += (await cancelDepartureBookings(deps, actor, d.id, note)).bookings;
  return { bookings: total };
}

// ---------------------------------------------------------------- online payment

function gatewayDown(deps: Deps, b: { hold_expires_at: string | null }): DomainError {
  const until = b.hold_expires_at ? ` Your seats stay held until ${formatDateTime(b.hold_expires_at)}.` : '';
  return new Unavailable(
    `The payment service is not answering right now, so nothing was charged.${until} Please try again in a minute, or pay by UPI.`,
  );
}

function payable(deps: Deps, b: BookingRow) {
  if (b.status !== 'pending' || b.payment_status === 'paid')
    throw new Conflict(
      b.status === 'confirmed'
        ? 'This booking is already paid.'
        : 'This booking can no longer be paid. Book again if seats are left.',
    );
  if (b.hold_expires_at && b.hold_expires_at <= isoNow(deps.clock))
    throw new Conflict('Your seat hold has expired. Book again if seats are left.');
}

/** Payable online now: payable, and no UPI proof waiting for the organizer (that would be paying twice). */
function payableOnline(deps: Deps, b: BookingRow) {
  payable(deps, b);
  if (b.verification_status === 'pending')
    throw new Conflict('Your UPI payment proof is with the organizer; wait for their answer.');
}

/** Creates (or reuses) the Razorpay order for a pending booking. */
export async function startOnlinePayment(
  deps: Deps,
  actor: Actor,
  bookingId: number,
): Promise<{ orderId: string; amount: number; booking: BookingRow }> {
  const b = await ownBooking(deps, actor, bookingId);
  payableOnline(deps, b);
  if (deps.payments.mode === 'off') throw new Conflict('Online payment is not available here. Please pay by UPI.');
  try {
    const orderId = await openOrder(deps, actor, payer(bookingId), {
      amount: b.amount_paise,
      receipt: b.code,
      notes: { booking_id: String(b.id), booking_code: b.code },
    });
    return { orderId, amount: b.amount_paise, booking: b };
  } catch (e) {
    if (e instanceof GatewayUnavailable || e instanceof GatewayRejected) {
      deps.log.warn({ err: e, bookingId }, 'razorpay order failed');
      throw gatewayDown(deps, b);
    }
    throw e;
  }
}

/** The order the checkout page opens: the one POST /pay/online made. A GET changes nothing. */
export async function openCheckout(
  deps: Deps,
  actor: Actor,
  bookingId: number,
): Promise<{ orderId: string; booking: PayableBooking; traveler: PayerContact } | null> {
  const b = await ownBooking(deps, actor, bookingId);
  payableOnline(deps, b);
  const orderId = await openOrderId(deps.db, payer(bookingId), b.amount_paise);
  return orderId
    ? {
        orderId,
        booking: toPayable(b),
        traveler: { name: b.traveler_name, email: b.traveler_email, phone: b.traveler_phone },
      }
    : null;
}

/**
 * The bookings feature as a payer (src/payments/owners.ts): what a captured payment buys, and
 * what the traveler and organizer are told when a refund arrives or fails.
 */
const bookingPayments: PaymentOwner = {
  /** Confirm the booking, or, when its hold expired and the seats are gone (or it was cancelled), refund it in full. */
  async captured(deps, trx, pay, p) {
    const now = isoNow(deps.clock);
    const b = (await q.findBooking(trx, pay.booking_id))!;
    if (await lifecycle.confirm(trx, b, { method: 'online', now })) {
      await message(deps, trx, 'booking-confirmed', b.id);
      await audit(trx, deps.clock, {
        actorId: null,
        action: b.status === 'pending' ? 'payment.captured' : 'payment.captured_late',
        targetType: 'booking',
        targetId: b.id,
        after: { order: p.order_id, payment: p.id, amount_paise: p.amount },
      });
      return 'confirmed';
    }
    // Paid for seats we no longer hold (or a second payment): give the money back.
    await recordRefund(trx, {
      booking_id: b.id,
      payment_id: pay.id,
      amount_paise: p.amount,
      method: 'razorpay',
      reason:
        b.status === 'confirmed' ? 'Duplicate payment' : 'Paid after the booking was released and the seats were gone',
      created_at: now,
    });
    if (b.status === 'cancelled')
      await lifecycle.settle(trx, b, { payment_status: 'paid', payment_method: 'online', refund_paise: p.amount }, now);
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'payment.auto_refund',
      targetType: 'booking',
      targetId: b.id,
      after: { order: p.order_id, payment: p.id, amount_paise: p.amount },
    });
    return 'refunding';
  },
  async refunded(deps, trx, r, { actor, razorpayId }) {
    const b = (await q.findBooking(trx, r.booking_id))!;
    if (b.status === 'cancelled')
      await lifecycle.settle(trx, b, { payment_status: 'refunded', refund_paise: r.amount_paise }, isoNow(deps.clock));
    await message(deps, trx, 'booking-refunded', b.id, { refundPaise: r.amount_paise });
    await audit(trx, deps.clock, {
      actorId: actor?.id ?? null,
      action: 'refund.processed',
      targetType: 'refund',
      targetId: r.id,
      after: { booking: b.code, amount_paise: r.amount_paise, method: r.method, razorpay_refund_id: razorpayId },
    });
  },
  async refundFailed(deps, trx, r) {
    await message(deps, trx, 'refund-due', r.booking_id, { refundPaise: r.amount_paise, gatewayFailed: true });
  },
};
registerPaymentOwner('booking', bookingPayments);

/** Checkout came back: payments checks it with Razorpay; a payment that buys nothing now is refunded at once. */
export async function confirmCheckout(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  r: CheckoutReturn,
): Promise<Applied> {
  const b = await ownBooking(deps, actor, bookingId);
  const out = await verifyCheckout(deps, payer(b.id), r);
  await bookingChanged(deps, b);
  if (out === 'refunding') await sendPendingRefunds(deps, bookingId);
  return out;
}

// ---------------------------------------------------------------- refunds

/** The organizer paid a refund back by hand: a UPI one, or one Razorpay could not send. */
export async function markManualRefund(deps: Deps, actor: Actor, refundId: number): Promise<void> {
  const r = await findRefund(deps.db, refundId);
  const b = r ? await q.findBooking(deps.db, r.booking_id) : undefined;
  const byHand = r && (r.method === 'manual' || (r.method === 'razorpay' && r.status === 'failed'));
  if (!r || !b || !byHand || !canManageTrip(actor, b)) throw new NotFoundError();
  const done = await tx(deps, (trx) => markRefundProcessed(deps, trx, refundId, null, actor));
  if (!done) throw new Conflict('This refund is already marked as paid.');
}

// ---------------------------------------------------------------- UPI proof

function upiLink(
  b: Pick<BookingRow, 'upi_id' | 'org_display_name' | 'organizer_name' | 'amount_paise' | 'code'>,
): string | null {
  if (!b.upi_id) return null;
  const p = new URLSearchParams({
    pa: b.upi_id,
    pn: b.org_display_name ?? b.organizer_name,
    am: (b.amount_paise / 100).toFixed(2),
    tn: b.code,
    cu: 'INR',
  });
  return `upi://pay?${p.toString().replace(/\+/g, '%20')}`;
}

/** The payment page's subject: the booking, how it can be paid, and the proof waiting with the organizer or last rejected. */
export async function paymentPage(deps: Deps, actor: Actor, bookingId: number) {
  const b = await ownBooking(deps, actor, bookingId);
  const proofs = (await q.proofsOf(deps.db, bookingId)).map(toProofRecord);
  return {
    booking: toPayable(b),
    upiLink: upiLink(b),
    pendingProof: proofs.find((x) => x.status === 'pending') ?? null,
    rejectedProof: [...proofs].reverse().find((x) => x.status === 'rejected') ?? null,
    gatewayMode: deps.payments.mode,
    /** How long the organizer has to decide on a proof (the seats stay held that long). */
    proofHoldMinutes: (await getSettings(deps.db)).proofHoldMinutes,
  };
}

const PROOF_WIDTHS = [640, 1280] as const;
/** The widths a screenshot was stored at: each of PROOF_WIDTHS, never wider than the original. */
const proofWidths = (p: { screenshot_width: number }) => [
  ...new Set(PROOF_WIDTHS.map((w) => Math.min(w, p.screenshot_width))),
];
/** How long a rejected proof's screenshot is kept (for a dispute); its record stays for good. */
const REJECTED_SCREENSHOT_DAYS = 30;

/**
 * A UPI payment screenshot, for those who may see its booking (its traveler, its organizer,
 * agents, admins); a 404 for anyone else, and null for any other name.
 */
export async function proofScreenshot(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  name: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const b = await bookingFor(deps, actor, bookingId);
  const key = uploadKey(name);
  if (!key || !(await q.proofsOf(deps.db, b.id)).some((p) => p.screenshot_key === key)) return null;
  return readUpload(deps.config.dataDir, name, 'proofs');
}

/**
 * Nightly: screenshots of proofs rejected over 30 days ago are deleted (the proof's record,
 * UTR and amount stay, so money that turns up later can still be matched), and screenshots
 * stored as public uploads by older versions move to the private store. Safe to run twice.
 */
export async function tidyProofScreenshots(deps: Deps): Promise<{ removed: number; moved: number }> {
  const before = addMs(deps.clock.now(), -REJECTED_SCREENSHOT_DAYS * DAY).toISOString();
  let moved = 0;
  for (const p of await q.proofScreenshots(deps.db))
    moved += await moveToStore(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  const rejected = await q.proofsRejectedBefore(deps.db, before);
  for (const p of rejected) await removeImage(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  return { removed: rejected.length, moved };
}

/**
 * The traveler paid by UPI: store the screenshot, queue it for the organizer, extend the hold.
 * A UTR already on another booking's proof (anyone's) is queued too, flagged, but does not
 * extend the hold: one transfer cannot keep several bookings' seats off sale.
 */
export async function submitUpiProof(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  utr: string,
  screenshot: File,
): Promise<{ duplicate: boolean; holdExpiresAt: string | null }> {
  const b = await ownBooking(deps, actor, bookingId);
  payable(deps, b);
  if (!b.upi_id) throw new Conflict('This organizer does not take UPI payments. Please pay online.');
  if (await q.pendingProofOf(deps.db, bookingId))
    throw new Conflict('Your payment proof is already with the organizer.', 'utr');
  const img = await storeImage(deps.config.dataDir, screenshot, 'screenshot', PROOF_WIDTHS, 'proofs');
  const { proofHoldMinutes } = await getSettings(deps.db);
  const sent = await tx(deps, async (trx) => {
    const cur = await q.findBooking(trx, bookingId);
    if (!cur || cur.status !== 'pending')
      throw new Conflict('This booking can no longer be paid. Book again if seats are left.');
    // Again inside the transaction: two submissions at once (a double tap) make one proof.
    if (await q.pendingProofOf(trx, bookingId))
      throw new Conflict('Your payment proof is already with the organizer.', 'utr');
    const duplicate = !!(await q.utrUsedElsewhere(trx, utr, bookingId));
    const now = deps.clock.now();
    await q.insertProof(trx, {
      booking_id: bookingId,
      utr,
      screenshot_key: img.key,
      screenshot_width: img.width,
      screenshot_height: img.height,
      amount_paise: cur.amount_paise,
      duplicate_utr: duplicate ? 1 : 0,
      reason: null,
      decided_by: null,
      decided_at: null,
      created_at: now.toISOString(),
    });
    if (!duplicate)
      await lifecycle.awaitProof(trx, cur, addMs(now, proofHoldMinutes * MINUTE).toISOString(), now.toISOString());
    await message(deps, trx, 'payment-proof-received', bookingId, { duplicateUtr: duplicate });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.proof_submitted',
      targetType: 'booking',
      targetId: bookingId,
      after: {
        utr,
        amount_paise: cur.amount_paise,
        duplicate,
        ...(duplicate ? { hold_kept_until: cur.hold_expires_at } : {}),
      },
    });
    return { duplicate, holdExpiresAt: cur.hold_expires_at };
  });
  await bookingChanged(deps, b);
  return sent;
}

async function proofForOrganizer(deps: Deps, actor: Actor, proofId: number) {
  const p = Number.isSafeInteger(proofId) ? await q.findProof(deps.db, proofId) : undefined;
  const b = p ? await q.findBooking(deps.db, p.booking_id) : undefined;
  if (!p || !b || !canManageTrip(actor, b)) throw new NotFoundError();
  if (p.status !== 'pending') throw new Conflict(`This payment proof was already ${p.status}.`);
  return { p, b };
}

/** The share a cancelled booking gives back: all of it when the organizer cancelled, the trip's policy on the day when the traveler did. */
async function cancelledPercent(trx: Kysely<Database>, b: BookingRow): Promise<number> {
  return b.cancel_reason === 'traveler' && b.cancelled_at ? policyPercent(trx, b, new Date(b.cancelled_at)) : 100;
}

/** The organizer found the money: confirm the booking. */
export async function verifyUpiProof(deps: Deps, actor: Actor, proofId: number): Promise<void> {
  const { p, b: booking } = await proofForOrganizer(deps, actor, proofId);
  await tx(deps, async (trx) => {
    const now = isoNow(deps.clock);
    if (
      !(await q.decideProof(trx, proofId, { status: 'verified', reason: null, decided_by: actor.id, decided_at: now }))
    )
      throw new Conflict('This payment proof was already decided.');
    const b = (await q.findBooking(trx, p.booking_id))!;
    const upiPayment = { amount: p.amount_paise, utr: p.utr, at: now };
    if (await lifecycle.confirm(trx, b, { method: 'upi', now })) {
      await recordUpiPayment(trx, payer(b.id), upiPayment);
      await message(deps, trx, ['payment-verified', 'booking-confirmed'], b.id);
      await audit(trx, deps.clock, {
        actorId: actor.id,
        action: 'upi.verified',
        targetType: 'booking',
        targetId: b.id,
        after: { proof: proofId, utr: p.utr, amount_paise: p.amount_paise },
      });
      return;
    }
    // The money arrived for a booking that no longer takes it whole: cancelled while the proof
    // waited, or paid online meanwhile. The organizer keeps what the booking lets them keep (all
    // of it if it goes ahead; what the policy left when it was cancelled); whatever else was
    // received, and is not already on its way back, is due now.
    const [payments, refunds] = await Promise.all([paymentsOf(trx, payer(b.id)), refundsOf(trx, payer(b.id))]);
    const receivedBefore = payments
      .filter((x) => x.status === 'paid' || x.status === 'refunded')
      .reduce((n, x) => n + x.amount_paise, 0);
    const refunded = refunds.reduce((n, r) => n + r.amount_paise, 0);
    const keep =
      b.status === 'cancelled'
        ? b.amount_paise - Math.floor((b.amount_paise * (await cancelledPercent(trx, b))) / 100)
        : b.amount_paise;
    const due = Math.max(0, Math.min(p.amount_paise, receivedBefore + p.amount_paise - keep - refunded));
    const paidTwice = receivedBefore > 0;
    const pay = await recordUpiPayment(trx, payer(b.id), upiPayment);
    await lifecycle.settle(
      trx,
      b,
      {
        verification_status: 'verified',
        ...(paidTwice ? {} : { payment_status: 'paid' as const, payment_method: 'upi' as const, refund_paise: due }),
      },
      now,
    );
    if (due > 0) {
      await recordRefund(trx, {
        booking_id: b.id,
        payment_id: pay.id,
        amount_paise: due,
        method: 'manual',
        reason: paidTwice
          ? 'Paid twice: online and by UPI'
          : b.cancel_reason === 'proof_expired'
            ? 'Released when the UPI payment was not checked in time'
            : 'Cancelled while the UPI payment was being checked',
        created_at: now,
      });
      await message(deps, trx, 'refund-due', b.id, { refundPaise: due, paidTwice });
    }
    await message(deps, trx, 'payment-verified', b.id, { refundPaise: due });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.verified',
      targetType: 'booking',
      targetId: b.id,
      after: {
        proof: proofId,
        utr: p.utr,
        amount_paise: p.amount_paise,
        booking_status: b.status,
        refund_due_paise: due,
      },
    });
  });
  await bookingChanged(deps, booking);
}

/** The organizer could not find the money: the booking is cancelled and its seats released. */
export async function rejectUpiProof(deps: Deps, actor: Actor, proofId: number, reason: string): Promise<void> {
  const { p, b: booking } = await proofForOrganizer(deps, actor, proofId);
  await tx(deps, async (trx) => {
    const now = isoNow(deps.clock);
    if (!(await q.decideProof(trx, proofId, { status: 'rejected', reason, decided_by: actor.id, decided_at: now })))
      throw new Conflict('This payment proof was already decided.');
    const b = (await q.findBooking(trx, p.booking_id))!;
    if (!(await lifecycle.release(trx, b, 'payment_rejected', now))) {
      // Cancelled or paid online while the proof waited: nothing else changes, but a refund
      // promised on this proof alone (no refund recorded) is no longer due.
      const promised = b.status === 'cancelled' && (await refundsOf(trx, payer(b.id))).length === 0;
      await lifecycle.settle(
        trx,
        b,
        { verification_status: 'rejected', ...(promised ? { refund_paise: 0 } : {}) },
        now,
      );
    }
    await message(deps, trx, 'payment-rejected', b.id, { reason, bookingStatus: b.status });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.rejected',
      targetType: 'booking',
      targetId: b.id,
      after: { proof: proofId, utr: p.utr, reason },
    });
  });
  await bookingChanged(deps, booking);
}

export async function verificationQueue(
  deps: Deps,
  actor: Actor,
): Promise<{ proofs: VerificationItem[]; refunds: RefundDue[] }> {
  const org = managedOrganizerId(actor);
  const [proofs, refunds] = await Promise.all([q.verificationQueue(deps.db, org), q.manualRefundsDue(deps.db, org)]);
  return {
    proofs: proofs.map((p) => ({
      id: p.id,
      utr: p.utr,
      screenshot: { key: p.screenshot_key, width: p.screenshot_width, height: p.screenshot_height },
      amountPaise: p.amount_paise,
      duplicateUtr: p.duplicate_utr === 1,
      createdAt: p.created_at,
      bookingId: p.booking_id,
      code: p.code,
      guests: p.guests,
      holdExpiresAt: p.hold_expires_at,
      bookingStatus: p.booking_status,
      refundPaise: p.refund_paise,
      title: p.title,
      startDate: p.start_date,
      travelerName: p.traveler_name,
      travelerPhone: p.traveler_phone,
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      amountPaise: r.amount_paise,
      reason: r.reason,
      method: r.method,
      code: r.code,
      bookingId: r.booking_id,
      travelerName: r.traveler_name,
      travelerPhone: r.traveler_phone,
    })),
  };
}

// ---------------------------------------------------------------- organizer views

export async function organizerBookings(
  deps: Deps,
  actor: Actor,
  tripId?: number,
  departureId?: number,
): Promise<OrganizerBookingRow[]> {
  const rows = await q.organizerBookings(deps.db, managedOrganizerId(actor), tripId, departureId);
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
  const months = await q.earningsByMonth(deps.db, managedOrganizerId(actor));
  return months.map((m) => ({ month: m.month, paidPaise: m.paid, refundedPaise: m.refunded, netPaise: m.net }));
}

/** Participants of a departure as CSV; cells that a spreadsheet would run as formulas are defused. */
export async function participantsCsv(
  deps: Deps,
  actor: Actor,
  departureId: number,
): Promise<{ filename: string; csv: string }> {
  const d = await q.findDeparture(deps.db, departureId);
  if (!d || !canManageTrip(actor, d)) throw new NotFoundError();
  const rows = await q.participantsOfDeparture(deps.db, departureId);
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

// ---------------------------------------------------------------- jobs

/** Releases unpaid holds whose time is up and warns those about to expire. Safe to run twice. */
export async function expireHolds(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  let expired = 0;
  let warned = 0;
  for (const { id } of await q.expiredHolds(deps.db, now.toISOString())) {
    const done = await tx(deps, async (trx) => {
      const b = await q.findBooking(trx, id);
      if (
        !b ||
        b.status !== 'pending' ||
        !b.hold_expires_at ||
        b.hold_expires_at > now.toISOString() ||
        b.verification_status === 'pending'
      )
        return null;
      if (!(await lifecycle.release(trx, b, 'expired', now.toISOString()))) return null;
      await message(deps, trx, 'hold-expired', id);
      await audit(trx, deps.clock, {
        actorId: null,
        action: 'booking.hold_released',
        targetType: 'booking',
        targetId: id,
        after: {
          reason: 'expired',
          guests: b.guests,
          amount_paise: b.amount_paise,
          hold_expires_at: b.hold_expires_at,
        },
      });
      return b;
    });
    if (done) {
      expired++;
      await bookingChanged(deps, done);
    }
    await breathe();
  }
  for (const { id } of await q.holdsExpiringBefore(deps.db, now.toISOString(), addMs(now, 10 * MINUTE).toISOString())) {
    const done = await tx(deps, async (trx) => {
      if (!(await q.markExpiryWarned(trx, id, now.toISOString()))) return false;
      await message(deps, trx, 'hold-expiring', id);
      return true;
    });
    if (done) warned++;
    await breathe();
  }
  return `expired ${expired}, warned ${warned}`;
}

/**
 * UPI proofs still undecided at their decide-by time (the end of the booking's hold): the
 * organizer is reminded once; `proofReleaseHours` after that time the booking is cancelled, its
 * seats go back on sale and both sides are told. The proof stays in the organizer's queue, so
 * money that did arrive is still found: verifying it then records the payment and a full
 * refund due (verifyUpiProof). Safe to run twice.
 */
export async function chaseOverdueProofs(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  const releaseHours = await getSetting(deps.db, 'proofReleaseHours');
  const releaseBefore = releaseHours === null ? null : addMs(now, -releaseHours * HOUR).toISOString();
  let reminded = 0;
  let released = 0;
  for (const p of await q.overdueProofs(deps.db, now.toISOString())) {
    if (!p.reminded_at) {
      const done = await tx(deps, async (trx) => {
        if (!(await q.markProofReminded(trx, p.proof_id, now.toISOString()))) return false;
        await message(deps, trx, 'proof-overdue', p.booking_id, { releaseHours });
        return true;
      });
      if (done) reminded++;
    }
    if (
      releaseBefore !== null &&
      p.hold_expires_at! <= releaseBefore &&
      (await tx(deps, (trx) => releaseOverdueProof(deps, trx, p.proof_id, p.booking_id, releaseBefore)))
    )
      released++;
    await breathe();
  }
  return `reminded ${reminded}, released ${released}`;
}

/** Cancels a booking whose UPI proof went undecided past `releaseBefore`, unless it was decided or cancelled meanwhile. */
async function releaseOverdueProof(
  deps: Deps,
  trx: Kysely<Database>,
  proofId: number,
  bookingId: number,
  releaseBefore: string,
): Promise<boolean> {
  const b = await q.findBooking(trx, bookingId);
  const proof = await q.pendingProofOf(trx, bookingId);
  if (
    !b ||
    !proof ||
    proof.id !== proofId ||
    b.verification_status !== 'pending' ||
    !b.hold_expires_at ||
    b.hold_expires_at > releaseBefore
  )
    return false;
  const now = isoNow(deps.clock);
  // Found later, the money goes back in full (verifyUpiProof): the traveler did nothing wrong.
  if (!(await lifecycle.release(trx, b, 'proof_expired', now, proof.amount_paise))) return false;
  await message(deps, trx, ['proof-released', 'proof-released-organizer'], bookingId, {
    refundPaise: proof.amount_paise,
  });
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'booking.hold_released',
    targetType: 'booking',
    targetId: bookingId,
    after: {
      reason: 'proof_not_decided',
      guests: b.guests,
      amount_paise: b.amount_paise,
      proof: proofId,
      decide_by: b.hold_expires_at,
    },
  });
  return true;
}

/** The day before a departure (run in the evening, IST): remind its confirmed travelers once. */
export async function sendTripReminders(deps: Deps): Promise<string> {
  const tomorrow = istDate(addMs(deps.clock.now(), DAY));
  let sent = 0;
  for (const { id } of await q.confirmedStartingOn(deps.db, tomorrow)) {
    const done = await tx(deps, async (trx) => {
      if (!(await q.markReminderSent(trx, id, isoNow(deps.clock)))) return false;
      await message(deps, trx, 'trip-reminder', id);
      return true;
    });
    if (done) sent++;
    await breathe();
  }
  return `reminded ${sent}`;
}

/** Nightly: confirmed bookings whose trip has ended become completed (reviews ask for it). Safe to run twice. */
export async function completeEndedBookings(deps: Deps): Promise<string> {
  const today = istDate(deps.clock.now());
  let completed = 0;
  for (const b of await q.confirmedEndedBefore(deps.db, today)) {
    if (await lifecycle.complete(deps.db, b, isoNow(deps.clock))) completed++;
    await breathe();
  }
  return `completed ${completed} bookings`;
}

// ---------------------------------------------------------------- for the reviews feature

/** A booking as the reviews feature sees it: whose it is, which trip, when it ran. */
export interface ReviewableBooking {
  id: number;
  code: string;
  tripId: number;
  organizerId: number;
  userId: number;
  title: string;
  startDate: string;
  endDate: string;
  organizerName: string;
  travelerName: string;
  travelerEmail: string;
}

const toReviewable = (b: BookingRow): ReviewableBooking => ({
  id: b.id,
  code: b.code,
  tripId: b.trip_id,
  organizerId: b.organizer_id,
  userId: b.user_id,
  title: b.title,
  startDate: b.start_date,
  endDate: b.end_date,
  organizerName: b.org_display_name ?? b.organizer_name,
  travelerName: b.traveler_name,
  travelerEmail: b.traveler_email,
});

/**
 * The booking its own traveler may review now: theirs (anyone else's is a 404, an admin's view
 * included), its trip over and the booking completed. Otherwise a Conflict that says why.
 */
export async function reviewableBooking(deps: Deps, actor: Actor, bookingId: number): Promise<ReviewableBooking> {
  const b = Number.isSafeInteger(bookingId) ? await q.findBooking(deps.db, bookingId) : undefined;
  if (!b || b.user_id !== actor.id) throw new NotFoundError();
  if (b.status === 'cancelled' || b.status === 'pending')
    throw new Conflict(
      b.status === 'cancelled'
        ? 'This booking was cancelled, so there is no trip to review.'
        : 'This booking was never paid, so there is no trip to review.',
    );
  if (b.end_date >= istDate(deps.clock.now())) throw new Conflict('You can review this trip once it has ended.');
  if (b.status !== 'completed')
    throw new Conflict('Your booking is marked completed the night after the trip ends; you can review it then.');
  return toReviewable(b);
}

/** The traveler's completed bookings, latest trip first. */
export async function completedBookingsOf(deps: Pick<Deps, 'db'>, userId: number): Promise<ReviewableBooking[]> {
  const rows = await q.bookingsOfUser(deps.db, userId);
  return rows.filter((b) => b.status === 'completed').map(toReviewable);
}

/** Completed bookings whose trip ended in the last `days` days (up to yesterday, India time). */
export async function recentlyCompletedBookings(
  deps: Pick<Deps, 'db' | 'clock'>,
  days: number,
): Promise<ReviewableBooking[]> {
  const now = deps.clock.now();
  const rows = await q.completedEndedBetween(deps.db, istDate(addMs(now, -days * DAY)), istDate(now));
  return rows.map(toReviewable);
}

/** The booking form's first guest, filled from the account (a 10-digit number, as typed in the form). */
export async function leadOf(deps: Deps, actor: Actor): Promise<{ name: string; phone: string }> {
  const u = await q.leadTraveler(deps.db, actor.id);
  return { name: u?.name ?? '', phone: u?.phone?.replace(/^\+91/, '') ?? '' };
}

/** A free trip is joined in one click with the traveler's own name and phone. */
export async function joinFreeTrip(deps: Deps, actor: Actor, tripId: number, departureId: number) {
  const t = await q.findBookable(deps.db, tripId, departureId);
  if (!t || t.trip_status !== 'active') throw new NotFoundError();
  if (t.price_paise !== 0) throw new DomainError('This trip is not free; fill in the booking form.', 'departure');
  const me = (await q.leadTraveler(deps.db, actor.id))!;
  return createBooking(deps, actor, tripId, {
    departureId,
    participants: [{ name: me.name, phone: me.phone ?? '', age: 0, dietary: '' }],
    specialRequests: '',
  });
}

/** The departure an organizer is about to cancel, with how many bookings it touches. */
export async function departureForOrganizer(
  deps: Deps,
  actor: Actor,
  departureId: number,
): Promise<{ departure: DepartureToCancel; active: number }> {
  const d = await q.findDeparture(deps.db, departureId);
  if (!d || !canManageTrip(actor, d)) throw new NotFoundError();
  if (d.status !== 'open') throw new Conflict('This departure is already cancelled.');
  return {
    departure: { id: d.id, title: d.title, startDate: d.start_date },
    active: (await q.activeBookingsOfDeparture(deps.db, departureId)).length,
  };
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped; every line break (CRLF,
 * a lone CR or a lone LF) becomes the \\n escape, so no value can end its content line and start
 * another property; other control characters, which TEXT does not allow, are dropped.
 */
const icsText = (s: string) =>
  s
    .replace(/[\\;,]/g, (ch) => `\\${ch}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

/** A content line folded at 75 octets (RFC 5545 3.1): CRLF and a space, never inside a UTF-8 character. */
function icsFold(line: string): string {
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (octets + n > 75) {
      parts.push(part);
      part = ' ';
      octets = 1;
    }
    part += ch;
    octets += n;
  }
  parts.push(part);
  return parts.join('\r\n');
}

/** An all-day calendar event from the first to the last day of the trip (RFC 5545). */
export function bookingIcs(b: BookingRow, publicUrl: string, now: Date): string {
  const day = (d: string) => d.replace(/-/g, '');
  const after = new Date(`${b.end_date}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//TrekTribe//Bookings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:booking-${b.code}@trektribe`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${day(b.start_date)}`,
    `DTEND;VALUE=DATE:${day(after.toISOString().slice(0, 10))}`,
    `SUMMARY:${icsText(`${b.title} (${b.code})`)}`,
    `LOCATION:${icsText(b.meeting_point ?? b.destination)}`,
    `DESCRIPTION:${icsText(`Booking ${b.code}, ${b.guests} guest(s). ${publicUrl}/bookings/${b.id}`)}`,
    `URL:${publicUrl}/bookings/${b.id}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(icsFold).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- for support and the CRM

/** A customer's bookings and each one's payments, newest trip first (an agent's customer page). */
export async function customerBookings(
  deps: Pick<Deps, 'db'>,
  userId: number,
): Promise<{ booking: BookingSummary; payments: PaymentRecord[] }[]> {
  const rows = await q.bookingsOfUser(deps.db, userId);
  return Promise.all(
    rows.map(async (b) => ({ booking: toSummary(b), payments: await paymentRecordsOf(deps.db, payer(b.id)) })),
  );
}

/** The user a booking code belongs to, or null (codes are matched in upper case). */
export async function customerOfBookingCode(deps: Pick<Deps, 'db'>, code: string): Promise<number | null> {
  return (await q.userOfBookingCode(deps.db, code.trim().toUpperCase()))?.user_id ?? null;
}
