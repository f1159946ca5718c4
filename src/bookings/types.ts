import type { RefundMethod } from '../payments/tables.js';
import type { DepartureStatus } from '../trips/tables.js';
import type { BookingPaymentMethod, BookingStatus, PaymentStatus, VerificationStatus } from './tables.js';

/**
 * The bookings feature's domain types: what its verbs hand to views and to other features.
 * Views import them from here, never from a verb's file.
 */

export type { PaymentRecord, RefundRecord } from '../payments/types.js';

/** A booking in its traveler's list. */
export interface BookingSummary {
  id: number;
  code: string;
  title: string;
  startDate: string;
  endDate: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  /** Why it was cancelled ('expired', 'traveler', 'organizer', 'payment_rejected', 'proof_expired'); null otherwise. */
  cancelReason: string | null;
  verificationStatus: VerificationStatus | null;
  holdExpiresAt: string | null;
  /** The balance still owed on a confirmed booking whose deposit is paid; 0 otherwise. */
  balancePaise: number;
}

/** A booking as its own page, its pass and its cancel page show it. */
export interface BookingDetails extends BookingSummary {
  money: BookingMoney;
  tripId: number;
  destination: string;
  meetingPoint: string | null;
  paymentMethod: BookingPaymentMethod | null;
  paymentStatus: PaymentStatus;
  specialRequests: string;
  refundPaise: number;
  confirmedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  travelerName: string;
  /** The organizer's display name, or their own name without one. */
  organizerName: string;
}

export interface Participant {
  position: number;
  name: string;
  phone: string;
  age: number;
  dietary: string;
}

/** A UPI payment proof as its traveler sees it. */
export interface UpiProofRecord {
  utr: string;
  status: VerificationStatus;
  reason: string | null;
  createdAt: string;
  /** When the organizer verified or rejected it. */
  decidedAt: string | null;
  /** When the organizer asked for it again instead of rejecting it: the deadline for the new proof. */
  resendBy: string | null;
}

/** A screenshot sent with a UPI proof form that came back with errors, kept for the next try. */
export interface KeptScreenshot {
  /** The opaque reference the form carries (good only for its booking and its user). */
  ref: string;
  /** The file's name as the traveler chose it. */
  fileName: string;
  expiresAt: string;
}

/** A UPI proof in the organizer's queue, with what they need to find the money. */
export interface VerificationItem {
  id: number;
  utr: string;
  screenshot: { key: string; width: number; height: number };
  amountPaise: number;
  /** The same UTR was already given for another booking. */
  duplicateUtr: boolean;
  createdAt: string;
  bookingId: number;
  code: string;
  guests: number;
  holdExpiresAt: string | null;
  bookingStatus: BookingStatus;
  refundPaise: number;
  title: string;
  startDate: string;
  travelerName: string;
  travelerPhone: string | null;
  /** A proof paying a move: the start of the departure the booking is to move to; null for the booking's own payment. */
  moveTo: string | null;
}

/** A refund the organizer pays back by hand: a UPI one, or one Razorpay could not send. */
export interface RefundDue {
  id: number;
  amountPaise: number;
  reason: string;
  method: RefundMethod;
  code: string;
  bookingId: number;
  travelerName: string;
  travelerPhone: string | null;
}

/** A booking in the organizer's list, with its departure's numbers. */
export interface OrganizerBookingRow {
  id: number;
  code: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  paymentStatus: PaymentStatus;
  refundPaise: number;
  /** Money received so far. */
  paidPaise: number;
  /** The balance still owed (a confirmed booking with its deposit paid); 0 otherwise. */
  outstandingPaise: number;
  balanceDueOn: string | null;
  paymentMethod: BookingPaymentMethod | null;
  departureId: number;
  tripId: number;
  title: string;
  startDate: string;
  capacity: number;
  seatsTaken: number;
  departureStatus: DepartureStatus;
  travelerName: string;
}

/** Money in and out in one month (YYYY-MM, India time). */
export interface EarningsMonth {
  month: string;
  paidPaise: number;
  refundedPaise: number;
  netPaise: number;
}

/** The departure an organizer is about to cancel. */
export interface DepartureToCancel {
  id: number;
  title: string;
  startDate: string;
}

/** A held booking (or one whose balance is due) as its payment page shows it. */
export interface PayableBooking {
  id: number;
  code: string;
  title: string;
  startDate: string;
  guests: number;
  /** What is paid now: the deposit, the whole amount, or the balance. */
  amountPaise: number;
  /** The booking's whole amount. */
  totalPaise: number;
  /** This payment is the balance of a confirmed booking. */
  balance: boolean;
  balanceDueOn: string | null;
  status: BookingStatus;
  holdExpiresAt: string | null;
  /** The organizer's UPI ID; null when they take no UPI payments. */
  upiId: string | null;
  /** The organizer's display name, or their own name without one. */
  organizerName: string;
}

/** Who pays, as Razorpay Checkout fills in its form. */
export interface PayerContact {
  name: string;
  email: string;
  phone: string | null;
}

/** What a booking email or text needs to know about its booking. */
export interface MessageBooking {
  id: number;
  code: string;
  tripId: number;
  title: string;
  startDate: string;
  guests: number;
  amountPaise: number;
  status: BookingStatus;
  meetingPoint: string | null;
  holdExpiresAt: string | null;
  paidPaise: number;
  balanceDueOn: string | null;
  travelerName: string;
  travelerEmail: string;
  travelerPhone: string | null;
  organizerEmail: string;
  organizerPhone: string | null;
}

/** The trip and departure a booking form is for. */
export interface BookingFormTrip {
  tripId: number;
  title: string;
  pricePaise: number;
  departureId: number;
  startDate: string;
  endDate: string;
}

/** A departure the booking form offers. */
export interface DepartureChoice {
  id: number;
  startDate: string;
  endDate: string;
  seatsLeft: number;
}

// ---------------------------------------------------------------- input

export interface ParticipantInput {
  name: string;
  phone: string;
  age: number;
  dietary: string;
}

export interface BookingInput {
  departureId: number;
  participants: ParticipantInput[];
  specialRequests: string;
  /** The traveler chose to pay the deposit now (honoured when the trip asks one and its balance is not yet due). */
  payDeposit?: boolean;
}

/** The deposit a booking form offers: the trip's terms, the deposit for one guest, the balance's due date. */
export interface DepositOffer {
  kind: 'percent' | 'amount';
  value: number;
  perGuestPaise: number;
  dueOn: string;
}

/** What was paid on a booking and what is still due, by when. */
export interface BookingMoney {
  amountPaise: number;
  paidPaise: number;
  /** The balance outstanding on a confirmed booking with its deposit paid; 0 otherwise. */
  balancePaise: number;
  /** What the traveler pays next (deposit, all of it, or the balance); 0 when nothing is asked. */
  dueNowPaise: number;
  depositPaise: number;
  balanceDueOn: string | null;
}

export interface RefundPreview {
  daysBefore: number;
  percent: number;
  paid: number;
  refund: number;
}

/** A booking as the reviews feature sees it: whose it is, which trip, when it ran. */
export interface ReviewableBooking {
  id: number;
  code: string;
  tripId: number;
  organizerId: number;
  userId: number;
  title: string;
  startDate: string;
  endDate: string;
  organizerName: string;
  travelerName: string;
  travelerEmail: string;
}

/** A traveler's place on a departure's waitlist (1 = next in line), with its open offer if any. */
export interface WaitlistPlace {
  id: number;
  tripId: number;
  title: string;
  departureId: number;
  startDate: string;
  guests: number;
  place: number;
  /** Set while seats are held for them: book before this. */
  offerExpiresAt: string | null;
  /** A free trip: an offer is taken in one click (joined at once), no booking form. */
  free: boolean;
}

/** A departure's waitlist as its organizer sees it. */
export interface DepartureWaitlist {
  departureId: number;
  tripId: number;
  title: string;
  startDate: string;
  seatsLeft: number;
  entries: {
    place: number;
    name: string;
    email: string;
    phone: string | null;
    guests: number;
    joinedAt: string;
    offerExpiresAt: string | null;
  }[];
}

/** A departure a booking could move to. */
export interface MoveOption {
  departureId: number;
  startDate: string;
  endDate: string;
  seatsLeft: number;
  /** Enough seats for the booking's guests. */
  fits: boolean;
}

/** What moving a booking to another departure costs, and until when it can be done. */
export interface MoveTerms {
  /** The trip's move fee (0 on the organizer's side). */
  feePaise: number;
  /** The seats at today's price less what the booking cost: above 0 is to pay, below 0 comes back. */
  differencePaise: number;
  /** The last day (India) the traveler may move or edit participants. */
  lastDay: string;
  /** Still before the cut-off (always true on the organizer's side while the trip is to come). */
  open: boolean;
}

/** A move waiting for its payment (the booking stays on its departure until it is paid). */
export interface PendingMove {
  id: number;
  toStart: string;
  toEnd: string;
  feePaise: number;
  differencePaise: number;
  duePaise: number;
  /** Its UPI proof is with the organizer: it can be neither cancelled nor paid again meanwhile. */
  proofPending: boolean;
}

/** A move of a booking, as its page lists it. */
export interface MoveRecord {
  fromStart: string;
  toStart: string;
  feePaise: number;
  differencePaise: number;
  byOrganizer: boolean;
  createdAt: string;
}
