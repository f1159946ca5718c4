import type { Deps } from '../deps.js';
import { DAY, isoNow } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { breathe } from '../lib/jobs.js';
import { daysBetween, istDate } from '../lib/time.js';
import { planSettings } from './plan.js';
import { dueNotice, notify } from './notices.js';
import * as q from './queries.js';

/** UPI wants a pre-debit notice 24 h before a debit: sent at 10:00 two India days before the 02:00 charge. */
const PRE_DEBIT_DAYS = 2;

/** The 10:00 job: payment reminders (the configured days before the charge) and the pre-debit notice, each once. */
export async function sendChargeReminders(deps: Deps): Promise<string> {
  const { db, clock } = deps;
  const plan = await planSettings(deps);
  const now = clock.now();
  const horizonDays = Math.max(PRE_DEBIT_DAYS, ...plan.chargeReminderDays) + 1;
  let reminders = 0;
  let notices = 0;
  for (const sub of await q.chargesAheadBefore(
    db,
    now.toISOString(),
    new Date(now.getTime() + horizonDays * DAY).toISOString(),
  )) {
    const chargeAt = sub.next_charge_at!;
    const daysLeft = daysBetween(istDate(now), istDate(new Date(chargeAt)));
    const due = sub.failed_attempts === 0 ? dueNotice(daysLeft, plan.chargeReminderDays) : null;
    await tx(db, async (trx) => {
      const at = isoNow(clock);
      const contact = await q.contactOf(trx, sub.organizer_id);
      if (
        due !== null &&
        daysLeft > PRE_DEBIT_DAYS &&
        (await q.recordNotice(trx, {
          subscriptionId: sub.id,
          kind: 'payment-reminder',
          about: `${chargeAt}/${due}`,
          now: at,
        }))
      ) {
        reminders++;
        await notify(deps, trx, contact, 'payment-reminder', {
          amountPaise: plan.amountPaise,
          date: chargeAt,
          daysBefore: daysLeft,
        });
      }
      if (
        daysLeft <= PRE_DEBIT_DAYS &&
        (await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'pre-debit', about: chargeAt, now: at }))
      ) {
        notices++;
        await notify(deps, trx, contact, 'pre-debit', { amountPaise: plan.amountPaise, date: chargeAt });
      }
    });
    await breathe();
  }
  return `sent ${reminders} payment reminders, ${notices} pre-debit notices`;
}
