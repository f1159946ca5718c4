import type { Deps } from '../deps.js';
import * as q from './queries.js';
import type { SubscriptionListItem, SubscriptionsOverview, SubscriptionStatus } from './types.js';

/** /admin/subscriptions: every subscription by status, counts per status, and the revenue of paid charges per month. */
export async function subscriptionsOverview(deps: Pick<Deps, 'db'>): Promise<SubscriptionsOverview> {
  const [rows, revenue] = await Promise.all([q.subscriptionsByStatus(deps.db), q.revenueByMonth(deps.db)]);
  const items: SubscriptionListItem[] = rows.map((r) => ({
    id: r.id,
    organizerId: r.organizer_id,
    organizer: r.org_display_name ?? r.name,
    status: r.status,
    periodEnd: r.current_period_end,
    nextChargeAt: r.next_charge_at,
    autopay: r.cancel_at_period_end
      ? 'cancelled'
      : r.token_status === 'confirmed'
        ? 'on'
        : r.token_status === 'paused' || r.token_status === 'cancelled'
          ? 'needs a new mandate'
          : 'off',
  }));
  const statuses: SubscriptionStatus[] = ['trial', 'active', 'past_due', 'inactive', 'cancelled'];
  const counts = statuses.map((s) => ({ status: s, n: items.filter((i) => i.status === s).length }));
  return { items, counts, revenue };
}
