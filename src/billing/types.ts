/** The billing domain as views see it: the plan, an organizer's subscription, its charges and receipts. */
import type { ChargeKind, ChargeStatus, MandateMethod, SubscriptionStatus, TokenStatus } from './tables.js';

export type { ChargeKind, ChargeStatus, MandateMethod, SubscriptionStatus, TokenStatus };

/** What a period of the plan costs and gives. */
export interface PlanTerms {
  amountPaise: number;
  periodDays: number;
  listings: number;
}

/** The plan as an admin sets it (settings), with the trial and the auto-pay rules. */
export interface PlanSettings extends PlanTerms {
  trialDays: number;
  chargeAttempts: number;
  chargeRetryDays: number;
  chargeReminderDays: number[];
  trialNoticeDays: number[];
}

export interface ChargeItem {
  id: number;
  kind: ChargeKind;
  periodStart: string;
  amountPaise: number;
  status: ChargeStatus;
  attempt: number;
  createdAt: string;
  settledAt: string | null;
}

export interface SubscriptionView {
  status: SubscriptionStatus;
  trialEndsAt: string;
  /** The trial's end has passed but the daily job has not closed it yet. */
  trialOver: boolean;
  periodStart: string;
  periodEnd: string;
  /** The paid period starts later (paid during the trial, or ahead): it has not begun yet. */
  startsLater: boolean;
  /** India calendar days until the running period ends (0 on its last day). */
  daysLeft: number;
  nextChargeAt: string | null;
  /** The terms of the running period. */
  running: PlanTerms;
  /** The terms the next period would start on (the settings now). */
  next: PlanTerms;
  charges: ChargeItem[];
  /** The auto-pay mandate, once set-up began. */
  mandate: { method: MandateMethod | null; maxAmountPaise: number | null; status: TokenStatus } | null;
  /** A mandate the bank paused or cancelled: auto-pay needs a new one. */
  needsNewMandate: boolean;
  cancelAtPeriodEnd: boolean;
  failedAttempts: number;
  /** A charge is on its way (no second one may start). */
  pending: boolean;
  /** "Pay now" is offered: not while auto-pay looks after an active subscription or the next period is paid ahead. */
  payNowOffered: boolean;
}

export interface CheckoutStart {
  orderId: string;
  chargeId: number;
}

/** A paid charge, as its receipt shows it. */
export interface Receipt {
  number: string;
  organizer: string;
  email: string;
  amountPaise: number;
  periodStart: string;
  periodEnd: string;
  paidAt: string;
  kind: ChargeKind;
  razorpayPaymentId: string | null;
}

export interface SubscriptionListItem {
  id: number;
  organizerId: number;
  organizer: string;
  status: SubscriptionStatus;
  periodEnd: string;
  nextChargeAt: string | null;
  autopay: 'on' | 'needs a new mandate' | 'cancelled' | 'off';
}

/** /admin/subscriptions: every subscription, how many per status, and the revenue of paid charges per month. */
export interface SubscriptionsOverview {
  items: SubscriptionListItem[];
  counts: { status: SubscriptionStatus; n: number }[];
  revenue: { month: string; paise: number; n: number }[];
}
