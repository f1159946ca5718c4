import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { Conflict, DomainError } from '../lib/errors.js';
import { channel, publish } from '../live/service.js';
import { firstNameOf } from './agent-desk.js';
import { ownTicket, staffTicket } from './tickets.js';
import { TypingMark } from '../../views/support/parts.js';
import { staffSignature } from '../../views/support/emails.js';

/*
 * "typing…": while one side writes a reply, its page (JavaScript on) posts a signal at most every
 * 3 s; the other side's open page shows the mark the signal carries, for ~6 s after the last one
 * (app.css). Nothing is kept but the live event itself: a mark is a moment, not a record.
 */

/** The fewest milliseconds between two signals of one person on one ticket (the page sends one every 3 s). */
export const TYPING_EVERY_MS = 2_000;

/** When each person last signalled on each ticket, per app (a process's own count: a signal is cheap). */
const lastSignals = new WeakMap<object, Map<string, number>>();

function tooSoon(deps: Pick<Deps, 'db' | 'clock'>, key: string): boolean {
  let last = lastSignals.get(deps.db);
  if (!last) lastSignals.set(deps.db, (last = new Map()));
  const now = deps.clock.now().getTime();
  if (now - (last.get(key) ?? -Infinity) < TYPING_EVERY_MS) return true;
  if (last.size > 10_000) for (const [k, at] of last) if (now - at >= TYPING_EVERY_MS) last.delete(k);
  last.set(key, now);
  return false;
}

const TOO_SOON = 'Typing signals come at most one every 2 seconds.';

/** The customer types a reply: the desk's open pages of the ticket show "Asha is typing…". */
export async function customerTyping(deps: Deps, actor: Actor, id: number): Promise<void> {
  const t = await ownTicket(deps.db, actor, id);
  if (t.status === 'closed') throw new Conflict('This ticket is closed.');
  if (tooSoon(deps, `${actor.id}:${id}`)) throw new DomainError(TOO_SOON, undefined, 429);
  const who = t.customer_name.trim().split(/\s+/)[0] || 'The customer';
  const data = (<TypingMark ticketId={id} who={who} />).toString();
  await publish(deps, { to: channel.ticket(id), event: 'typing-customer', data });
}

/** An agent types a reply (never a note): the customer's open page shows "Meera (TrekTribe support) is typing…". */
export async function agentTyping(deps: Deps, actor: Actor, id: number): Promise<void> {
  await staffTicket(deps.db, actor, id);
  if (tooSoon(deps, `${actor.id}:${id}`)) throw new DomainError(TOO_SOON, undefined, 429);
  const who = staffSignature(await firstNameOf(deps, actor.id), 'brackets');
  const data = (<TypingMark ticketId={id} who={who} />).toString();
  await publish(deps, { to: channel.ticket(id), event: 'typing-agent', data });
}
