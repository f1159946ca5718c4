import type { Deps } from '../deps.js';
import { PER_PAGE, paged } from './paging.js';
import * as q from './queries.js';
import type { AuditFilter } from './schemas.js';
import type { AuditRow } from './types.js';

export async function auditPage(deps: Pick<Deps, 'db'>, f: AuditFilter) {
  const [found, actions] = await Promise.all([q.listAudit(deps.db, f, PER_PAGE), q.auditActions(deps.db)]);
  const rows = found.rows.map((r): AuditRow => ({
    id: r.id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    createdAt: r.created_at,
  }));
  return { ...paged({ rows, total: found.total }, f.page), actions };
}
