import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { DAY } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import type { MailboxItem, MailboxMessage } from '../../views/notifications/mailbox.js';
import type { Channel } from '../lib/tables.js';
import {
  messagesTo,
  findDevMessage,
  listDevMessages,
  outboxCounts,
  pruneDelivered,
  requeueFailed,
  troubledMessages,
  type DevMessageRow,
} from './queries.js';

const toItem = (r: DevMessageRow): MailboxItem => ({
  id: r.id,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  text: r.text,
  createdAt: r.created_at,
});

/** The latest messages the dev mailbox received, optionally for one recipient. */
export async function devMailbox(deps: Deps, to = ''): Promise<MailboxItem[]> {
  return (await listDevMessages(deps.db, 200, to || undefined)).map(toItem);
}

export async function devMessage(deps: Deps, id: number): Promise<MailboxMessage> {
  const r = await findDevMessage(deps.db, id);
  if (!r) throw new NotFoundError();
  const c = deps.config;
  const from =
    r.channel === 'email'
      ? c.mail.from
      : r.channel === 'sms'
        ? (c.twilio?.smsFrom ?? 'TrekTribe')
        : (c.twilio?.whatsappFrom ?? 'TrekTribe');
  return { ...toItem(r), html: r.html, from };
}

/** What the admin outbox page shows: counts by status and the messages in trouble. */
export async function outboxOverview(deps: Deps) {
  const [counts, troubled] = await Promise.all([outboxCounts(deps.db), troubledMessages(deps.db, 100)]);
  return { counts, troubled };
}

/** Puts a failed message back in the queue with a fresh set of attempts (an admin action). */
export async function retryFailedMessage(deps: Deps, actorId: number, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const ok = await requeueFailed(trx, id, deps.clock.now().toISOString());
    if (!ok) throw new Conflict('That message is not failed (it may have been retried already).');
    await audit(trx, deps.clock, {
      actorId,
      action: 'outbox.retry',
      targetType: 'outbox',
      targetId: id,
      before: { status: 'failed' },
      after: { status: 'pending' },
    });
  });
}

/** How long delivered messages are kept (they carry sign-in links and one-time codes). */
export const KEEP_DELIVERED_DAYS = 30;

export async function forgetDeliveredMessages(deps: Deps): Promise<number> {
  return pruneDelivered(deps.db, new Date(deps.clock.now().getTime() - KEEP_DELIVERED_DAYS * DAY).toISOString());
}

/** One message sent (or being sent) to someone, as a customer's timeline shows it. */
export interface SentMessage {
  id: number;
  channel: Channel;
  to: string;
  template: string;
  subject: string | null;
  text: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

const textOf = (payload: string): { subject: string | null; text: string } => {
  try {
    const p = JSON.parse(payload) as { subject?: string | null; text?: string };
    return { subject: p.subject ?? null, text: p.text ?? '' };
  } catch {
    return { subject: null, text: '' };
  }
};

/** Every message queued for these addresses (a customer's email and phone), newest first. */
export async function messageTimeline(
  deps: Pick<Deps, 'db'>,
  recipients: string[],
  limit = 100,
): Promise<SentMessage[]> {
  const to = recipients.filter((r) => r !== '');
  if (to.length === 0) return [];
  return (await messagesTo(deps.db, to, limit)).map((r) => ({
    id: r.id,
    channel: r.channel,
    to: r.recipient,
    template: r.template,
    ...textOf(r.payload),
    status: r.status,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}
