import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from './clock.js';
import { precompiled } from '../db.js';

export interface AuditEntry {
  actorId: number | null;
  /** "user.role_changed", "booking.refunded", ... */
  action: string;
  targetType: string;
  targetId: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Compiled once: every booking is audited, and building the insert each time cost more than running it. */
const auditInsert = precompiled((db, v: { actor_id: number | null; action: string; target_type: string; target_id: string | null; before: string | null; after: string | null; created_at: string }) =>
  db.insertInto('audit_log').values({
    actor_id: v.actor_id, action: v.action, target_type: v.target_type, target_id: v.target_id, before: v.before, after: v.after, created_at: v.created_at,
  }),
);

/** Records an admin or money action; call it inside the transaction that does the action. */
export async function audit(db: Kysely<Database>, clock: Clock, e: AuditEntry): Promise<void> {
  await auditInsert(db, {
    actor_id: e.actorId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId === null ? null : String(e.targetId),
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    created_at: clock.now().toISOString(),
  });
}
