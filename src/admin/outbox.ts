import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { MAX_ATTEMPTS } from '../notifications/delivery.js';
import { outboxStatusCounts, retryFailedMessage } from '../notifications/service.js';
import { PER_PAGE, paged } from './paging.js';
import * as q from './queries.js';
import type { OutboxFilter } from './schemas.js';

export async function outboxPage(deps: Deps, f: OutboxFilter) {
  const [counts, found, kinds] = await Promise.all([
    outboxStatusCounts(deps),
    q.listOutbox(deps.db, f, PER_PAGE),
    q.outboxKinds(deps.db),
  ]);
  return { counts, ...paged(found, f.page), kinds, maxAttempts: MAX_ATTEMPTS };
}

/** A failed message gets a fresh set of attempts (audited by the notifications feature). */
export const retryMessage = (deps: Deps, actor: Actor, id: number) => retryFailedMessage(deps, actor.id, id);
