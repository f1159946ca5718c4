import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import type { Config } from '../config.js';
import type { Channel } from '../lib/tables.js';
import { mustGo, secretOf } from './kinds.js';
import { insertOutbox, recipientOf } from './queries.js';
import { addNotification, linkIn, summaryOf } from './inapp.js';

export interface OutgoingMessage {
  channel: Channel;
  /** An email address, or an E.164 phone number for sms/whatsapp. */
  to: string;
  /** A label for admins and tests ("verify-email", "booking-confirmed"). */
  template: string;
  /** Email only. */
  subject?: string;
  /** The message as the recipient reads it (the plain-text part for email). */
  text: string;
  /** Email only: the HTML part. */
  html?: string;
  /** WhatsApp only: an approved Twilio content template and its variables ({"1": "Asha"}), sent instead of free text. */
  whatsappTemplate?: { sid: string; variables: Record<string, string> };
}

/**
 * Queues a message. Pass the transaction of the change that causes it, so the message
 * exists exactly when the change does; a job delivers it later with retries.
 *
 * It is also the one place where messages meet their recipients'
 * accounts: a message to a user's address (their email, their verified phone) is skipped when
 * they turned that kind off on that channel (never one that must go: security, money), and its
 * email also becomes an in-app notification (with the bell's new count) unless they turned the
 * kind off in the app. Returns the outbox id, or 0 when the user chose not to get it there.
 */
export async function enqueue(
  db: Kysely<Database>,
  deps: { clock: Clock; config: Pick<Config, 'publicUrl'> },
  m: OutgoingMessage,
): Promise<number> {
  const { clock } = deps;
  const user = await recipientOf(db, m.channel, m.to, m.template);
  const forced = mustGo(m.template);
  if (user && m.channel === 'email' && (forced || user.wants_inapp !== 0))
    await addNotification(db, clock, { userId: user.id, kind: m.template, ...inAppOf(m, deps.config.publicUrl) });
  if (user && !forced && user.wants === 0) return 0;
  return queue(db, clock, m);
}

/** What the bell shows of an email: of a one-time secret, only that it was sent (the email alone holds it). */
function inAppOf(m: OutgoingMessage, origin: string) {
  const secret = secretOf(m.template);
  if (secret !== null)
    return {
      title: `${secret} sent to your email`,
      body: 'Open it from the email: it works for you alone.',
      link: null,
    };
  return { title: m.subject ?? m.template, body: summaryOf(m.text), link: linkIn(m.text, origin) };
}

async function queue(db: Kysely<Database>, clock: Clock, m: OutgoingMessage): Promise<number> {
  const payload = JSON.stringify({
    subject: m.subject ?? null,
    text: m.text,
    html: m.html ?? null,
    ...(m.whatsappTemplate
      ? { contentSid: m.whatsappTemplate.sid, contentVariables: m.whatsappTemplate.variables }
      : {}),
  });
  return insertOutbox(db, {
    channel: m.channel,
    recipient: m.to,
    template: m.template,
    payload,
    now: clock.now().toISOString(),
  });
}
