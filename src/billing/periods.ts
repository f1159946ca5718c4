import { DAY, HOUR, MINUTE } from '../lib/clock.js';
import { istDate } from '../lib/time.js';
import type * as q from './queries.js';

// When auto-pay charges a period, and how long a charge may stay unsettled (issue 15, items 3, 5–7, 9).

/**
 * Debits take 24–36 h to settle (FACTS.md, Razorpay recurring): a period is charged this many
 * India days before it is due, so its outcome is known, and a failure can be retried, in time.
 */
export const CHARGE_LEAD_DAYS = 2;
/** A pending charge without a Razorpay order after this never reached Razorpay (longer than the SDK's timeout). */
export const NOT_SENT_AFTER_MS = 10 * MINUTE;
/** An order with no payment after this: the debit was never asked, or the payer left Checkout. */
export const NO_PAYMENT_AFTER_MS = HOUR;

export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** 00:00 India time on an India calendar day, as UTC ISO. */
export const istMidnight = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();
/** When auto-pay charges a period that is due at `due`. */
export const chargeDateFor = (due: string) => istMidnight(addDays(istDate(new Date(due)), -CHARGE_LEAD_DAYS));

/**
 * Nothing is due by hand: auto-pay charges an active subscription itself, and a period paid
 * ahead (auto-pay's set-up during the trial, or a payment already made) has not begun. Paying
 * now would pay twice.
 */
export const paidAhead = (sub: q.SubscriptionRow, now: Date) =>
  (sub.status === 'active' && sub.token_status === 'confirmed' && sub.cancel_at_period_end === 0) ||
  sub.current_period_start > now.toISOString();
