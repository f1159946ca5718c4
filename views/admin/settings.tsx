import { Field } from '../components/Field.js';
import type { FieldErrors } from '../../src/lib/errors.js';
import type { PlanSettings } from '../../src/billing/types.js';
import type { BookingSettings, PlatformSettings } from '../../src/admin/types.js';

export type SettingsSection = 'plan' | 'bookings' | 'platform';

export interface SettingsPageProps {
  plan: PlanSettings;
  bookings: BookingSettings;
  platform: PlatformSettings;
  /** The form of one section as posted, when it was refused. */
  failed?: { section: SettingsSection; values: Record<string, string | undefined>; errors: FieldErrors };
}

const rupees = (paise: number) => (paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2));

export function SettingsPage(p: SettingsPageProps) {
  const { plan } = p;
  const failed = p.failed?.section === 'plan' ? p.failed : undefined;
  const shown: Record<string, string> = {
    amount: rupees(plan.amountPaise),
    period_days: String(plan.periodDays),
    listings: String(plan.listings),
    trial_days: String(plan.trialDays),
    charge_attempts: String(plan.chargeAttempts),
    charge_retry_days: String(plan.chargeRetryDays),
    reminder_days: plan.chargeReminderDays.join(', '),
    trial_notice_days: plan.trialNoticeDays.join(', '),
  };
  const v = (name: string) => failed?.values[name] ?? shown[name];
  const errors = failed?.errors ?? {};
  return (
    <>
      <h1>Settings</h1>
      <section id="plan">
        <h2>Organizer plan</h2>
        <p class="muted">
          A change applies to each subscription from its next period; a period already running keeps its terms.
        </p>
        <form method="post" action="/admin/settings/plan">
          {errors.form && (
            <p class="flash error" role="alert">
              {errors.form}
            </p>
          )}
          <Field
            label="Price per period (₹)"
            name="amount"
            value={v('amount')}
            errors={errors}
            required
            inputmode="decimal"
          />
          <Field
            label="Period (days)"
            name="period_days"
            value={v('period_days')}
            errors={errors}
            required
            inputmode="numeric"
          />
          <Field
            label="Active trips included"
            name="listings"
            value={v('listings')}
            errors={errors}
            required
            inputmode="numeric"
          />
          <Field
            label="Free trial (days)"
            name="trial_days"
            value={v('trial_days')}
            errors={errors}
            required
            inputmode="numeric"
          />
          <Field
            label="Charge attempts before the subscription goes inactive"
            name="charge_attempts"
            value={v('charge_attempts')}
            errors={errors}
            required
            inputmode="numeric"
          />
          <Field
            label="Days between attempts"
            name="charge_retry_days"
            value={v('charge_retry_days')}
            errors={errors}
            required
            inputmode="numeric"
          />
          <Field
            label="Payment reminders (days before a charge)"
            name="reminder_days"
            value={v('reminder_days')}
            errors={errors}
            required
            hint="Comma-separated, like 7, 3"
          />
          <Field
            label="Trial ending notices (days before)"
            name="trial_notice_days"
            value={v('trial_notice_days')}
            errors={errors}
            required
            hint="Comma-separated, like 7, 3, 1"
          />
          <button type="submit">Save the plan</button>
        </form>
      </section>
      <BookingSettingsForm {...p} />
      <PlatformSettingsForm {...p} />
    </>
  );
}

function sectionOf(p: SettingsPageProps, section: SettingsSection, shown: Record<string, string>) {
  const failed = p.failed?.section === section ? p.failed : undefined;
  return { v: (name: string) => failed?.values[name] ?? shown[name], errors: failed?.errors ?? {} };
}

function FormError(p: { errors: FieldErrors }) {
  return p.errors.form ? (
    <p class="flash error" role="alert">
      {p.errors.form}
    </p>
  ) : null;
}

function BookingSettingsForm(p: SettingsPageProps) {
  const [early, late, last] = p.bookings.refundPolicy;
  const { v, errors } = sectionOf(p, 'bookings', {
    hold_minutes: String(p.bookings.holdMinutes),
    waitlist_offer_hours: String(p.bookings.waitlistOfferHours),
    max_unpaid_seats: String(p.bookings.maxUnpaidSeatsPerTraveler),
    early_days: String(early?.minDays ?? 30),
    early_percent: String(early?.percent ?? 100),
    late_days: String(late?.minDays ?? 15),
    late_percent: String(late?.percent ?? 50),
    last_percent: String(last?.percent ?? 0),
  });
  const num = (label: string, name: string, hint?: string) => (
    <Field label={label} name={name} value={v(name)} errors={errors} required inputmode="numeric" hint={hint} />
  );
  return (
    <section id="bookings">
      <h2>Bookings</h2>
      <form method="post" action="/admin/settings/bookings">
        <FormError errors={errors} />
        {num('Unpaid hold expires after (minutes)', 'hold_minutes', 'Applies to bookings made from now on.')}
        {num(
          'Seats offered from a waitlist are held for (hours)',
          'waitlist_offer_hours',
          'Then they go to the next traveler waiting. Applies to offers made from now on.',
        )}
        {num(
          'Most unpaid seats one traveler may hold, over all departures',
          'max_unpaid_seats',
          'Seats of bookings not paid yet (a UPI payment being checked counts). A booking past it is refused.',
        )}
        <fieldset>
          <legend>Default refund policy (for trips created from now on; each trip keeps its own)</legend>
          {num('Cancelled at least this many days before the start…', 'early_days')}
          {num('…refunds this percentage', 'early_percent')}
          {num('Cancelled at least this many days before…', 'late_days')}
          {num('…refunds this percentage', 'late_percent')}
          {num('Later than that refunds this percentage', 'last_percent')}
        </fieldset>
        <button type="submit">Save booking settings</button>
      </form>
    </section>
  );
}

function PlatformSettingsForm(p: SettingsPageProps) {
  const { v, errors } = sectionOf(p, 'platform', {
    platform_name: p.platform.platformName,
    contact_email: p.platform.contactEmail,
    contact_phone: p.platform.contactPhone,
  });
  return (
    <section id="platform">
      <h2>Platform</h2>
      <form method="post" action="/admin/settings/platform">
        <FormError errors={errors} />
        <Field
          label="Platform name"
          name="platform_name"
          value={v('platform_name')}
          errors={errors}
          required
          maxlength={40}
          hint="Shown in page titles, the header and footer, and emails."
        />
        <Field
          label="Contact email"
          name="contact_email"
          type="email"
          value={v('contact_email')}
          errors={errors}
          inputmode="email"
          autocomplete="off"
        />
        <Field
          label="Contact phone"
          name="contact_phone"
          type="tel"
          value={v('contact_phone')}
          errors={errors}
          inputmode="tel"
          autocomplete="off"
        />
        <button type="submit">Save platform settings</button>
      </form>
    </section>
  );
}
