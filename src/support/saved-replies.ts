import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { NotFoundError } from '../lib/errors.js';
import * as q from './queries.js';
import type { SavedReplyInput } from './schemas.js';
import { requireStaff } from './tickets.js';
import type { SavedReply } from './types.js';

/* The agents' saved replies (/agent/replies): texts a reply can start from. */

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
