import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import { canManageTrip } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { formatPaise } from '../lib/money.js';
import { addDays, formatDay, istDate } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import { recordUpiPayment } from '../payments/orders.js';
import { recordRefund, refundAcross, refundableOf, sendPendingRefunds } from '../payments/refunds.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import * as qm from './queries-moves.js';
import * as qp from './queries-upi-proofs.js';
import type { BookingRow } from './queries.js';
import * as lifecycle from './lifecycle.js';
import { bookingFor, ownBooking } from './access.js';
import { message } from './messages.js';
import { balanceOf } from './deposits.js';
import { payer, toDetails } from './rows.js';
import { offerFreedSeats } from './waitlist.js';
import type { MoveOption, MoveRecord, MoveTerms, PendingMove } from './types.js';

/**
 * Moving a confirmed booking to another departure of its trip (the traveler until the trip's
 * cut-off, for its fee; the organizer at any time before the start, free), and the
 * participants' details the traveler may edit until the same cut-off.
 */

type Side = 'traveler' | 'organizer';

/** The last day the traveler may still move or edit: the cut-off, and never the start day itself. */
export const lastDayOf = (b: Pick<BookingRow, 'start_date' | 'move_cutoff_days'>) =>
  addDays(b.start_date, -Math.max(1, b.move_cutoff_days));

function termsOf(b: BookingRow, side: Side, today: string): MoveTerms {
  const lastDay = lastDayOf(b);
  return {
    feePaise: side === 'organizer' ? 0 : b.move_fee_paise,
    differencePaise: side === 'organizer' ? 0 : b.price_paise * b.guests - b.amount_paise,
    lastDay,
    open: b.status === 'confirmed' && (side === 'organizer' ? b.start_date > today : today <= lastDay),
  };
}

/** A booking its organizer (or an admin) manages; anyone else gets a 404. */
async function managedBooking(deps: Deps, actor: Actor, id: number): Promise<BookingRow> {
  const b = await bookingFor(deps, actor, id);
  if (!canManageTrip(actor, b)) throw new NotFoundError();
  return b;
}

const sideOf = (deps: Deps, actor: Actor, id: number, side: Side) =>
  side === 'organizer' ? managedBooking(deps, actor, id) : ownBooking(deps, actor, id);

/** The departures a booking could move to: for the traveler, only those still before the cut-off themselves. */
async function optionsOf(db: Kysely<Database>, b: BookingRow, side: Side, today: string): Promise<MoveOption[]> {
  const after = side === 'organizer' ? today : addDays(today, Math.max(1, b.move_cutoff_days) - 1);
  return (await qm.moveTargets(db, b.trip_id, b.departure_id, after)).map((d) => ({
    departureId: d.id,
    startDate: d.start_date,
    endDate: d.end_date,
    seatsLeft: Math.max(0, d.capacity - d.seats_taken),
    fits: d.capacity - d.seats_taken >= b.guests,
  }));
}

const toMoveRecord = (m: Awaited<ReturnType<typeof qm.movesOf>>[number]): MoveRecord => ({
  fromStart: m.from_start,
  toStart: m.to_start,
  feePaise: m.fee_paise,
  differencePaise: m.difference_paise,
  byOrganizer: m.by_organizer === 1,
  createdAt: m.created_at,
});

/** The booking's move waiting for its payment, as its pages show it; null when none waits (or the booking is not confirmed). */
export async function pendingMoveFor(db: Kysely<Database>, b: BookingRow): Promise<PendingMove | null> {
  const m = b.status === 'confirmed' ? await qm.pendingMoveOf(db, b.id) : undefined;
  if (!m) return null;
  return {
    id: m.id,
    toStart: m.to_start,
    toEnd: m.to_end,
    feePaise: m.fee_paise,
    differencePaise: m.difference_paise,
    duePaise: m.due_paise,
    proofPending: !!(await qp.pendingMoveProof(db, m.id)),
  };
}

/** What the move page shows: the booking, the departures it could go to, the terms, a move waiting for payment, its earlier moves. */
export async function moveChoices(deps: Deps, actor: Actor, bookingId: number, side: Side) {
  const b = await sideOf(deps, actor, bookingId, side);
  const today = istDate(deps.clock.now());
  const terms = termsOf(b, side, today);
  return {
    booking: toDetails(b),
    terms,
    options: terms.open ? await optionsOf(deps.db, b, side, today) : [],
    pending: await pendingMoveFor(deps.db, b),
    moves: (await qm.movesOf(deps.db, b.id)).filter((m) => m.status === 'done').map(toMoveRecord),
  };
}

/**
 * Moves the booking in one transaction: the new seats taken and the old ones released
 * together (lifecycle.move), the move recorded and audited,
 * both sides told. Throws (and so changes nothing) when the seats are not there.
 */
export async function moveBooking(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  toDepartureId: number,
  side: Side,
): Promise<{ startDate: string; duePaise?: number }> {
  const seen = await sideOf(deps, actor, bookingId, side);
  const today = istDate(deps.clock.now());
  const out = await tx(deps.db, async (trx) => {
    const b = (await q.findBooking(trx, bookingId))!;
    const terms = termsOf(b, side, today);
    if (b.status !== 'confirmed') throw new Conflict('Only a confirmed booking can move to another departure.');
    if (!terms.open)
      throw new Conflict(
        `Moves to another departure closed on ${formatDay(terms.lastDay)}; cancel instead, or ask the organizer.`,
      );
    const target = (await optionsOf(trx, b, side, today)).find((o) => o.departureId === toDepartureId);
    if (!target) throw new DomainError('Choose one of the departures listed.', 'departure');
    const due = terms.feePaise + terms.differencePaise;
    if (due > 0) return pendInTx(deps, trx, actor, b, target, terms, due, today);
    return moveInTx(deps, trx, actor.id, b, target, terms, side);
  });
  await bookingChanged(deps, seen);
  // A cheaper date's difference goes back through Razorpay after the commit, as a cancellation's does.
  await sendPendingRefunds(deps, bookingId);
  return out;
}

/**
 * A move to a cheaper date (its fee less than the difference): the booking now costs the new
 * price plus the fee, and what was received beyond that is refunded against its payments, the
 * latest first, never above what is left of each (a UPI payment's part is paid back by hand by
 * the organizer, who is told). Audited; the refund in paise (0 when nothing was paid beyond it).
 */
async function refundDifference(
  deps: Deps,
  trx: Kysely<Database>,
  actorId: number | null,
  b: BookingRow,
  terms: MoveTerms,
  now: string,
): Promise<number> {
  const amount = b.amount_paise + terms.differencePaise + terms.feePaise;
  const owed = Math.min(Math.max(0, b.paid_paise - amount), await refundableOf(trx, payer(b.id)));
  const parts = owed
    ? await refundAcross(trx, payer(b.id), owed, {
        reason: `Moved from ${formatDay(b.start_date)} to a cheaper date`,
        created_at: now,
      })
    : [];
  const refund = parts.reduce((n, p) => n + p.amountPaise, 0);
  if (!(await lifecycle.lowerPrice(trx, b, { amountPaise: amount, refundPaise: refund, now })))
    throw new Conflict('This booking changed meanwhile; reload the page and try again.');
  for (const p of parts)
    if (p.method === 'manual')
      await message(deps, trx, 'refund-due', b.id, { refundPaise: p.amountPaise, movedFrom: b.start_date });
  await audit(trx, deps.clock, {
    actorId,
    action: 'booking.move_refunded',
    targetType: 'booking',
    targetId: b.id,
    before: { amount_paise: b.amount_paise, paid_paise: b.paid_paise },
    after: {
      amount_paise: amount,
      paid_paise: b.paid_paise - refund,
      refund_paise: refund,
      fee_paise: terms.feePaise,
      refunds: parts.map((p) => ({ payment: p.paymentId, amount_paise: p.amountPaise, method: p.method })),
    },
  });
  return refund;
}

/**
 * A booking whose balance is still owed keeps the trip's terms on its new date: the balance is
 * due that many days before the new start. A date whose due day is already here takes the
 * balance first (a booking made then pays in full).
 */
function balanceDueAfterMove(b: BookingRow, target: MoveOption, today: string): string | null {
  if (balanceOf(b) === 0 || !b.balance_due_on) return b.balance_due_on;
  const dueOn = b.balance_due_days ? addDays(target.startDate, -b.balance_due_days) : b.balance_due_on;
  if (dueOn <= today)
    throw new Conflict(
      `The balance of ${formatPaise(balanceOf(b))} is due before a move to ${formatDay(target.startDate)}: pay it first, then move.`,
      'departure',
    );
  return dueOn;
}

/**
 * A traveler's move that costs something waits for its payment: a `booking_moves` row
 * 'awaiting_payment' with what it costs, the booking left confirmed where it is and no seat
 * taken or released. The new date's seats are not held meanwhile: when they are gone by the time
 * the money arrives, it goes back in full (settlePaidMove). A new pending move replaces the old one,
 * unless the old one's UPI proof is with the organizer.
 */
async function pendInTx(
  deps: Deps,
  trx: Kysely<Database>,
  actor: Actor,
  b: BookingRow,
  target: MoveOption,
  terms: MoveTerms,
  due: number,
  today: string,
): Promise<{ startDate: string; duePaise: number }> {
  balanceDueAfterMove(b, target, today);
  const now = isoNow(deps.clock);
  const before = await qm.pendingMoveOf(trx, b.id);
  if (before && (await qp.pendingMoveProof(trx, before.id)))
    throw new Conflict(
      `Your UPI payment for the move to ${formatDay(before.to_start)} is with the organizer; wait for their answer.`,
    );
  if (before) await qm.closePendingMove(trx, before.id, 'cancelled', now);
  const moveId = await qm.insertMove(trx, {
    booking_id: b.id,
    from_departure_id: b.departure_id,
    to_departure_id: target.departureId,
    guests: b.guests,
    fee_paise: terms.feePaise,
    difference_paise: terms.differencePaise,
    due_paise: due,
    status: 'awaiting_payment',
    moved_by: actor.id,
    by_organizer: 0,
    created_at: now,
    done_at: null,
  });
  await audit(trx, deps.clock, {
    actorId: actor.id,
    action: 'booking.move_pending',
    targetType: 'booking',
    targetId: b.id,
    before: before ? { pending_move: before.id } : null,
    after: { move: moveId, to_start: target.startDate, fee_paise: terms.feePaise, due_paise: due },
  });
  return { startDate: target.startDate, duePaise: due };
}

type MoveRow = NonNullable<Awaited<ReturnType<typeof qm.findMove>>>;

/** Why a paid move cannot be made now; null when it can. */
function refusal(m: MoveRow, b: BookingRow): string | null {
  if (m.status !== 'awaiting_payment') return 'the move was cancelled before its payment arrived';
  if (b.status !== 'confirmed' || b.departure_id !== m.from_departure_id) return 'your booking changed meanwhile';
  return null;
}

/**
 * The money for a pending move arrived (online: its order captured; UPI: its proof verified), in
 * the caller's transaction: the move is made like any other (moveInTx: seats, waitlist, messages,
 * audit), the booking costing the fee and the new price and `paid_paise` raised by what was paid.
 * When it can no longer be made (the seats are gone, the move was cancelled or replaced, the
 * booking cancelled), the payment goes back in full — through Razorpay, or by the organizer for
 * UPI — and the traveler is told; the booking stays where it is.
 */
export async function settlePaidMove(
  deps: Deps,
  trx: Kysely<Database>,
  m: MoveRow,
  paid: { method: 'online' | 'upi'; amount: number; paymentId: number; actorId: number | null },
): Promise<'moved' | 'refunding'> {
  const b = (await q.findBooking(trx, m.booking_id))!;
  const target = await qm.departureOf(trx, m.to_departure_id);
  const move = { departureId: m.to_departure_id, startDate: target.start_date, endDate: target.end_date };
  let why = refusal(m, b);
  if (!why)
    try {
      const terms = { feePaise: m.fee_paise, differencePaise: m.difference_paise, lastDay: '', open: true };
      const option = { ...move, seatsLeft: 0, fits: true };
      await moveInTx(deps, trx, paid.actorId, b, option, terms, 'traveler', { moveId: m.id, paid: paid.amount });
      return 'moved';
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      why = e.message.replace(/\.$/, '');
    }
  const now = isoNow(deps.clock);
  await qm.closePendingMove(trx, m.id, 'cancelled', now);
  await recordRefund(trx, {
    booking_id: b.id,
    payment_id: paid.paymentId,
    amount_paise: paid.amount,
    method: paid.method === 'online' ? 'razorpay' : 'manual',
    reason: `Paid for a move to ${formatDay(move.startDate)} that could not be made`,
    created_at: now,
  });
  const x = { moveTo: move.startDate, reason: why, refundPaise: paid.amount, byHand: paid.method === 'upi' };
  await message(deps, trx, 'move-not-made', b.id, x);
  await audit(trx, deps.clock, {
    actorId: paid.actorId,
    action: 'booking.move_refunded',
    targetType: 'booking',
    targetId: b.id,
    after: { move: m.id, to_start: move.startDate, amount_paise: paid.amount, method: paid.method, reason: why },
  });
  return 'refunding';
}

/** For the payment owner: the captured order of a pending move, settled; null when the order pays no move. */
export async function moveOrderCaptured(
  deps: Deps,
  trx: Kysely<Database>,
  order: { id: number; razorpay_order_id: string | null },
  amount: number,
): Promise<'confirmed' | 'refunding' | null> {
  const m = order.razorpay_order_id ? await qm.moveByOrder(trx, order.razorpay_order_id) : undefined;
  if (!m) return null;
  const out = await settlePaidMove(deps, trx, m, { method: 'online', amount, paymentId: order.id, actorId: null });
  return out === 'moved' ? 'confirmed' : 'refunding';
}

/** For the verification queue: the organizer found a move's UPI payment; recorded, then the move settled. */
export async function moveProofVerified(
  deps: Deps,
  trx: Kysely<Database>,
  actor: Actor,
  p: { id: number; move_id: number | null; amount_paise: number; utr: string },
): Promise<void> {
  const m = (await qm.findMove(trx, p.move_id!))!;
  const now = isoNow(deps.clock);
  const pay = await recordUpiPayment(trx, payer(m.booking_id), { amount: p.amount_paise, utr: p.utr, at: now });
  await audit(trx, deps.clock, {
    actorId: actor.id,
    action: 'upi.move_verified',
    targetType: 'booking',
    targetId: m.booking_id,
    after: { proof: p.id, move: m.id, utr: p.utr, amount_paise: p.amount_paise },
  });
  await settlePaidMove(deps, trx, m, { method: 'upi', amount: p.amount_paise, paymentId: pay.id, actorId: actor.id });
}

/** For the verification queue: a move's UPI payment was not found: the move is cancelled, the booking stays, the traveler told. */
export async function moveProofRejected(
  deps: Deps,
  trx: Kysely<Database>,
  actor: Actor,
  p: { id: number; move_id: number | null; utr: string },
  reason: string,
): Promise<void> {
  const m = (await qm.findMove(trx, p.move_id!))!;
  const target = await qm.departureOf(trx, m.to_departure_id);
  await qm.closePendingMove(trx, m.id, 'cancelled', isoNow(deps.clock));
  await message(deps, trx, 'move-not-made', m.booking_id, {
    moveTo: target.start_date,
    reason: `the organizer did not find your UPI payment (${reason})`,
  });
  await audit(trx, deps.clock, {
    actorId: actor.id,
    action: 'upi.move_rejected',
    targetType: 'booking',
    targetId: m.booking_id,
    after: { proof: p.id, move: m.id, utr: p.utr, reason },
  });
}

async function moveInTx(
  deps: Deps,
  trx: Kysely<Database>,
  actorId: number | null,
  b: BookingRow,
  target: MoveOption,
  terms: MoveTerms,
  side: Side,
  /** A pending move paid for: its row, and what was paid (the fee becomes part of what the booking cost). */
  paidMove?: { moveId: number; paid: number },
): Promise<{ startDate: string }> {
  const now = isoNow(deps.clock);
  const amount = b.amount_paise + terms.differencePaise + (paidMove ? terms.feePaise : 0);
  const balanceDueOn = balanceDueAfterMove(b, target, istDate(deps.clock.now()));
  if (!(await lifecycle.move(trx, b, target.departureId, amount, balanceDueOn, now, paidMove?.paid ?? 0)))
    throw new Conflict(
      `Not enough seats left on ${formatDay(target.startDate)} for ${b.guests} guest${b.guests === 1 ? '' : 's'}.`,
      'departure',
    );
  await offerFreedSeats(trx, deps, b.departure_id);
  const refundPaise =
    terms.feePaise + terms.differencePaise < 0 ? await refundDifference(deps, trx, actorId, b, terms, now) : 0;
  if (paidMove) await qm.closePendingMove(trx, paidMove.moveId, 'done', now);
  else
    await qm.insertMove(trx, {
      booking_id: b.id,
      from_departure_id: b.departure_id,
      to_departure_id: target.departureId,
      guests: b.guests,
      fee_paise: terms.feePaise,
      difference_paise: terms.differencePaise,
      status: 'done',
      moved_by: actorId,
      by_organizer: side === 'organizer' ? 1 : 0,
      created_at: now,
      done_at: now,
    });
  const x = { movedFrom: b.start_date, movedByOrganizer: side === 'organizer', refundPaise };
  await message(deps, trx, ['booking-moved', 'booking-moved-organizer'], b.id, x);
  await audit(trx, deps.clock, {
    actorId,
    action: 'booking.moved',
    targetType: 'booking',
    targetId: b.id,
    before: {
      departure_id: b.departure_id,
      start_date: b.start_date,
      amount_paise: b.amount_paise,
      ...(paidMove ? { paid_paise: b.paid_paise } : {}),
    },
    after: {
      departure_id: target.departureId,
      start_date: target.startDate,
      amount_paise: amount,
      fee_paise: terms.feePaise,
      by: side,
      ...(paidMove ? { move: paidMove.moveId, paid_paise: b.paid_paise + paidMove.paid } : {}),
    },
  });
  return { startDate: target.startDate };
}
