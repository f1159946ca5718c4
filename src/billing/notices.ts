import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { enqueue } from '../notifications/outbox.js';
import { SUBSCRIPTION_PAGE } from './plan.js';
import type * as q from './queries.js';
import { billingMessage, type BillingMessage, type BillingMessageKind } from '../../views/billing/emails.js';

type Db = Kysely<Database>;

/**
 * The notice due now: the nearest configured day at or after the days left (a day the job
 * missed is made up by the next notice, never by several at once).
 */
export function dueNotice(daysLeft: number, noticeDays: number[]): number | null {
  const due = noticeDays.filter((d) => d >= daysLeft);
  return due.length ? Math.min(...due) : null;
}

/**
 * Email, and an SMS when the organizer's phone is verified (and a WhatsApp message too where an
 * approved notice template is configured: business-initiated WhatsApp needs one); nothing to a
 * closed account.
 */
export async function tell(
  trx: Db,
  deps: Pick<Deps, 'clock' | 'config'>,
  to: Pick<q.TrialRow, 'name' | 'email' | 'phone' | 'phone_verified_at' | 'user_status'>,
  template: string,
  m: { subject: string; text: string; html: string; sms: string },
) {
  if (to.user_status !== 'active') return;
  const { config } = deps;
  await enqueue(trx, deps, {
    channel: 'email',
    to: to.email,
    template,
    subject: m.subject,
    text: m.text,
    html: m.html,
  });
  if (!to.phone || !to.phone_verified_at) return;
  await enqueue(trx, deps, { channel: 'sms', to: to.phone, template, text: m.sms });
  if (config.whatsappNotice)
    await enqueue(trx, deps, {
      channel: 'whatsapp',
      to: to.phone,
      template,
      text: m.sms,
      whatsappTemplate: { sid: config.whatsappNotice.sid, variables: { '1': to.name, '2': m.sms } },
    });
}

const subscriptionLink = (config: Deps['config']) => `${config.publicUrl}${SUBSCRIPTION_PAGE}`;
export const receiptLink = (config: Deps['config'], chargeId: number) =>
  `${config.publicUrl}${SUBSCRIPTION_PAGE}/charges/${chargeId}`;

/** Queues one auto-pay message to the organizer (see `tell` for the channels). */
export async function notify(
  deps: Pick<Deps, 'clock' | 'config'>,
  trx: Db,
  contact: q.ContactRow,
  kind: BillingMessageKind,
  p: Omit<BillingMessage, 'name' | 'link'>,
) {
  await tell(
    trx,
    deps,
    contact,
    kind,
    billingMessage(kind, { ...p, name: contact.name, link: subscriptionLink(deps.config) }),
  );
}
