import type { PrefChannel } from './tables.js';

/** Who a kind of message goes to, for the settings page (each person sees their own kinds). */
type For = 'everyone' | 'traveler' | 'organizer';

export interface Kind {
  label: string;
  for: For;
  /** Security and money: sent on every channel it is written for, whatever the preferences. */
  mustGo?: boolean;
  /**
   * What the message carries when it is a one-time secret (a link with a token, a code): its
   * text is for its recipient alone. Staff (the CRM timeline, the admin outbox, logs) see only
   * that it went and when; its in-app notification says this much and links nowhere.
   */
  secret?: string;
}

/**
 * Every message kind (the outbox `template`) a user can be sent. A kind not listed here still
 * goes out and still makes an in-app notification; listing it lets users choose its channels.
 */
export const KINDS: Record<string, Kind> = {
  welcome: { label: 'Welcome', for: 'everyone' },
  'verify-email': {
    label: 'Email confirmation links',
    for: 'everyone',
    mustGo: true,
    secret: 'Email confirmation link',
  },
  'reset-password': { label: 'Password reset links', for: 'everyone', mustGo: true, secret: 'Password reset link' },
  'phone-otp': { label: 'Phone confirmation codes', for: 'everyone', mustGo: true, secret: 'Phone confirmation code' },
  'booking-received': { label: 'New bookings', for: 'organizer' },
  'payment-proof-received': { label: 'UPI payments to check', for: 'organizer' },
  'proof-overdue': { label: 'UPI payments waiting too long', for: 'organizer' },
  'proof-released-organizer': { label: 'Bookings released while a UPI payment waited', for: 'organizer' },
  'refund-due': { label: 'Refunds to pay back', for: 'organizer', mustGo: true },
  'booking-moved-organizer': { label: 'Bookings moved to another departure', for: 'organizer', mustGo: true },
  'booking-confirmed': { label: 'Booking confirmed', for: 'traveler' },
  'booking-moved': { label: 'Booking moved to another departure', for: 'traveler', mustGo: true },
  'payment-verified': { label: 'Payment verified', for: 'traveler', mustGo: true },
  'payment-rejected': { label: 'Payment rejected', for: 'traveler', mustGo: true },
  'proof-resend': { label: 'Payment proof to send again', for: 'traveler', mustGo: true },
  'proof-not-resent': { label: 'Booking released: no new payment proof', for: 'traveler', mustGo: true },
  'hold-expiring': { label: 'Seats about to be released', for: 'traveler' },
  'hold-expired': { label: 'Seats released', for: 'traveler' },
  'proof-released': { label: 'Booking released while your payment waited', for: 'traveler', mustGo: true },
  'booking-cancelled': { label: 'Booking cancelled', for: 'traveler', mustGo: true },
  'booking-refunded': { label: 'Refund sent', for: 'traveler', mustGo: true },
  'trip-cancelled': { label: 'Trip cancelled', for: 'traveler', mustGo: true },
  'trip-reminder': { label: 'Trip reminders', for: 'traveler' },
  'trial-ending': { label: 'Free trial ending', for: 'organizer' },
  'trial-ended': { label: 'Free trial ended', for: 'organizer', mustGo: true },
  'review-invite': { label: 'Invitations to review a trek', for: 'traveler' },
  announcement: { label: 'Announcements', for: 'everyone' },
};

/** Money kinds written later (subscription payments, reminders) must go as well, by their names. */
const MONEY = /^(payment|refund|charge|subscription)-/;

export const mustGo = (kind: string) => KINDS[kind]?.mustGo === true || (!(kind in KINDS) && MONEY.test(kind));

/** What a secret kind carries ("Password reset link"), or null for a kind anyone handling it may read. */
export const secretOf = (kind: string): string | null => KINDS[kind]?.secret ?? null;

/** The kinds whose messages carry a one-time secret. */
export const SECRET_KINDS: readonly string[] = Object.keys(KINDS).filter((k) => secretOf(k) !== null);

export const PREF_CHANNELS: readonly PrefChannel[] = ['email', 'sms', 'whatsapp', 'inapp'];

/** The kinds a user of this role chooses channels for. */
export function kindsFor(role: string): [string, Kind][] {
  const mine = (k: Kind) => k.for === 'everyone' || k.for === role || role === 'admin';
  return Object.entries(KINDS).filter(([, k]) => mine(k));
}
