import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { Conflict, DomainError, Unavailable } from '../lib/errors.js';
import { formatDateTime } from '../lib/time.js';
import { GatewayRejected, GatewayUnavailable } from '../payments/gateway.js';
import { openOrder, openOrderId, verifyCheckout, type Applied, type CheckoutReturn } from '../payments/orders.js';
import { sendPendingRefunds } from '../payments/refunds.js';
import { bookingChanged } from '../live/service.js';
import type { BookingRow } from './queries.js';
import { ownBooking, payable } from './access.js';
// Registers bookings as the payment owner, before any order of a booking is settled.
import './payment-owner.js';
import { dueNow } from './deposits.js';
import { payer, toPayable } from './rows.js';
import type { PayableBooking, PayerContact } from './types.js';

/** Paying a booking online (Razorpay): the order, the checkout and its return (what a captured payment buys: ./payment-owner.ts). */

function gatewayDown(deps: Deps, b: { hold_expires_at: string | null }): DomainError {
  const until = b.hold_expires_at ? ` Your seats stay held until ${formatDateTime(b.hold_expires_at)}.` : '';
  return new Unavailable(
    `The payment service is not answering right now, so nothing was charged.${until} Please try again in a minute, or pay by UPI.`,
  );
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
      amount: dueNow(b),
      receipt: b.code,
      notes: { booking_id: String(b.id), booking_code: b.code },
    });
    return { orderId, amount: dueNow(b), booking: b };
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
  const orderId = await openOrderId(deps.db, payer(bookingId), dueNow(b));
  return orderId
    ? {
        orderId,
        booking: toPayable(b),
        traveler: { name: b.traveler_name, email: b.traveler_email, phone: b.traveler_phone },
      }
    : null;
}

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
