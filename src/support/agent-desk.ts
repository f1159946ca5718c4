import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { DAY } from '../lib/clock.js';
import { Conflict } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { enqueue } from '../notifications/outbox.js';
import { ticketChanged } from '../live/service.js';
import { getAccount } from '../auth/accounts.js';
import * as q from './queries.js';
import type { QueueQuery } from './schemas.js';
import type { TicketStatus } from './tables.js';
import {
  byCustomer,
  markSeen,
  requireStaff,
  seenMark,
  staffTicket,
  statusChange,
  ticketLink,
  toDetails,
  toMessage,
  toSummary,
  type Db,
} from './tickets.js';
import type { TicketSummary } from './types.js';
import {
  ticketReplyHtml,
  ticketReplySubject,
  ticketReplyText,
  ticketResolvedHtml,
  ticketResolvedSubject,
  ticketResolvedText,
} from '../../views/support/emails.js';

/* The agents' side of the desk: the queue at /agent/tickets, a ticket's page, replies, notes, statuses. */

export const QUEUE_PAGE = 50;

const AGE_DAYS = { any: 0, '1': 1, '3': 3, '7': 7 } as const;

export async function ticketQueue(deps: Deps, actor: Actor, f: QueueQuery) {
  requireStaff(actor);
  const now = deps.clock.now();
  const [createdAt, afterId] = f.after ? f.after.split('~') : [];
  const rows = await q.queuePage(deps.db, {
    status: f.status,
    assignee: f.assignee,
    agentId: actor.id,
    createdBefore: f.age === 'any' ? null : new Date(now.getTime() - AGE_DAYS[f.age] * DAY).toISOString(),
    aboutBooking: f.booking === 'yes',
    after: f.after ? { createdAt, id: Number(afterId) } : null,
    limit: QUEUE_PAGE + 1,
  });
  const tickets = rows.slice(0, QUEUE_PAGE).map(toSummary);
  const last = rows.length > QUEUE_PAGE ? rows[QUEUE_PAGE - 1] : null;
  return { tickets, filter: f, next: last ? `${last.created_at}~${last.id}` : null };
}

/**
 * The thread with the internal notes and the customer's "Seen", the saved replies, and a saved
 * reply's text to start the reply with. Marks it seen by the desk.
 */
export async function agentTicket(deps: Deps, actor: Actor, id: number, savedReplyId?: number) {
  const t = await staffTicket(deps.db, actor, id);
  const [rows, replies] = await Promise.all([q.messagesOf(deps.db, id, true), q.savedReplies(deps.db)]);
  const messages = rows.map((m) => toMessage(m, id));
  const now = deps.clock.now();
  const fromCustomer = byCustomer(t);
  await markSeen(deps, t, 'agent', messages.filter(fromCustomer), now);
  const saved = replies.map((r) => ({ id: r.id, title: r.title, body: r.body }));
  return {
    ticket: toDetails(t),
    messages,
    seen: seenMark(messages, (m) => !fromCustomer(m), t.customer_seen_at, now),
    savedReplies: saved,
    draft: saved.find((r) => r.id === savedReplyId)?.body ?? '',
  };
}

export async function assignToMe(deps: Deps, actor: Actor, id: number): Promise<boolean> {
  await staffTicket(deps.db, actor, id);
  return q.assignTicket(deps.db, id, actor.id, deps.clock.now().toISOString());
}

/** When a ticket becomes resolved the customer is asked for a rating (in the same transaction). */
async function askForRating(deps: Deps, trx: Db, t: q.TicketRow) {
  const p = { name: t.customer_name, ticketId: t.id, subject: t.subject, link: ticketLink(deps, t.id) };
  await enqueue(trx, deps, {
    channel: 'email',
    to: t.customer_email,
    template: 'support-resolved',
    subject: ticketResolvedSubject(p),
    text: ticketResolvedText(p),
    html: ticketResolvedHtml(p),
  });
}

/**
 * An agent's reply: emailed to the customer in the same transaction, and the ticket moves to
 * `status` (waiting on the customer by default). An unassigned ticket becomes the replier's.
 */
export async function agentReply(
  deps: Deps,
  actor: Actor,
  id: number,
  input: { body: string; status: TicketStatus },
): Promise<void> {
  const t = await staffTicket(deps.db, actor, id);
  const agentName = await firstNameOf(deps, actor.id);
  await tx(deps.db, async (trx) => {
    const now = deps.clock.now().toISOString();
    await q.insertMessage(trx, {
      ticket_id: id,
      author_id: actor.id,
      kind: 'reply',
      body: input.body,
      created_at: now,
    });
    await q.markFirstResponse(trx, id, actor.id, now);
    await q.updateTicket(trx, id, {
      ...statusChange(input.status, now, t),
      assignee_id: t.assignee_id ?? actor.id,
      agent_seen_at: now,
    });
    const p = {
      name: t.customer_name,
      ticketId: id,
      subject: t.subject,
      agentName,
      reply: input.body,
      link: ticketLink(deps, id),
    };
    await enqueue(trx, deps, {
      channel: 'email',
      to: t.customer_email,
      template: 'support-reply',
      subject: ticketReplySubject(p),
      text: ticketReplyText(p),
      html: ticketReplyHtml(p),
    });
    if (input.status === 'resolved' && t.status !== 'resolved') await askForRating(deps, trx, t);
  });
  await ticketChanged(deps, id);
}

/** Agents sign their replies with their first name only. */
export async function firstNameOf(deps: Deps, userId: number): Promise<string> {
  return (await getAccount(deps, userId)).name.trim().split(/\s+/)[0] || 'An agent';
}

/** An internal note: agents and admins read it, the customer never does (and gets no message). */
export async function addNote(deps: Deps, actor: Actor, id: number, body: string): Promise<void> {
  await staffTicket(deps.db, actor, id);
  await tx(deps.db, async (trx) => {
    const now = deps.clock.now().toISOString();
    await q.insertMessage(trx, { ticket_id: id, author_id: actor.id, kind: 'note', body, created_at: now });
    await q.updateTicket(trx, id, { agent_seen_at: now });
  });
}

export async function changeStatus(deps: Deps, actor: Actor, id: number, status: TicketStatus): Promise<void> {
  const t = await staffTicket(deps.db, actor, id);
  if (t.status === status) return;
  await tx(deps.db, async (trx) => {
    const now = deps.clock.now().toISOString();
    const ok = await q.updateTicketIf(trx, id, [t.status], statusChange(status, now, t));
    if (!ok) throw new Conflict('Someone changed this ticket meanwhile; look again and retry.');
    if (status === 'resolved') await askForRating(deps, trx, t);
  });
  await ticketChanged(deps, id);
}

/** A customer's tickets, for the CRM's customer page. */
export async function ticketsOfCustomer(deps: Deps, actor: Actor, customerId: number): Promise<TicketSummary[]> {
  requireStaff(actor);
  return (await q.ticketsOfCustomer(deps.db, customerId, 50)).map(toSummary);
}
