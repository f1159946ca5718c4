import type { PaymentMethod, PaymentRecordStatus, RefundMethod, RefundStatus } from './tables.js';

/** The payments feature's domain types: what a payer's pages show of its money. */

/** A payment as a payer's page shows it. */
export interface PaymentRecord {
  method: PaymentMethod;
  amountPaise: number;
  status: PaymentRecordStatus;
  paidAt: string | null;
  utr: string | null;
  razorpayPaymentId: string | null;
  createdAt: string;
}

/** A refund as a payer's page shows it. */
export interface RefundRecord {
  amountPaise: number;
  method: RefundMethod;
  status: RefundStatus;
  reason: string;
  processedAt: string | null;
  createdAt: string;
}
