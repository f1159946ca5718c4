import type { Deps } from '../deps.js';
import { NotFoundError } from '../lib/errors.js';
import type { MailboxItem, MailboxMessage } from '../../views/notifications/mailbox.js';
import { findDevMessage, listDevMessages, type DevMessageRow } from './queries.js';

const toItem = (r: DevMessageRow): MailboxItem => ({ id: r.id, channel: r.channel, recipient: r.recipient, subject: r.subject, text: r.text, createdAt: r.created_at });

/** The latest messages the dev mailbox received, optionally for one recipient. */
export async function devMailbox(deps: Deps, to = ''): Promise<MailboxItem[]> {
  return (await listDevMessages(deps.db, 200, to || undefined)).map(toItem);
}

export async function devMessage(deps: Deps, id: number): Promise<MailboxMessage> {
  const r = await findDevMessage(deps.db, id);
  if (!r) throw new NotFoundError();
  const c = deps.config;
  const from = r.channel === 'email' ? c.mail.from : r.channel === 'sms' ? (c.twilio?.smsFrom ?? 'TrekTribe') : (c.twilio?.whatsappFrom ?? 'TrekTribe');
  return { ...toItem(r), html: r.html, from };
}
