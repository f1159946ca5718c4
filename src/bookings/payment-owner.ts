import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { registerPaymentOwner, type PaymentOwner } from '../payments/owners.js';
import { recordRefund } from '../payments/refunds.js';
import * as q from './queries.js';
import * as lifecycle from './lifecycle.js';
import { message } from './messages.js';

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
