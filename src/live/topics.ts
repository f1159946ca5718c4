import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { NotFoundError } from '../lib/errors.js';
import { bookingFor } from '../bookings/access.js';
import { tripPage } from '../trips/discovery.js';
import { ticketVisibleTo } from '../support/tickets.js';

/*
 * The topics a page may ask for, each checked with the feature that owns it (kept apart from
 * service.ts, which those features import to publish).
 */
const TOPIC = /^(booking|trip|dashboard|ticket):([a-z0-9-]{1,40})$/;
/** A page asks for a handful of topics; more is not a page of ours. */
export const MAX_TOPICS = 8;

const visible = async (check: () => Promise<unknown>) => {
  try {
    await check();
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
};

/** Whether this user may hear a topic, asked of the feature that owns it. */
async function mayHear(deps: Deps, actor: Actor, kind: string, id: string): Promise<boolean> {
  switch (kind) {
    case 'booking':
      return /^\d+$/.test(id) && visible(() => bookingFor(deps, actor, Number(id)));
    case 'trip':
      return /^\d+$/.test(id) && visible(() => tripPage(deps, Number(id), actor));
    case 'ticket':
      return /^\d+$/.test(id) && visible(() => ticketVisibleTo(deps, actor, Number(id)));
    case 'dashboard':
      return id === actor.role || actor.role === 'admin';
    default:
      return false;
  }
}

/** The topics of `requested` this user may hear (the rest are dropped, silently). */
export async function allowedTopics(deps: Deps, actor: Actor, requested: string[]): Promise<string[]> {
  const wanted = [...new Set(requested)].slice(0, MAX_TOPICS);
  const ok = await Promise.all(
    wanted.map((t) => {
      const m = TOPIC.exec(t);
      return m ? mayHear(deps, actor, m[1], m[2]) : false;
    }),
  );
  return wanted.filter((_, i) => ok[i]);
}
