import { z } from 'zod';
import { rupeesToPaise } from '../lib/money.js';
import { wholeNumber } from '../lib/fields.js';

const whole = (what: string, min: number, max: number) =>
  wholeNumber({
    min,
    max,
    message: `Enter ${what} as a whole number.`,
    tooSmall: `${what[0].toUpperCase()}${what.slice(1)} must be at least ${min}.`,
    tooLarge: `${what[0].toUpperCase()}${what.slice(1)} must be at most ${max}.`,
  });

/** "7, 3, 1": distinct days before an event, largest first. */
const daysBefore = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}(\s*,\s*\d{1,3})*$/, 'Enter days as numbers separated by commas, like 7, 3, 1.')
    .transform((s) => [...new Set(s.split(',').map((d) => Number(d.trim())))].sort((a, b) => b - a))
    .refine((days) => days.every((d) => d >= 1 && d <= max), `Each day must be between 1 and ${max}.`);

/** The plan section of /admin/settings. */
export const planForm = z
  .object({
    amount: z
      .string()
      .trim()
      .transform((s) => rupeesToPaise(s))
      .refine((p): p is number => p !== null, 'Enter an amount in rupees, like 1,499.')
      .refine(
        (p) => p >= 100 && p <= 15_000_00,
        'The price must be between ₹1 and ₹15,000 (above that, each auto-pay debit needs the customer to approve it).',
      ),
    period_days: whole('the period', 1, 365),
    listings: whole('the active listings', 1, 1000),
    trial_days: whole('the trial', 0, 365),
    charge_attempts: whole('the attempts', 1, 10),
    charge_retry_days: whole('the days between attempts', 1, 30),
    reminder_days: daysBefore(60),
    trial_notice_days: daysBefore(60),
  })
  .transform((f) => ({
    amountPaise: f.amount as number,
    periodDays: f.period_days,
    listings: f.listings,
    trialDays: f.trial_days,
    chargeAttempts: f.charge_attempts,
    chargeRetryDays: f.charge_retry_days,
    chargeReminderDays: f.reminder_days,
    trialNoticeDays: f.trial_notice_days,
  }));

export type PlanInput = z.output<typeof planForm>;

/** Setting up auto-pay: the mandate's method. */
export const autopayForm = z.object({
  method: z.enum(['upi', 'card', 'emandate'], {
    message: 'Choose how auto-pay debits you: UPI, card or bank mandate.',
  }),
});

/** What Checkout (or the test gateway) sends back. */
export const checkoutReturn = z.object({
  razorpay_order_id: z.string().max(100).optional(),
  razorpay_payment_id: z.string().max(100).optional(),
  razorpay_signature: z.string().max(200).optional(),
  error_description: z.string().max(500).optional(),
});
