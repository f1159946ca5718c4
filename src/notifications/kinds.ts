import type { PrefChannel } from './tables.js';

/** Who a kind of message goes to, for the settings page (each person sees their own kinds). */
type For = 'everyone' | 'traveler' | 'organizer';

/**
 * The topics the settings page groups kinds by, in its order: one choice per topic, the kinds
 * themselves one tap further (a closed <details> per topic).
 */
export const TOPICS = {
  bookings: 'Bookings and payments',
  trips: 'Trips',
  reviews: 'Reviews',
  account: 'Your account and plan',
  news: 'Announcements',
} as const;
export type Topic = keyof typeof TOPICS;

export interface Kind {
  label: string;
  for: For;
  /** Where the settings page lists it. */
  topic: Topic;
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
  welcome: { label: 'Welcome', for: 'everyone', topic: 'account' },
  'verify-email': {
    label: 'Email confirmation links',
    for: 'everyone',
    topic: 'account',
    mustGo: true,
    secret: 'Email confirmation link',
  },
  'reset-password': {
    label: 'Password reset links',
    for: 'everyone',
    topic: 'account',
    mustGo: true,
    secret: 'Password reset link',
  },
  'phone-otp': {
    label: 'Phone confirmation codes',
    for: 'everyone',
    topic: 'account',
    mustGo: true,
    secret: 'Phone confirmation code',
  },
  'booking-received': { label: 'New bookings', for: 'organizer', topic: 'bookings' },
  'payment-proof-received': { label: 'UPI payments to check', for: 'organizer', topic: 'bookings' },
  'proof-overdue': { label: 'UPI payments waiting too long', for: 'organizer', topic: 'bookings' },
  'proof-released-organizer': {
    label: 'Bookings released while a UPI payment waited',
    for: 'organizer',
    topic: 'bookings',
  },
  'refund-due': { label: 'Refunds to pay back', for: 'organizer', topic: 'bookings', mustGo: true },
  'booking-confirmed': { label: 'Booking confirmed', for: 'traveler', topic: 'bookings' },
  'waitlist-offer': { label: 'Seats offered from a waitlist', for: 'traveler', topic: 'bookings', mustGo: true },
  'waitlist-closed': { label: 'A waitlisted date cancelled', for: 'traveler', topic: 'bookings' },
  'waitlist-offer-expired': { label: 'A waitlist offer that ended', for: 'traveler', topic: 'bookings' },
  'payment-verified': { label: 'Payment verified', for: 'traveler', topic: 'bookings', mustGo: true },
  'payment-rejected': { label: 'Payment rejected', for: 'traveler', topic: 'bookings', mustGo: true },
  'proof-resend': { label: 'Payment proof to send again', for: 'traveler', topic: 'bookings', mustGo: true },
  'proof-not-resent': {
    label: 'Booking released: no new payment proof',
    for: 'traveler',
    topic: 'bookings',
    mustGo: true,
  },
  'hold-expiring': { label: 'Seats about to be released', for: 'traveler', topic: 'bookings' },
  'hold-expired': { label: 'Seats released', for: 'traveler', topic: 'bookings' },
  'proof-released': {
    label: 'Booking released while your payment waited',
    for: 'traveler',
    topic: 'bookings',
    mustGo: true,
  },
  'booking-cancelled': { label: 'Booking cancelled', for: 'traveler', topic: 'bookings', mustGo: true },
  'booking-refunded': { label: 'Refund sent', for: 'traveler', topic: 'bookings', mustGo: true },
  'trip-cancelled': { label: 'Trip cancelled', for: 'traveler', topic: 'trips', mustGo: true },
  'trip-reminder': { label: 'Trip reminders', for: 'traveler', topic: 'trips' },
  'balance-paid': { label: 'Balance paid', for: 'traveler', topic: 'bookings', mustGo: true },
  'balance-reminder': { label: 'Balance due reminders', for: 'traveler', topic: 'bookings', mustGo: true },
  'balance-unpaid-cancelled': {
    label: 'Booking cancelled: balance unpaid',
    for: 'traveler',
    topic: 'bookings',
    mustGo: true,
  },
  'balance-unpaid-organizer': {
    label: 'Bookings cancelled for an unpaid balance',
    for: 'organizer',
    topic: 'bookings',
    mustGo: true,
  },
  'booking-moved': { label: 'Booking moved to another departure', for: 'traveler', topic: 'bookings', mustGo: true },
  'booking-moved-organizer': {
    label: 'Bookings moved to another departure',
    for: 'organizer',
    topic: 'bookings',
    mustGo: true,
  },
  'move-not-made': {
    label: 'A paid move to another departure not made',
    for: 'traveler',
    topic: 'bookings',
    mustGo: true,
  },
  'trial-ending': { label: 'Free trial ending', for: 'organizer', topic: 'account' },
  'trial-ended': { label: 'Free trial ended', for: 'organizer', topic: 'account', mustGo: true },
  'review-invite': { label: 'Invitations to review a trek', for: 'traveler', topic: 'reviews' },
  announcement: { label: 'Announcements', for: 'everyone', topic: 'news' },
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

/** One choice for every kind of a topic: the channels it turns on ("custom": each kind as ticked). */
export const PRESETS = {
  all: { label: 'Everywhere', channels: ['email', 'sms', 'whatsapp', 'inapp'] },
  email: { label: 'Email and app', channels: ['email', 'inapp'] },
  inapp: { label: 'In the app only', channels: ['inapp'] },
  off: { label: 'Off', channels: [] },
} as const satisfies Record<string, { label: string; channels: readonly PrefChannel[] }>;
export type Preset = keyof typeof PRESETS;
export type TopicChoice = Preset | 'custom';

/** The preset these channels make, or "custom" when they match none. */
export function presetOf(on: Record<PrefChannel, boolean>): TopicChoice {
  for (const [name, p] of Object.entries(PRESETS) as [Preset, (typeof PRESETS)[Preset]][])
    if (PREF_CHANNELS.every((ch) => on[ch] === (p.channels as readonly PrefChannel[]).includes(ch))) return name;
  return 'custom';
}
