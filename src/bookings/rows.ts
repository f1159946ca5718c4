import type { Payer } from '../payments/orders.js';
import type { BookingRow } from './queries.js';
import type { VerificationStatus } from './tables.js';
import { balanceOf, dueNow } from './deposits.js';
import type {
  BookingDetails,
  BookingMoney,
  BookingSummary,
  PayableBooking,
  ReviewableBooking,
  UpiProofRecord,
} from './types.js';

/** How a booking's rows become the domain types of ./types.ts. */

/** A booking as the payer of its orders (src/payments/owners.ts). */
export const payer = (bookingId: number): Payer => ({ owner: 'booking', id: bookingId });

export const toSummary = (b: BookingRow): BookingSummary => ({
  id: b.id,
  code: b.code,
  title: b.title,
  startDate: b.start_date,
  endDate: b.end_date,
  guests: b.guests,
  amountPaise: b.amount_paise,
  status: b.status,
  cancelReason: b.cancel_reason,
  verificationStatus: b.verification_status,
  holdExpiresAt: b.hold_expires_at,
  balancePaise: balanceOf(b),
});

export const toMoney = (b: BookingRow): BookingMoney => ({
  amountPaise: b.amount_paise,
  paidPaise: b.paid_paise,
  balancePaise: balanceOf(b),
  dueNowPaise: dueNow(b),
  depositPaise: b.deposit_paise,
  balanceDueOn: b.balance_due_on,
});

export const toDetails = (b: BookingRow): BookingDetails => ({
  ...toSummary(b),
  money: toMoney(b),
  tripId: b.trip_id,
  destination: b.destination,
  meetingPoint: b.meeting_point,
  paymentMethod: b.payment_method,
  paymentStatus: b.payment_status,
  specialRequests: b.special_requests,
  refundPaise: b.refund_paise,
  confirmedAt: b.confirmed_at,
  cancelledAt: b.cancelled_at,
  createdAt: b.created_at,
  travelerName: b.traveler_name,
  organizerName: b.org_display_name ?? b.organizer_name,
});

export const toProofRecord = (p: {
  utr: string;
  status: VerificationStatus;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
  resend_by: string | null;
}): UpiProofRecord => ({
  utr: p.utr,
  status: p.status,
  reason: p.reason,
  createdAt: p.created_at,
  decidedAt: p.decided_at,
  resendBy: p.resend_by,
});

export const toPayable = (b: BookingRow): PayableBooking => ({
  id: b.id,
  code: b.code,
  title: b.title,
  startDate: b.start_date,
  guests: b.guests,
  amountPaise: dueNow(b),
  totalPaise: b.amount_paise,
  balance: balanceOf(b) > 0,
  balanceDueOn: b.balance_due_on,
  status: b.status,
  holdExpiresAt: b.hold_expires_at,
  upiId: b.upi_id,
  organizerName: b.org_display_name ?? b.organizer_name,
});

export const toReviewable = (b: BookingRow): ReviewableBooking => ({
  id: b.id,
  code: b.code,
  tripId: b.trip_id,
  organizerId: b.organizer_id,
  userId: b.user_id,
  title: b.title,
  startDate: b.start_date,
  endDate: b.end_date,
  organizerName: b.org_display_name ?? b.organizer_name,
  travelerName: b.traveler_name,
  travelerEmail: b.traveler_email,
});
