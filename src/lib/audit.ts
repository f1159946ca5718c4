import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from './clock.js';
import { insertAudit } from './queries.js';

export interface AuditEntry {
  actorId: number | null;
  /** "user.role_changed", "booking.refunded", ... */
  action: string;
  targetType: string;
  targetId: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Records an admin or money action; call it inside the transaction that does the action. */
export async function audit(db: Kysely<Database>, clock: Clock, e: AuditEntry): Promise<void> {
  await insertAudit(db, {
    actor_id: e.actorId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId === null ? null : String(e.targetId),
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    created_at: clock.now().toISOString(),
  });
}
