import { Field } from '../components/Field.js';
import type { FieldErrors } from '../../src/lib/errors.js';
import type { PlanSettings } from '../../src/billing/service.js';

export interface SettingsPageProps {
  plan: PlanSettings;
  /** The plan form as posted, when it was refused. */
  failed?: { values: Record<string, string | undefined>; errors: FieldErrors };
}

const rupees = (paise: number) => (paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2));

export function SettingsPage(p: SettingsPageProps) {
  const { plan, failed } = p;
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
    </>
  );
}
