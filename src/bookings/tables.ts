import type { Generated } from 'kysely';

export type BookingStatus = 'pending' | 'confirmed' | 'cancelled' | 'completed';
export type PaymentStatus = 'pending' | 'paid' | 'refunded' | 'failed';
export type VerificationStatus = 'pending' | 'verified' | 'rejected';
/** How a booking was paid; null until it is. */
export type BookingPaymentMethod = 'online' | 'upi' | 'free';

export interface BookingsTable {
  id: Generated<number>;
  /** Short human code: the Razorpay receipt, the UPI note, the pass. */
  code: string;
  trip_id: number;
  departure_id: number;
  user_id: number;
  /** Copied from the trip so ownership checks need no join. */
  organizer_id: number;
  guests: number;
  /** price × guests at booking time, computed on the server. */
  amount_paise: number;
  status: BookingStatus;
  /** 'expired' | 'traveler' | 'organizer' | 'payment_rejected' | 'proof_expired' | 'proof_not_resent' | 'balance_unpaid' when cancelled. */
  cancel_reason: string | null;
  payment_method: BookingPaymentMethod | null;
  payment_status: Generated<PaymentStatus>;
  verification_status: VerificationStatus | null;
  /** While pending: when the seats are released. Null once confirmed or cancelled. */
  hold_expires_at: string | null;
  expiry_warned_at: string | null;
  reminder_sent_at: string | null;
  special_requests: Generated<string>;
  refund_paise: Generated<number>;
  /** What the traveler chose to pay first; 0 when paying in full. */
  deposit_paise: Generated<number>;
  /** Money received so far (deposit, balance): what refunds are computed on. */
  paid_paise: Generated<number>;
  /** When the balance is due (YYYY-MM-DD, India time); null without a deposit. */
  balance_due_on: Generated<string | null>;
  /** How many balance reminders went (7 and 2 days before the due date). */
  balance_reminders: Generated<number>;
  confirmed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface BookingParticipantsTable {
  id: Generated<number>;
  booking_id: number;
  position: number;
  name: string;
  phone: string;
  age: number;
  dietary: Generated<string>;
}

export interface UpiProofsTable {
  id: Generated<number>;
  booking_id: number;
  /** The 12-digit UPI transaction reference the traveler typed. */
  utr: string;
  screenshot_key: string;
  screenshot_width: number;
  screenshot_height: number;
  amount_paise: number;
  status: Generated<VerificationStatus>;
  /** 1 when the same UTR was already given for another booking. */
  duplicate_utr: Generated<number>;
  reason: string | null;
  decided_by: number | null;
  decided_at: string | null;
  /** When the organizer was reminded that the proof is past its decide-by time; null until then. */
  reminded_at: Generated<string | null>;
  /** Set when the organizer asked for the proof again instead of rejecting it: the new proof's deadline. */
  resend_by: Generated<string | null>;
  /** The pending move this proof pays for (migration 0068); null for the booking's own payment. */
  move_id: Generated<number | null>;
  created_at: string;
}

/**
 * A screenshot that came with a UPI proof form sent back with errors, kept for the next try.
 * `id` is the reference the form carries, good only for this booking and user until `expires_at`.
 */
export interface KeptProofScreenshotsTable {
  id: string;
  booking_id: number;
  user_id: number;
  screenshot_key: string;
  screenshot_width: number;
  screenshot_height: number;
  /** The name of the file as the traveler chose it, to say which one is kept. */
  file_name: string;
  created_at: string;
  expires_at: string;
}

export type WaitlistStatus = 'waiting' | 'offered' | 'accepted' | 'expired' | 'left' | 'closed';

/** A traveler waiting for seats on a full departure (migration 0066); its order is its id. */
export interface WaitlistEntriesTable {
  id: Generated<number>;
  departure_id: number;
  user_id: number;
  guests: number;
  /**
   * waiting → offered (seats held for them) → accepted (a booking) | expired (next entry's turn);
   * left at any time; closed when the departure is cancelled.
   */
  status: WaitlistStatus;
  offered_at: string | null;
  /** While offered: when the held seats go to the next entry. */
  offer_expires_at: string | null;
  booking_id: number | null;
  created_at: string;
  updated_at: string;
}

export type MoveStatus = 'done' | 'awaiting_payment' | 'cancelled';

/** A booking moved (or being moved) to another departure of its trip: the audit of every move. */
export interface BookingMovesTable {
  id: Generated<number>;
  booking_id: number;
  from_departure_id: number;
  to_departure_id: number;
  guests: number;
  /** The trip's move fee charged (0 on an organizer's move). */
  fee_paise: number;
  /** The new price of the seats less what the booking cost: above 0 is collected, below 0 refunded. */
  difference_paise: number;
  status: MoveStatus;
  /** What the traveler pays for the move (fee + a higher price), 0 for a free one (migration 0068). */
  due_paise: Generated<number>;
  /** The Razorpay order paying an 'awaiting_payment' move, once one was opened. */
  order_id: Generated<string | null>;
  moved_by: number | null;
  by_organizer: Generated<number>;
  created_at: string;
  done_at: string | null;
}

export interface BookingTables {
  waitlist_entries: WaitlistEntriesTable;
  bookings: BookingsTable;
  booking_participants: BookingParticipantsTable;
  upi_proofs: UpiProofsTable;
  kept_proof_screenshots: KeptProofScreenshotsTable;
  booking_moves: BookingMovesTable;
}
