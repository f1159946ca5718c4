import { z } from 'zod';
import { normalizePhone } from '../lib/phone.js';
import { calendarDay, idField, wholeNumber } from '../lib/fields.js';

/** The filters and forms of the admin console. A filter never refuses a page: a bad value is dropped. */

const page = wholeNumber({ min: 1, max: 10_000, message: 'Choose a page.' }).optional().default(1).catch(1);
const text = (max: number) => z.string().trim().max(max).optional().default('').catch('');
const id = z
  .union([z.literal(''), idField('Choose one from the list.')])
  .optional()
  .transform((v) => (typeof v === 'number' ? v : null))
  .catch(null);
/** A calendar day in India, as a date input sends it. */
const day = calendarDay('Enter a date like 2026-12-31.')
  .optional()
  .transform((v) => v ?? '')
  .catch('');
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .enum(values)
    .or(z.literal(''))
    .optional()
    .transform((v) => (v ?? '') as T[number] | '')
    .catch('');

export const BOOKING_STATUSES = ['pending', 'confirmed', 'cancelled', 'completed'] as const;
export const PAYMENT_STATUSES = ['created', 'paid', 'failed', 'refunded', 'mismatch'] as const;
export const TRIP_STATUSES = ['draft', 'active', 'inactive', 'cancelled', 'completed'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export const CHANNELS = ['email', 'sms', 'whatsapp'] as const;

const dateRange = { from: day, to: day };

export const bookingFilter = z.object({
  status: oneOf(BOOKING_STATUSES),
  organizer: id,
  trip: id,
  ...dateRange,
  page,
});
export type BookingFilter = z.output<typeof bookingFilter>;

export const paymentFilter = z.object({
  status: oneOf(PAYMENT_STATUSES),
  organizer: id,
  trip: id,
  ...dateRange,
  page,
});
export type PaymentFilter = z.output<typeof paymentFilter>;

export const tripFilter = z.object({
  q: text(100),
  status: oneOf(TRIP_STATUSES),
  organizer: id,
  moderated: z
    .enum(['yes', ''])
    .optional()
    .transform((v) => v === 'yes')
    .catch(false),
  page,
});
export type TripFilter = z.output<typeof tripFilter>;

export const outboxFilter = z.object({
  status: oneOf(OUTBOX_STATUSES),
  channel: oneOf(CHANNELS),
  kind: text(60),
  recipient: text(254),
  page,
});
export type OutboxFilter = z.output<typeof outboxFilter>;

export const auditFilter = z.object({
  actor: id,
  action: text(60),
  object: text(40),
  objectId: text(40),
  page,
});
export type AuditFilter = z.output<typeof auditFilter>;

export const moderationForm = z.object({
  reason: z
    .string()
    .trim()
    .min(10, 'Tell the organizer why, in at least 10 characters.')
    .max(500, 'Use at most 500 characters.'),
});

/** Erasure asks the admin to type the account's email: a deliberate step, without JavaScript. */
export const eraseForm = z.object({ confirm: z.string().trim().toLowerCase().max(254) });

const minutes = (what: string, min: number, max: number) =>
  wholeNumber({
    min,
    max,
    message: `Enter ${what} as a whole number of minutes.`,
    tooSmall: `At least ${min} minutes.`,
    tooLarge: `At most ${max} minutes.`,
  });

const percent = wholeNumber({ min: 0, max: 100, message: 'Enter a whole percentage.', tooLarge: 'At most 100 %.' });
const days = wholeNumber({
  min: 1,
  max: 365,
  message: 'Enter a whole number of days.',
  tooSmall: 'At least 1 day.',
  tooLarge: 'At most 365 days.',
});

/** Hold expiry, the cap on unpaid seats, and the default refund policy (three bands: ≥ early days, ≥ late days, later). */
export const bookingSettingsForm = z
  .object({
    hold_minutes: minutes('the hold', 5, 24 * 60),
    waitlist_offer_hours: wholeNumber({
      min: 1,
      max: 72,
      message: 'Enter a whole number of hours.',
      tooSmall: 'At least 1 hour.',
      tooLarge: 'At most 72 hours.',
    }),
    max_unpaid_seats: z
      .string()
      .trim()
      .regex(/^\d{1,4}$/, 'Enter a whole number of seats.')
      .transform(Number)
      .pipe(z.number().min(1, 'At least 1 seat.').max(1000, 'At most 1000 seats.')),
    early_days: days,
    early_percent: percent,
    late_days: days,
    late_percent: percent,
    last_percent: percent,
  })
  .superRefine((f, ctx) => {
    if (f.late_days >= f.early_days)
      ctx.addIssue({ code: 'custom', path: ['late_days'], message: 'Must be fewer days than the first band.' });
    if (f.late_percent > f.early_percent)
      ctx.addIssue({ code: 'custom', path: ['late_percent'], message: 'Cannot refund more than the earlier band.' });
    if (f.last_percent > f.late_percent)
      ctx.addIssue({ code: 'custom', path: ['last_percent'], message: 'Cannot refund more than the earlier band.' });
  })
  .transform((f) => ({
    holdMinutes: f.hold_minutes,
    waitlistOfferHours: f.waitlist_offer_hours,
    maxUnpaidSeatsPerTraveler: f.max_unpaid_seats,
    refundPolicy: [
      { minDays: f.early_days, percent: f.early_percent },
      { minDays: f.late_days, percent: f.late_percent },
      { minDays: 0, percent: f.last_percent },
    ],
  }));
export type BookingSettingsInput = z.output<typeof bookingSettingsForm>;

export const platformSettingsForm = z
  .object({
    platform_name: z.string().trim().min(2, 'Enter a name of at least 2 characters.').max(40, 'At most 40 characters.'),
    contact_email: z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .pipe(z.email('Enter an email address like help@example.com.').or(z.literal(''))),
    contact_phone: z
      .string()
      .trim()
      .transform((s, ctx) => {
        if (!s) return '';
        const p = normalizePhone(s);
        if (!p) ctx.addIssue({ code: 'custom', message: 'Enter a 10-digit Indian number, or one starting with +.' });
        return p ?? z.NEVER;
      }),
  })
  .transform((f) => ({ platformName: f.platform_name, contactEmail: f.contact_email, contactPhone: f.contact_phone }));
export type PlatformSettingsInput = z.output<typeof platformSettingsForm>;
