import type { Deps } from '../deps.js';
import { formatPaise } from '../lib/money.js';
import { PER_PAGE, paged } from './paging.js';
import * as q from './queries.js';
import type { AuditFilter } from './schemas.js';
import type { AuditRow } from './types.js';

/**
 * The season's actions (issue 32: deposits and the balance, the waitlist, moves), offered by the
 * filter before the log holds any of them; every action already written is offered too. A
 * family's prefix ("waitlist.") filters all of its actions.
 */
const SEASON_ACTIONS = [
  'booking.moved',
  'booking.move_pending',
  'booking.move_cancelled',
  'booking.move_refunded',
  'booking.participants_edited',
  'payment.balance_captured',
  'upi.balance_verified',
  'upi.move_verified',
  'upi.move_rejected',
  'waitlist.',
  'waitlist.joined',
  'waitlist.left',
  'waitlist.offered',
  'waitlist.accepted',
  'waitlist.offer_expired',
  'waitlist.offer_closed',
  'waitlist.closed',
];

const filterActions = (written: string[]) => [...new Set([...written, ...SEASON_ACTIONS])].sort();

const parsed = (json: string | null): Record<string, unknown> => {
  try {
    const v: unknown = json ? JSON.parse(json) : null;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * The money an entry moved, in rupees: each `…_paise` figure it records ("amount ₹12,000 →
 * ₹10,000 · refund ₹2,000"), a changed one with what it was before; zeros left out.
 */
export function amountsOf(before: string | null, after: string | null): string {
  const was = parsed(before);
  return Object.entries(parsed(after))
    .filter(([k, v]) => k.endsWith('_paise') && typeof v === 'number' && v !== 0)
    .map(([k, v]) => {
      const label = k.slice(0, -'_paise'.length).replaceAll('_', ' ');
      const old = was[k];
      return typeof old === 'number' && old !== v
        ? `${label} ${formatPaise(old)} → ${formatPaise(v as number)}`
        : `${label} ${formatPaise(v as number)}`;
    })
    .join(' · ');
}

export async function auditPage(deps: Pick<Deps, 'db'>, f: AuditFilter) {
  const [found, written] = await Promise.all([q.listAudit(deps.db, f, PER_PAGE), q.auditActions(deps.db)]);
  const rows = found.rows.map((r): AuditRow => ({
    id: r.id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    amounts: amountsOf(r.before, r.after),
    createdAt: r.created_at,
  }));
  return { ...paged({ rows, total: found.total }, f.page), actions: filterActions(written) };
}
