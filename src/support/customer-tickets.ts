import type { Deps } from '../deps.js';
import { can, type Actor } from '../auth/permissions.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { readUpload, removeImage, storeImage, type StoredImage } from '../lib/images.js';
import { tx } from '../lib/transaction.js';
import { ticketChanged } from '../live/service.js';
import { bookingFor } from '../bookings/access.js';
import { myBookings } from '../bookings/my-bookings.js';
import * as q from './queries.js';
import type { CustomerReplyInput, TicketInput } from './schemas.js';
import { byCustomer, markSeen, ownTicket, seenMark, toDetails, toMessage, toSummary } from './tickets.js';
import type { TicketSummary } from './types.js';

/* The customer's side of the desk: their tickets at /support, opening one, replying, rating. */

/** Ticket images: private (the proofs store, never under /uploads), in two widths. */
const IMAGE_WIDTHS = [480, 1080] as const;

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

/** The thread as the customer sees it: replies only, never the agents' notes, and the desk's "Seen". Marks it seen. */
export async function customerTicket(deps: Deps, actor: Actor, id: number) {
  const t = await ownTicket(deps.db, actor, id);
  const messages = (await q.messagesOf(deps.db, id, false)).map((m) => toMessage(m, id));
  const now = deps.clock.now();
  const mine = byCustomer(t);
  await markSeen(
    deps,
    t,
    'customer',
    messages.filter((m) => !mine(m)),
    now,
  );
  return { ticket: toDetails(t), messages, seen: seenMark(messages, mine, t.agent_seen_at, now) };
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
