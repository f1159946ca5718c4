import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { registerPaymentOwner, type PaymentOwner } from '../payments/owners.js';
import { refundsOf } from '../payments/orders.js';
import { recordRefund } from '../payments/refunds.js';
import { payer } from './rows.js';
import * as q from './queries.js';
import * as lifecycle from './lifecycle.js';
import { message } from './messages.js';
import { moveOrderCaptured } from './move.js';

/**
 * The bookings feature as a payer (src/payments/owners.ts): what a captured payment buys, and
 * what the traveler and organizer are told when a refund arrives or fails.
 */
const bookingPayments: PaymentOwner = {
  /**
   * Make the pending move the order was opened for (./move.ts), confirm the booking (its deposit
   * or all of it paid), or pay its balance; when its hold
   * expired and the seats are gone (or it was cancelled, or owes nothing), refund it in full.
   */
  async captured(deps, trx, pay, p) {
    // An order opened to pay a move: the move made, or the money back when it can no longer be.
    const forMove = await moveOrderCaptured(deps, trx, pay, p.amount);
    if (forMove) return forMove;
    const now = isoNow(deps.clock);
    const b = (await q.findBooking(trx, pay.booking_id))!;
    if (b.status === 'confirmed' && (await lifecycle.payBalance(trx, b, { method: 'online', amount: p.amount, now }))) {
      await message(deps, trx, 'balance-paid', b.id);
      await audit(trx, deps.clock, {
        actorId: null,
        action: 'payment.balance_captured',
        targetType: 'booking',
        targetId: b.id,
        before: { paid_paise: b.paid_paise },
        after: { order: p.order_id, payment: p.id, amount_paise: p.amount, paid_paise: b.paid_paise + p.amount },
      });
      return 'confirmed';
    }
    if (b.status !== 'confirmed' && (await lifecycle.confirm(trx, b, { method: 'online', now, paid: p.amount }))) {
      await message(deps, trx, 'booking-confirmed', b.id);
      await audit(trx, deps.clock, {
        actorId: null,
        action: b.status === 'pending' ? 'payment.captured' : 'payment.captured_late',
        targetType: 'booking',
        targetId: b.id,
        after: {
          order: p.order_id,
          payment: p.id,
          amount_paise: p.amount,
          ...(p.amount < b.amount_paise ? { deposit: true, balance_due_on: b.balance_due_on } : {}),
        },
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
    if (
      b.status === 'cancelled' &&
      !(await lifecycle.refundOnArrival(trx, b, { method: 'online', amount: p.amount, now }))
    )
      throw new Error(`booking ${b.id} changed while a late payment was recorded`);
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'payment.auto_refund',
      targetType: 'booking',
      targetId: b.id,
      before: { paid_paise: b.paid_paise, refund_paise: b.refund_paise },
      after: {
        order: p.order_id,
        payment: p.id,
        amount_paise: p.amount,
        ...(b.status === 'cancelled'
          ? { paid_paise: b.paid_paise + p.amount, refund_paise: b.refund_paise + p.amount }
          : {}),
      },
    });
    return 'refunding';
  },
  async refunded(deps, trx, r, { actor, razorpayId }) {
    const b = (await q.findBooking(trx, r.booking_id))!;
    // A deposit and a balance come back as one refund each: the booking's refund is their sum.
    // A move's difference given back before the cancellation is not part of it.
    const ofCancellation = (x: { created_at: string }) => !b.cancelled_at || x.created_at >= b.cancelled_at;
    const back = (await refundsOf(trx, payer(b.id)))
      .filter((x) => x.status === 'processed' && ofCancellation(x))
      .reduce((n, x) => n + x.amount_paise, 0);
    if (b.status === 'cancelled' && ofCancellation(r))
      await lifecycle.settle(
        trx,
        b,
        // Never below what is due back: a late payment's refund may be processed before the policy's.
        { payment_status: 'refunded', refund_paise: Math.max(back, r.amount_paise, b.refund_paise) },
        isoNow(deps.clock),
      );
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
