import type { DepositKind } from '../trips/tables.js';
import { addDays } from '../lib/time.js';
import type { BookingStatus, PaymentStatus } from './tables.js';

/**
 * Deposits and the balance: what a trip's deposit terms ask of a booking, and what a booking
 * asks now. A booking whose deposit is paid is confirmed with `payment_status` 'pending' and
 * `paid_paise` < `amount_paise` until its balance is paid (lifecycle.payBalance).
 */

/** Days before the balance's due date that the traveler is reminded (email + SMS), once each. */
export const BALANCE_REMINDER_DAYS = [7, 2] as const;
/**
 * Days after the due date that a balance may still be paid before the booking is cancelled (a
 * constant, not a setting: it is part of the terms travelers are shown when they book).
 */
export const BALANCE_GRACE_DAYS = 3;

export interface DepositTerms {
  deposit_kind: DepositKind | null;
  deposit_value: number | null;
  balance_due_days: number | null;
}

/**
 * The deposit this trip asks of a booking of `amount` for `guests` made on `today`, and when
 * its balance is due; null when the trip asks none, or when the due date is already here
 * (a booking made then pays in full).
 */
export function depositFor(
  t: DepositTerms & { start_date: string },
  amount: number,
  guests: number,
  today: string,
): { depositPaise: number; dueOn: string } | null {
  if (!t.deposit_kind || !t.deposit_value || !t.balance_due_days || amount === 0) return null;
  const dueOn = addDays(t.start_date, -t.balance_due_days);
  if (today >= dueOn) return null;
  const depositPaise =
    t.deposit_kind === 'percent'
      ? Math.ceil((amount * Math.min(t.deposit_value, 99)) / 100)
      : Math.min(t.deposit_value * guests, amount);
  return depositPaise > 0 && depositPaise < amount ? { depositPaise, dueOn } : null;
}

type Owed = {
  status: BookingStatus;
  payment_status: PaymentStatus;
  amount_paise: number;
  deposit_paise: number;
  paid_paise: number;
};

/** The balance still outstanding on a confirmed booking whose deposit is paid; 0 otherwise. */
export const balanceOf = (b: Omit<Owed, 'deposit_paise'>): number =>
  b.status === 'confirmed' && b.payment_status === 'pending' ? Math.max(0, b.amount_paise - b.paid_paise) : 0;

/** What the traveler pays next: a pending booking its deposit (or all of it), a confirmed one its balance. */
export const dueNow = (b: Owed): number =>
  b.status === 'pending' ? (b.deposit_paise > 0 ? b.deposit_paise : b.amount_paise) : balanceOf(b);
