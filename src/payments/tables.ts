import type { Generated } from 'kysely';

export type PaymentMethod = 'razorpay' | 'upi';
/**
 * A payment record's state: an order opened, money received, declined, or given back; or
 * `mismatch`: captured for another amount than its order's, so it bought nothing and goes back in full.
 */
export type PaymentRecordStatus = 'created' | 'paid' | 'failed' | 'refunded' | 'mismatch';
/** razorpay: sent through the API; manual: the organizer pays back and marks it. */
export type RefundMethod = 'razorpay' | 'manual';
export type RefundStatus = 'pending' | 'initiated' | 'processed' | 'failed';

export interface PaymentsTable {
  id: Generated<number>;
  /** The owner's id (a booking's, until the payments of other payers get their own column). */
  booking_id: number;
  /** Whose order this is: the payer feature registered under this name (src/payments/owners.ts) settles it. */
  owner: Generated<string>;
  method: PaymentMethod;
  amount_paise: number;
  status: PaymentRecordStatus;
  razorpay_order_id: string | null;
  razorpay_payment_id: string | null;
  utr: string | null;
  paid_at: string | null;
  /** What an open order was made for beyond its owner's own ("move:12"); reused only for that. */
  purpose: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefundsTable {
  id: Generated<number>;
  booking_id: number;
  payment_id: number;
  amount_paise: number;
  method: RefundMethod;
  status: RefundStatus;
  reason: string;
  razorpay_refund_id: string | null;
  attempts: Generated<number>;
  /** A sending attempt holds the row until then (UTC ISO); null when nobody is sending it. */
  claimed_until: Generated<string | null>;
  last_error: string | null;
  processed_at: string | null;
  created_at: string;
}

/** Every Razorpay webhook event we acted on, by X-Razorpay-Event-Id. */
export interface RazorpayEventsTable {
  id: string;
  event: string;
  received_at: string;
}

export interface PaymentTables {
  payments: PaymentsTable;
  refunds: RefundsTable;
  razorpay_events: RazorpayEventsTable;
}
