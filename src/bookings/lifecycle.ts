import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { BookingStatus, PaymentStatus, VerificationStatus } from './tables.js';
import * as q from './queries.js';

/**
 * A booking's life, and the only code that writes its state (`status`, `payment_status`,
 * `verification_status`, `cancel_reason`, `hold_expires_at`) and the seats that go with it:
 *
 *   hold ──→ pending ──confirm──→ confirmed ──complete──→ completed
 *               │  └──release──→ cancelled (expired, proof_expired, payment_rejected, proof_not_resent)
 *               └────cancel────→ cancelled (traveler, organizer) ←──cancel── confirmed
 *   cancelled (expired) ──confirm (seats taken again)──→ confirmed
 *   cancelled ──refundOnArrival (money that came too late, received and due back)──→ cancelled
 *   confirmed ──move (the new departure's seats taken, the old one's released)──→ confirmed
 *   confirmed ──lowerPrice (a move to a cheaper date: what it costs and what was received come down)──→ confirmed
 *   pending (proof being checked) ──askResend──→ pending (a new proof asked for, held until a deadline)
 *                                  ←─awaitProof── (the new proof)
 *   confirmed, deposit paid (payment_status 'pending') ──payBalance──→ confirmed, paid
 *        │  ──awaitBalanceProof / balanceProofRejected── (a UPI proof of the balance checked)
 *        └──cancel (balance_unpaid)──→ cancelled
 *
 * `paid_paise` is the money received so far: confirm sets it to what paid for the booking (its
 * deposit or all of it), payBalance adds the balance, move adds what a paid move cost, refundOnArrival
 * adds money that arrived after a cancellation (and adds it to `refund_paise` too), lowerPrice takes off
 * what a move gives back.
 *
 * Each verb checks the transition twice: against the booking it was given (nothing is written
 * when that is not a state it may leave) and in its UPDATE (`where status in …`), so a booking
 * changed by someone else meanwhile is left alone too. A refused transition returns false and
 * writes nothing. Every verb runs inside the caller's transaction.
 */

type Db = Kysely<Database>;

/** What a verb needs to know about the booking it moves. */
export interface BookingState {
  id: number;
  departure_id: number;
  guests: number;
  status: BookingStatus;
  cancel_reason?: string | null;
}

export type ReleaseReason = 'expired' | 'proof_expired' | 'payment_rejected' | 'proof_not_resent';
export type CancelReason = 'traveler' | 'organizer' | 'balance_unpaid';

const allowed = (b: BookingState, from: readonly BookingStatus[]) => from.includes(b.status);

/** The booking's facts; its state is the verb's to set. */
export interface HoldInput extends Pick<
  q.NewBooking,
  | 'code'
  | 'trip_id'
  | 'departure_id'
  | 'user_id'
  | 'organizer_id'
  | 'guests'
  | 'amount_paise'
  | 'special_requests'
  | 'deposit_paise'
  | 'balance_due_on'
> {
  now: string;
  /** When an unpaid hold lapses; ignored for a free booking, which is confirmed at once. */
  holdUntil: string | null;
}

/**
 * Takes the seats and writes the booking: pending with a hold until `holdUntil`, or, when there is
 * nothing to pay, confirmed at once. Null when the seats are not there (or the departure closed).
 */
export async function hold(
  db: Db,
  b: HoldInput,
): Promise<{ id: number; code: string; status: 'pending' | 'confirmed' } | null> {
  if ((await q.takeSeats(db, b.departure_id, b.guests)) === 0) return null;
  const free = b.amount_paise === 0;
  const status = free ? ('confirmed' as const) : ('pending' as const);
  const { id, code } = await q.insertBooking(db, {
    code: b.code,
    trip_id: b.trip_id,
    departure_id: b.departure_id,
    user_id: b.user_id,
    organizer_id: b.organizer_id,
    guests: b.guests,
    amount_paise: b.amount_paise,
    status,
    cancel_reason: null,
    payment_method: free ? 'free' : null,
    payment_status: free ? 'paid' : 'pending',
    verification_status: null,
    hold_expires_at: free ? null : b.holdUntil,
    expiry_warned_at: null,
    reminder_sent_at: null,
    special_requests: b.special_requests,
    deposit_paise: free ? 0 : b.deposit_paise,
    balance_due_on: free ? null : b.balance_due_on,
    confirmed_at: free ? b.now : null,
    cancelled_at: null,
    created_at: b.now,
    updated_at: b.now,
  });
  return { id, code, status };
}

/**
 * A UPI proof is with the organizer: the hold runs until at least `until` while they check it.
 * Only a pending booking waits for a proof.
 */
export async function awaitProof(
  db: Db,
  b: BookingState & { hold_expires_at: string | null },
  until: string,
  now: string,
): Promise<boolean> {
  if (!allowed(b, ['pending'])) return false;
  return q.transition(db, b.id, ['pending'], {
    verification_status: 'pending',
    payment_method: 'upi',
    updated_at: now,
    hold_expires_at: b.hold_expires_at && b.hold_expires_at > until ? b.hold_expires_at : until,
  });
}

/**
 * The organizer asked for the UPI proof again: the booking stays pending with its seats, its last
 * proof rejected (`verification_status` 'rejected' on a pending booking means exactly this), held
 * until `until` for the new proof, and no longer. Only a pending booking is asked.
 */
export async function askResend(db: Db, b: BookingState, until: string, now: string): Promise<boolean> {
  if (!allowed(b, ['pending'])) return false;
  return q.transition(db, b.id, ['pending'], {
    verification_status: 'rejected',
    hold_expires_at: until,
    updated_at: now,
  });
}

/**
 * Paid: a pending booking is confirmed, with `paid` received (its deposit: the balance stays
 * outstanding, `payment_status` 'pending'; or all of it: 'paid'). A booking released because its
 * hold ran out is confirmed too when its seats can be taken again (the payment arrived late); any
 * other cancelled booking is not.
 */
export async function confirm(
  db: Db,
  b: BookingState & { amount_paise: number },
  how: { method: 'online' | 'upi'; now: string; paid: number },
): Promise<boolean> {
  // Only an online payment can arrive after the hold ran out: a UPI proof keeps the hold open.
  const late = how.method === 'online' && b.status === 'cancelled' && b.cancel_reason === 'expired';
  if (!allowed(b, ['pending']) && !late) return false;
  if (late && (await q.takeSeats(db, b.departure_id, b.guests)) === 0) return false;
  const ok = await q.transition(db, b.id, [b.status], {
    status: 'confirmed',
    payment_method: how.method,
    payment_status: how.paid >= b.amount_paise ? 'paid' : 'pending',
    paid_paise: how.paid,
    hold_expires_at: null,
    cancel_reason: null,
    cancelled_at: null,
    ...(how.method === 'upi' ? { verification_status: 'verified' as const } : {}),
    confirmed_at: how.now,
    updated_at: how.now,
  });
  if (!ok && late) await q.releaseSeats(db, b.departure_id, b.guests);
  return ok;
}

type Owing = BookingState & { amount_paise: number; paid_paise: number; payment_status: PaymentStatus };
const owes = (b: Owing) => b.status === 'confirmed' && b.payment_status === 'pending' && b.paid_paise < b.amount_paise;

/** The balance arrived: a confirmed booking with its deposit paid is paid in full. Refused when it owes nothing, or was paid meanwhile. */
export async function payBalance(
  db: Db,
  b: Owing,
  how: { method: 'online' | 'upi'; amount: number; now: string },
): Promise<boolean> {
  if (!owes(b) || how.amount < b.amount_paise - b.paid_paise) return false;
  return q.addPaid(db, b.id, ['confirmed'], b.paid_paise, how.amount, {
    payment_status: 'paid',
    payment_method: how.method,
    ...(how.method === 'upi' ? { verification_status: 'verified' as const } : {}),
    updated_at: how.now,
  });
}

/** A UPI proof of the balance is with the organizer; the booking stays confirmed meanwhile. */
export async function awaitBalanceProof(db: Db, b: Owing, now: string): Promise<boolean> {
  if (!owes(b)) return false;
  return q.transition(db, b.id, ['confirmed'], { verification_status: 'pending', updated_at: now });
}

/** The organizer did not find the balance's UPI payment: still owed, to be paid again by the due date. */
export async function balanceProofRejected(db: Db, b: Owing, now: string): Promise<boolean> {
  if (!owes(b)) return false;
  return q.transition(db, b.id, ['confirmed'], { verification_status: 'rejected', updated_at: now });
}

/**
 * An unpaid hold ends without payment (its time ran out, its UPI proof went undecided, or the
 * organizer rejected the proof): the booking is cancelled and its seats go back on sale.
 * `refundPaise` is what is due back should money that arrived be found later.
 */
export async function release(
  db: Db,
  b: BookingState,
  reason: ReleaseReason,
  now: string,
  refundPaise?: number,
): Promise<boolean> {
  if (!allowed(b, ['pending'])) return false;
  const ok = await q.transition(db, b.id, ['pending'], {
    status: 'cancelled',
    cancel_reason: reason,
    hold_expires_at: null,
    cancelled_at: now,
    updated_at: now,
    ...(reason === 'payment_rejected' ? { verification_status: 'rejected' as const } : {}),
    ...(refundPaise !== undefined ? { refund_paise: refundPaise } : {}),
  });
  if (ok) await q.releaseSeats(db, b.departure_id, b.guests);
  return ok;
}

/** The traveler or the organizer cancels a booking that is still to happen (or the balance job, when its balance went unpaid); its seats go back on sale. */
export async function cancel(
  db: Db,
  b: BookingState,
  reason: CancelReason,
  refundPaise: number,
  now: string,
): Promise<boolean> {
  if (!allowed(b, ['pending', 'confirmed'])) return false;
  const ok = await q.transition(db, b.id, ['pending', 'confirmed'], {
    status: 'cancelled',
    cancel_reason: reason,
    cancelled_at: now,
    updated_at: now,
    hold_expires_at: null,
    refund_paise: refundPaise,
  });
  if (ok) await q.releaseSeats(db, b.departure_id, b.guests);
  return ok;
}

/**
 * A confirmed booking moves to another departure of its trip: the new departure's seats are
 * taken and the old one's released in the caller's transaction, or nothing changes (false: no
 * seats there, the departure closed, or the booking is no longer confirmed where it was).
 * `amountPaise` is what the booking costs on its new departure; `balanceDueOn` when its balance is
 * due there (a balance still owed follows the new start); `paidPaise` what was paid for the move
 * itself (added to `paid_paise`).
 */
export async function move(
  db: Db,
  b: BookingState & { balance_due_on: string | null; paid_paise: number },
  toDepartureId: number,
  amountPaise: number,
  balanceDueOn: string | null,
  now: string,
  paidPaise = 0,
): Promise<boolean> {
  if (!allowed(b, ['confirmed']) || b.departure_id === toDepartureId) return false;
  if ((await q.takeSeats(db, toDepartureId, b.guests)) === 0) return false;
  const ok = await q.changeDeparture(db, b.id, b.departure_id, {
    departure_id: toDepartureId,
    amount_paise: amountPaise,
    // What the traveler paid for the move (its fee, a higher price) is money received like any other.
    ...(paidPaise > 0 ? { paid_paise: b.paid_paise + paidPaise } : {}),
    // A new due day for the balance: its reminders start again.
    ...(balanceDueOn !== b.balance_due_on ? { balance_due_on: balanceDueOn, balance_reminders: 0 } : {}),
    updated_at: now,
  });
  if (!ok) {
    await q.releaseSeats(db, toDepartureId, b.guests);
    return false;
  }
  await q.releaseSeats(db, b.departure_id, b.guests);
  return true;
}

/** The trip took place: a confirmed booking is completed (what reviews ask for). */
export async function complete(db: Db, b: BookingState, now: string): Promise<boolean> {
  if (!allowed(b, ['confirmed'])) return false;
  return q.transition(db, b.id, ['confirmed'], { status: 'completed', updated_at: now });
}

/**
 * Money arrived on a booking already cancelled (a balance captured after the balance job cancelled
 * it, a payment after its hold ran out and the seats were gone): it is received (`paid_paise`) and
 * due back in full (`refund_paise`) at once, so what was received less what goes back is still what
 * the cancellation kept. Its status does not change.
 */
export async function refundOnArrival(
  db: Db,
  b: BookingState & { paid_paise: number; refund_paise: number },
  how: { method: 'online' | 'upi'; amount: number; now: string },
): Promise<boolean> {
  if (!allowed(b, ['cancelled'])) return false;
  return q.addPaid(db, b.id, ['cancelled'], b.paid_paise, how.amount, {
    payment_status: 'paid',
    payment_method: how.method,
    refund_paise: b.refund_paise + how.amount,
    updated_at: how.now,
  });
}

/**
 * A move to a cheaper date: the confirmed booking now costs `amountPaise`, and `refundPaise` of
 * what was received goes back (paid_paise comes down with it). A balance the new price leaves
 * covered is owed no more. Refused when the booking changed meanwhile.
 */
export async function lowerPrice(
  db: Db,
  b: Owing,
  s: { amountPaise: number; refundPaise: number; now: string },
): Promise<boolean> {
  if (!allowed(b, ['confirmed'])) return false;
  return q.addPaid(db, b.id, ['confirmed'], b.paid_paise, -s.refundPaise, {
    amount_paise: s.amountPaise,
    ...(b.paid_paise - s.refundPaise >= s.amountPaise ? { payment_status: 'paid' as const } : {}),
    updated_at: s.now,
  });
}

export interface Settlement {
  payment_status?: PaymentStatus;
  payment_method?: 'online' | 'upi';
  verification_status?: VerificationStatus;
  refund_paise?: number;
}

/**
 * Money found or returned after a booking's fate was decided (a UPI proof checked after it was
 * cancelled or paid online, a late payment, a refund sent): the payment facts change, its
 * status does not. A pending booking is moved by confirm or release instead.
 */
export async function settle(db: Db, b: BookingState, s: Settlement, now: string): Promise<boolean> {
  const closed: BookingStatus[] = ['confirmed', 'cancelled', 'completed'];
  if (!allowed(b, closed)) return false;
  return q.transition(db, b.id, closed, { ...s, updated_at: now });
}
