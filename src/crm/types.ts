/** The agents' customer search and customer page, as the views get them. */
import type { Account, Role, UserStatus } from '../auth/types.js';
import type { BookingSummary } from '../bookings/types.js';
import type { PaymentRecord } from '../payments/types.js';
import type { TicketSummary } from '../support/types.js';
import type { SentMessage } from '../notifications/service.js';

export interface CustomerHit {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: Role;
  status: UserStatus;
  /** Found by the booking code typed, not by name, email or phone. */
  byBookingCode: boolean;
}

/** The WhatsApp template an agent may send, as the page describes it; null when none is configured. */
export interface WhatsappTemplate {
  sid: string;
  variables: string[];
}

/** One of the customer's bookings with its payments. */
export interface CustomerBooking {
  booking: BookingSummary;
  payments: PaymentRecord[];
}

export interface CustomerPage {
  profile: Account;
  status: UserStatus;
  bookings: CustomerBooking[];
  tickets: TicketSummary[];
  messages: SentMessage[];
  whatsappTemplate: WhatsappTemplate | null;
  canSend: boolean;
}
