import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { can, type Actor } from '../auth/permissions.js';
import { NotFoundError } from '../lib/errors.js';
import type { StoredImage } from '../lib/images.js';
import * as q from './queries.js';
import type { TicketStatus } from './tables.js';
import { istDate } from '../lib/time.js';
import { channel, publish } from '../live/service.js';
import type { SeenMark, TicketDetails, TicketMessage, TicketSummary } from './types.js';

/*
 * A ticket itself, for both sides of the desk: who may see it, its rows as domain types, what a
 * status change sets, and the erasure of a person's words.
 */

export type Db = Kysely<Database>;

const isStaff = (role: string) => role === 'agent' || role === 'admin';

export const toSummary = (t: q.TicketRow): TicketSummary => ({
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

export const toDetails = (t: q.TicketRow): TicketDetails => ({
  ...toSummary(t),
  waitingSince: t.waiting_since,
  resolvedAt: t.resolved_at,
  canRate: t.rating === null && t.resolved_at !== null && (t.status === 'resolved' || t.status === 'closed'),
  canReply: t.status !== 'closed',
});

export function toMessage(m: q.MessageRow, ticketId: number): TicketMessage {
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

export const requireStaff = (actor: Actor) => {
  if (!can(actor.role, 'tickets:manage')) throw new NotFoundError();
};

/** The ticket as its customer sees it; anyone else (staff included: they use the agent pages) gets a 404. */
export async function ownTicket(db: Db, actor: Actor, id: number): Promise<q.TicketRow> {
  const t = await q.findTicket(db, id);
  if (!t || t.customer_id !== actor.id) throw new NotFoundError();
  return t;
}

export async function staffTicket(db: Db, actor: Actor, id: number): Promise<q.TicketRow> {
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

export const ticketLink = (deps: Deps, id: number) => `${deps.config.publicUrl}/support/${id}`;

/** The columns a move to `status` sets; resolving or closing stamps when. */
export function statusChange(status: TicketStatus, now: string, from: q.TicketRow) {
  return {
    status,
    waiting_since: status === 'waiting' ? now : null,
    resolved_at: status === 'resolved' ? now : status === 'closed' ? from.resolved_at : null,
    closed_at: status === 'closed' ? now : null,
    updated_at: now,
  };
}

/** The customer's side of a thread: what they wrote (everyone else is the desk). */
export const byCustomer = (t: q.TicketRow) => (m: TicketMessage) => m.author.id === t.customer_id;

/**
 * The "Seen" mark of one side's thread: under the newest reply of `mine` written before the other
 * side last opened the thread (`theirSeenAt`); none if they have not opened it since.
 */
export function seenMark(
  messages: TicketMessage[],
  mine: (m: TicketMessage) => boolean,
  theirSeenAt: string | null,
  now: Date,
): SeenMark | null {
  if (!theirSeenAt) return null;
  const last = messages.filter((m) => m.kind === 'reply' && mine(m) && m.createdAt <= theirSeenAt).at(-1);
  return last ? { messageId: last.id, at: theirSeenAt, today: istDate(new Date(theirSeenAt)) === istDate(now) } : null;
}

/**
 * One side opened the thread (or its open page fetched it again) at `now`: when that shows them a
 * reply of the other side's they had not seen, the other side's open page is told, so its "Seen"
 * mark moves (`seen-by-customer` / `seen-by-agent`, see live/pages.ts). Opening it again with
 * nothing new tells no one, so two open pages never keep fetching each other.
 */
export async function markSeen(
  deps: Pick<Deps, 'db' | 'clock' | 'log'>,
  t: q.TicketRow,
  by: 'customer' | 'agent',
  theirs: TicketMessage[],
  now: Date,
): Promise<void> {
  const before = by === 'customer' ? t.customer_seen_at : t.agent_seen_at;
  const at = now.toISOString();
  await q.updateTicket(deps.db, t.id, by === 'customer' ? { customer_seen_at: at } : { agent_seen_at: at });
  if (theirs.some((m) => m.kind === 'reply' && (before === null || m.createdAt > before)))
    await publish(deps, { to: channel.ticket(t.id), event: `seen-by-${by}` });
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
