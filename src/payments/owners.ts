import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { PaymentsTable, RefundsTable } from './tables.js';

export type PaymentRow = Selectable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;

/** A payment Razorpay reports captured. */
export interface CapturedPayment {
  id: string;
  order_id: string;
  amount: number;
}

/**
 * What a payer feature (bookings; subscriptions next) does when money moves on one of its
 * orders. Payments records the money and calls these inside the same transaction; each is
 * called once per event, since a repeated event is recognised before.
 */
export interface PaymentOwner {
  /** The order was paid (its payment row already says so): what it buys, or 'refunding' when it buys nothing now. */
  captured(
    deps: Deps,
    trx: Kysely<Database>,
    order: PaymentRow,
    payment: CapturedPayment,
  ): Promise<'confirmed' | 'refunding'>;
  /** A refund of one of its payments reached the payer. */
  refunded(
    deps: Deps,
    trx: Kysely<Database>,
    refund: RefundRow,
    by: { actor: Actor | null; razorpayId: string | null },
  ): Promise<void>;
  /** Razorpay could not send a refund: it is now to be paid back by hand. */
  refundFailed(deps: Deps, trx: Kysely<Database>, refund: RefundRow): Promise<void>;
  /** A payment on one of its orders failed (the order's row is already marked failed, when it was waiting). */
  failed?(deps: Deps, trx: Kysely<Database>, order: PaymentRow, payment: FailedPayment): Promise<void>;
  /** A recurring token (mandate) changed at Razorpay: the owner whose customer it is acts; true when one did. */
  tokenChanged?(deps: Deps, trx: Kysely<Database>, token: TokenEvent): Promise<boolean>;
}

export interface FailedPayment {
  id: string;
  order_id: string;
  amount: number;
  error_description?: string | null;
}

/** token.confirmed / rejected / paused / cancelled: the token and what Razorpay says of it now. */
export interface TokenEvent {
  id: string;
  customerId: string | null;
  method: string | null;
  maxAmount: number | null;
  status: 'confirmed' | 'rejected' | 'paused' | 'cancelled';
}

const owners = new Map<string, PaymentOwner>();

/** A payer feature registers itself once, under the name its orders carry in `payments.owner`. */
export function registerPaymentOwner(name: string, owner: PaymentOwner): void {
  owners.set(name, owner);
}

/** Every registered owner (a token event is offered to each: tokens carry no order). */
export const paymentOwners = (): PaymentOwner[] => [...owners.values()];

/** The feature that settles an order; undefined for an owner nobody registered (its events change nothing). */
export const paymentOwner = (name: string): PaymentOwner | undefined => owners.get(name);
