import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import type { Channel } from '../lib/tables.js';

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
}

/**
 * Queues a message. Pass the transaction of the change that causes it, so the message
 * exists exactly when the change does; a job delivers it later with retries.
 */
export async function enqueue(db: Kysely<Database>, clock: Clock, m: OutgoingMessage): Promise<number> {
  const now = clock.now().toISOString();
  const { id } = await db
    .insertInto('outbox')
    .values({
      channel: m.channel,
      recipient: m.to,
      template: m.template,
      payload: JSON.stringify({ subject: m.subject ?? null, text: m.text, html: m.html ?? null }),
      next_attempt_at: now,
      created_at: now,
      last_error: null,
      provider_id: null,
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
