import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { can, type Actor } from '../auth/permissions.js';
import { DAY } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { readUpload, removeImage, storeImage, type StoredImage } from '../lib/images.js';
import { breathe } from '../lib/jobs.js';
import { istDate } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import { enqueue } from '../notifications/outbox.js';
import { ticketChanged } from '../live/service.js';
import { bookingFor } from '../bookings/access.js';
import { myBookings } from '../bookings/my-bookings.js';
import { getAccount } from '../auth/service.js';
import * as q from './queries.js';
import type { CustomerReplyInput, QueueQuery, SavedReplyInput, TicketInput } from './schemas.js';
import type { TicketMessageKind, TicketStatus } from './tables.js';
import {
  ticketClosedHtml,
  ticketClosedText,
  ticketReplyHtml,
  ticketReplySubject,
  ticketReplyText,
  ticketResolvedHtml,
  ticketResolvedSubject,
  ticketResolvedText,
} from '../../views/support/emails.js';

type Db = Kysely<Database>;

/** A ticket waiting on the customer this long closes itself. */
export const AUTO_CLOSE_DAYS = 7;
export const QUEUE_PAGE = 50;
/** Ticket images: private (the proofs store, never under /uploads), in two widths. */
const IMAGE_WIDTHS = [480, 1080] as const;

export const STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  waiting: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

// ---------------------------------------------------------------- domain types

export interface TicketSummary {
  id: number;
  subject: string;
  status: TicketStatus;
  customer: { id: number; name: string };
  assignee: { id: number; name: string } | null;
  booking: { id: number; code: string } | null;
  createdAt: string;
  updatedAt: string;
  rating: number | null;
}

export interface TicketDetails extends TicketSummary {
  waitingSince: string | null;
  resolvedAt: string | null;
  /** The customer may rate it now (resolved, not rated yet). */
  canRate: boolean;
  /** The customer may still reply (not closed). */
  canReply: boolean;
}

export interface TicketImage {
  url: string;
  width: number;
  height: number;
}

export interface TicketMessage {
  id: number;
  kind: TicketMessageKind;
  body: string;
  author: { id: number; name: string; staff: boolean };
  images: TicketImage[];
  createdAt: string;
}

export interface SavedReply {
  id: number;
  title: string;
  body: string;
}

const isStaff = (role: string) => role === 'agent' || role === 'admin';

const toSummary = (t: q.TicketRow): TicketSummary => ({
  id: t.id,
  subject: t.subject,
  status: t.status,
  customer: { id: t.customer_id, name: t.customer_name },
  assignee: t.assignee_id ? { id: t.assignee_id, name: t.assignee_name ?? '' } : null,
  booking: t.booking_id ? { id: t.booking_id, code: t.booking_code ?? '' } : null,
  createdAt: t.created_at,
  updatedAt: t.updated_at,
  rating: t.rating,
});

const toDetails = (t: q.TicketRow): TicketDetails => ({
  ...toSummary(t),
  waitingSince: t.waiting_since,
  resolvedAt: t.resolved_at,
  canRate: t.rating === null && t.resolved_at !== null && (t.status === 'resolved' || t.status === 'closed'),
  canReply: t.status !== 'closed',
});

function toMessage(m: q.MessageRow, ticketId: number): TicketMessage {
  let imgs: StoredImage[] = [];
  try {
    imgs = JSON.parse(m.images) as StoredImage[];
  } catch {
    imgs = [];
  }
  return {
    id: m.id,
    kind: m.kind,
    body: m.body,
    author: { id: m.author_id, name: m.author_name, staff: isStaff(m.author_role) },
    images: imgs.map((i) => ({
      url: `/support/${ticketId}/images/${i.key}-${i.widths[0]}.webp`,
      width: i.widths[0],
      height: Math.round((i.height * i.widths[0]) / Math.max(1, i.width)),
    })),
    createdAt: m.created_at,
  };
}

const requireStaff = (actor: Actor) => {
  if (!can(actor.role, 'tickets:manage')) throw new NotFoundError();
};

/** The ticket as its customer sees it; anyone else (staff included: they use the agent pages) gets a 404. */
async function ownTicket(db: Db, actor: Actor, id: number): Promise<q.TicketRow> {
  const t = await q.findTicket(db, id);
  if (!t || t.customer_id !== actor.id) throw new NotFoundError();
  return t;
}

async function staffTicket(db: Db, actor: Actor, id: number): Promise<q.TicketRow> {
  requireStaff(actor);
  const t = await q.findTicket(db, id);
  if (!t) throw new NotFoundError();
  return t;
}

/** Whether this user may follow the ticket's thread live: its customer, or staff (NotFoundError otherwise). */
export async function ticketVisibleTo(deps: Pick<Deps, 'db'>, actor: Actor, id: number): Promise<void> {
  if (can(actor.role, 'tickets:manage')) await staffTicket(deps.db, actor, id);
  else await ownTicket(deps.db, actor, id);
}

/** Stores the images first (outside any transaction: sharp is slow); removes them again if the rest fails. */
async function withImages<T>(deps: Deps, files: File[], fn: (images: StoredImage[]) => Promise<T>): Promise<T> {
  const stored: StoredImage[] = [];
  try {
    for (const f of files) stored.push(await storeImage(deps.config.dataDir, f, 'images', IMAGE_WIDTHS, 'proofs'));
    return await fn(stored);
  } catch (e) {
    for (const s of stored) await removeImage(deps.config.dataDir, s.key, s.widths, 'proofs');
    throw e;
  }
}

const ticketLink = (deps: Deps, id: number) => `${deps.config.publicUrl}/support/${id}`;

// ---------------------------------------------------------------- the customer's side

/** The bookings a ticket may be about: the customer's own. */
export async function ticketFormData(deps: Deps, actor: Actor) {
  const mine = await myBookings(deps, actor);
  const all = [...mine.upcoming, ...mine.past, ...mine.cancelled];
  return { bookings: all.map((b) => ({ id: b.id, label: `${b.code} · ${b.title}` })) };
}

export async function myTickets(deps: Deps, actor: Actor): Promise<TicketSummary[]> {
  return (await q.ticketsOfCustomer(deps.db, actor.id)).map(toSummary);
}

export async function openTicket(deps: Deps, actor: Actor, input: TicketInput): Promise<number> {
  if (input.booking !== null) {
    try {
      const b = await bookingFor(deps, actor, input.booking);
      if (b.user_id !== actor.id) throw new NotFoundError();
    } catch (e) {
      if (e instanceof NotFoundError) throw new DomainError('Choose one of your own bookings.', 'booking');
      throw e;
    }
  }
  return withImages(deps, input.images, (images) =>
    tx(deps.db, async (trx) => {
      const now = deps.clock.now().toISOString();
      const id = await q.insertTicket(trx, {
        customer_id: actor.id,
        booking_id: input.booking,
        subject: input.subject,
        status: 'open',
        assignee_id: null,
        waiting_since: null,
        first_response_at: null,
        first_responder_id: null,
        resolved_at: null,
        closed_at: null,
        rating: null,
        rated_at: null,
        customer_seen_at: now,
        agent_seen_at: null,
        created_at: now,
        updated_at: now,
      });
      await q.insertMessage(trx, {
        ticket_id: id,
        author_id: actor.id,
        kind: 'reply',
        body: input.body,
        images: JSON.stringify(images),
        created_at: now,
      });
      return id;
    }),
  );
}

/** The thread as the customer sees it: replies only, never the agents' notes. Marks it seen. */
export async function customerTicket(deps: Deps, actor: Actor, id: number) {
  const t = await ownTicket(deps.db, actor, id);
  const messages = (await q.messagesOf(deps.db, id, false)).map((m) => toMessage(m, id));
  await q.updateTicket(deps.db, id, { customer_seen_at: deps.clock.now().toISOString() });
  return { ticket: toDetails(t), messages };
}

export async function customerReply(deps: Deps, actor: Actor, id: number, input: CustomerReplyInput): Promise<void> {
  const t = await ownTicket(deps.db, actor, id);
  if (t.status === 'closed') throw new Conflict('This ticket is closed. Open a new one and we will help you there.');
  await withImages(deps, input.images, (images) =>
    tx(deps.db, async (trx) => {
      const now = deps.clock.now().toISOString();
      // Waiting, or resolved: the customer's answer puts it back in the agents' queue.
      const reopened = await q.updateTicketIf(trx, id, ['waiting', 'resolved'], {
        status: 'open',
        waiting_since: null,
        resolved_at: null,
        updated_at: now,
        customer_seen_at: now,
      });
      if (!reopened) {
        const ok = await q.updateTicketIf(trx, id, ['open', 'in_progress'], { updated_at: now, customer_seen_at: now });
        if (!ok) throw new Conflict('This ticket is closed. Open a new one and we will help you there.');
      }
      await q.insertMessage(trx, {
        ticket_id: id,
        author_id: actor.id,
        kind: 'reply',
        body: input.body,
        images: JSON.stringify(images),
        created_at: now,
      });
    }),
  );
  await ticketChanged(deps, id);
}

/** The customer's 1–5 rating of a resolved ticket, once. */
export async function rateTicket(deps: Deps, actor: Actor, id: number, rating: number): Promise<void> {
  await ownTicket(deps.db, actor, id);
  const ok = await q.rateOnce(deps.db, id, rating, deps.clock.now().toISOString());
  if (!ok) throw new Conflict('This ticket cannot be rated now (it was rated already, or is not resolved).');
}

/** An image of a ticket's thread, for its customer and staff; null for anything else. */
export async function ticketImage(
  deps: Deps,
  actor: Actor,
  id: number,
  name: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const t = await q.findTicket(deps.db, id);
  if (!t || (t.customer_id !== actor.id && !can(actor.role, 'tickets:manage'))) return null;
  const key = /^([a-z2-7]{32})-\d{2,4}\.webp$/.exec(name)?.[1];
  if (!key || !(await q.ticketHasImage(deps.db, id, key))) return null;
  return readUpload(deps.config.dataDir, name, 'proofs');
}

// ---------------------------------------------------------------- the agents' side

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

/** The thread with the internal notes, the saved replies, and a saved reply's text to start the reply with. */
export async function agentTicket(deps: Deps, actor: Actor, id: number, savedReplyId?: number) {
  const t = await staffTicket(deps.db, actor, id);
  const [messages, replies] = await Promise.all([q.messagesOf(deps.db, id, true), q.savedReplies(deps.db)]);
  await q.updateTicket(deps.db, id, { agent_seen_at: deps.clock.now().toISOString() });
  const saved = replies.map((r) => ({ id: r.id, title: r.title, body: r.body }));
  return {
    ticket: toDetails(t),
    messages: messages.map((m) => toMessage(m, id)),
    savedReplies: saved,
    draft: saved.find((r) => r.id === savedReplyId)?.body ?? '',
  };
}

export async function assignToMe(deps: Deps, actor: Actor, id: number): Promise<boolean> {
  await staffTicket(deps.db, actor, id);
  return q.assignTicket(deps.db, id, actor.id, deps.clock.now().toISOString());
}

/** The columns a move to `status` sets; resolving or closing stamps when. */
function statusChange(status: TicketStatus, now: string, from: q.TicketRow) {
  return {
    status,
    waiting_since: status === 'waiting' ? now : null,
    resolved_at: status === 'resolved' ? now : status === 'closed' ? from.resolved_at : null,
    closed_at: status === 'closed' ? now : null,
    updated_at: now,
  };
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
async function firstNameOf(deps: Deps, userId: number): Promise<string> {
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

// ---------------------------------------------------------------- saved replies

export async function listSavedReplies(deps: Deps, actor: Actor): Promise<SavedReply[]> {
  requireStaff(actor);
  return (await q.savedReplies(deps.db)).map((r) => ({ id: r.id, title: r.title, body: r.body }));
}

export async function addSavedReply(deps: Deps, actor: Actor, input: SavedReplyInput): Promise<void> {
  requireStaff(actor);
  await q.insertSavedReply(deps.db, { ...input, by: actor.id, now: deps.clock.now().toISOString() });
}

export async function editSavedReply(deps: Deps, actor: Actor, id: number, input: SavedReplyInput): Promise<void> {
  requireStaff(actor);
  if (!(await q.updateSavedReply(deps.db, id, { ...input, now: deps.clock.now().toISOString() })))
    throw new NotFoundError();
}

export async function removeSavedReply(deps: Deps, actor: Actor, id: number): Promise<void> {
  requireStaff(actor);
  if (!(await q.deleteSavedReply(deps.db, id))) throw new NotFoundError();
}

// ---------------------------------------------------------------- stats

export interface AgentStat {
  agentId: number;
  name: string;
  open: number;
  resolvedThisWeek: number;
  /** Median minutes to the first reply of tickets opened in the last 30 days; null without any. */
  medianFirstResponseMinutes: number | null;
}

/** Monday 00:00 in India, of the week `now` is in, as a UTC instant. */
export function weekStart(now: Date): string {
  const day = istDate(now);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return new Date(Date.parse(`${day}T00:00:00+05:30`) - weekday * DAY).toISOString();
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export async function agentStats(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
): Promise<{ agents: AgentStat[]; activeTickets: number }> {
  requireStaff(actor);
  const now = deps.clock.now();
  const [counts, responses, activeTickets] = await Promise.all([
    q.agentCounts(deps.db, weekStart(now)),
    q.firstResponses(deps.db, new Date(now.getTime() - 30 * DAY).toISOString()),
    q.activeTicketCount(deps.db),
  ]);
  const secondsOf = new Map<number, number[]>();
  for (const r of responses) secondsOf.set(r.agent_id, [...(secondsOf.get(r.agent_id) ?? []), r.seconds]);
  const agents = counts.map((c) => {
    const m = median(secondsOf.get(c.agent_id) ?? []);
    return {
      agentId: c.agent_id,
      name: c.name,
      open: Number(c.open),
      resolvedThisWeek: Number(c.resolved_week),
      medianFirstResponseMinutes: m === null ? null : Math.round(m / 60),
    };
  });
  return { agents, activeTickets };
}

// ---------------------------------------------------------------- for the CRM

export async function ticketsOfCustomer(deps: Deps, actor: Actor, customerId: number): Promise<TicketSummary[]> {
  requireStaff(actor);
  return (await q.ticketsOfCustomer(deps.db, customerId, 50)).map(toSummary);
}

// ---------------------------------------------------------------- the auto-close job

/**
 * Tickets waiting on the customer for AUTO_CLOSE_DAYS close, and the customer is told. Each
 * close is a conditional update (still waiting, since the same moment) with its message in one
 * transaction: a second run, or a customer answering meanwhile, closes nothing twice.
 */
export async function closeStaleTickets(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - AUTO_CLOSE_DAYS * DAY).toISOString();
  let closed = 0;
  for (;;) {
    const due = await q.waitingSince(deps.db, before, 200);
    if (due.length === 0) break;
    for (const { id } of due) {
      const did = await tx(deps.db, async (trx) => {
        const t = await q.findTicket(trx, id);
        if (!t || t.status !== 'waiting' || !t.waiting_since || t.waiting_since > before) return false;
        const at = now.toISOString();
        if (!(await q.updateTicketIf(trx, id, ['waiting'], { ...statusChange('closed', at, t), waiting_since: null })))
          return false;
        const p = {
          name: t.customer_name,
          ticketId: id,
          subject: t.subject,
          days: AUTO_CLOSE_DAYS,
          link: `${deps.config.publicUrl}/support`,
        };
        await enqueue(trx, deps, {
          channel: 'email',
          to: t.customer_email,
          template: 'support-auto-closed',
          subject: `Ticket #${id} is closed`,
          text: ticketClosedText(p),
          html: ticketClosedHtml(p),
        });
        return true;
      });
      if (did) closed++;
      await breathe();
    }
    if (due.length < 200) break;
  }
  return `closed ${closed}`;
}

/**
 * Erasing a person (the admin's delete, in its transaction): the subjects of their tickets and
 * every message they wrote become "[erased]" and lose their images; the tickets stay, so the
 * desk's figures add up. Returns the image files to delete once the erasure has committed.
 */
export async function eraseTicketText(
  trx: Kysely<Database>,
  clock: Deps['clock'],
  userId: number,
): Promise<{ key: string; widths: number[] }[]> {
  const images = (await q.imagesWrittenBy(trx, userId)).flatMap(
    (json) => JSON.parse(json) as { key: string; widths: number[] }[],
  );
  await q.eraseTextOf(trx, userId, '[erased]', clock.now().toISOString());
  return images.map((i) => ({ key: i.key, widths: i.widths }));
}
