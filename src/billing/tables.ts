import type { Generated } from 'kysely';

export type SubscriptionStatus = 'trial' | 'active' | 'past_due' | 'inactive' | 'cancelled';
export type ChargeStatus = 'pending' | 'paid' | 'failed';
/** mandate: the first payment, through Checkout, that sets up auto-pay; auto: a debit on the token; manual: "pay now". */
export type ChargeKind = 'mandate' | 'auto' | 'manual';
export type TokenStatus = 'pending' | 'confirmed' | 'rejected' | 'paused' | 'cancelled';
export type MandateMethod = 'upi' | 'card' | 'emandate';

/** One per organizer; the terms columns are those of the period that is running. */
export interface SubscriptionsTable {
  id: Generated<number>;
  organizer_id: number;
  status: SubscriptionStatus;
  trial_ends_at: string;
  current_period_start: string;
  current_period_end: string;
  /** When auto-pay charges next; null while nothing will be charged (no mandate). */
  next_charge_at: string | null;
  amount_paise: number;
  period_days: number;
  listings: number;
  cancel_at_period_end: Generated<number>;
  razorpay_customer_id: string | null;
  razorpay_token_id: string | null;
  /** pending (authorisation started) | confirmed | rejected | paused | cancelled (Razorpay's recurring_details.status). */
  token_status: TokenStatus | null;
  token_method: MandateMethod | null;
  token_max_amount_paise: number | null;
  token_expire_at: string | null;
  /** Failed attempts counted against the period being charged (an attempt that never reached Razorpay does not count). */
  failed_attempts: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** One attempt to charge one period; written before the gateway is asked (see migration 0046). */
export interface SubscriptionChargesTable {
  id: Generated<number>;
  subscription_id: number;
  period_start: string;
  amount_paise: number;
  status: ChargeStatus;
  attempt: number;
  razorpay_order_id: string | null;
  razorpay_payment_id: string | null;
  failure_reason: string | null;
  created_at: string;
  settled_at: string | null;
  kind: Generated<ChargeKind>;
  /** The terms the charged period takes when paid (the settings when the charge was made). */
  period_days: Generated<number>;
  listings: Generated<number>;
  /** Sent to Razorpay with the order: finds the order again when its id was never recorded. */
  receipt: string | null;
}

export type NoticeKind =
  | 'trial-ending'
  | 'trial-ended'
  | 'payment-reminder'
  | 'pre-debit'
  | 'payment-succeeded'
  | 'payment-failed'
  | 'deactivated'
  | 'reactivated'
  | 'mandate-cancelled';

/** A reminder sent once: (subscription, kind, what it is about) is unique. */
export interface SubscriptionNoticesTable {
  id: Generated<number>;
  subscription_id: number;
  kind: NoticeKind;
  /** What the notice is about, e.g. "2027-01-24T06:30:00.000Z/7": the trial end and days before it. */
  about: string;
  sent_at: string;
}

export interface BillingTables {
  subscriptions: SubscriptionsTable;
  subscription_charges: SubscriptionChargesTable;
  subscription_notices: SubscriptionNoticesTable;
}
