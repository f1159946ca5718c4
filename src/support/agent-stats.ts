import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { DAY } from '../lib/clock.js';
import { istDate } from '../lib/time.js';
import * as q from './queries.js';
import { requireStaff } from './tickets.js';
import type { AgentStat } from './types.js';

/* The desk's figures per agent: open tickets, resolved this week, the median time to a first reply. */

/** Monday 00:00 in India, of the week `now` is in, as a UTC instant. */
export function weekStart(now: Date): string {
  const day = istDate(now);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return new Date(Date.parse(`${day}T00:00:00+05:30`) - weekday * DAY).toISOString();
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export async function agentStats(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
): Promise<{ agents: AgentStat[]; activeTickets: number }> {
  requireStaff(actor);
  const now = deps.clock.now();
  const [counts, responses, activeTickets] = await Promise.all([
    q.agentCounts(deps.db, weekStart(now)),
    q.firstResponses(deps.db, new Date(now.getTime() - 30 * DAY).toISOString()),
    q.activeTicketCount(deps.db),
  ]);
  const secondsOf = new Map<number, number[]>();
  for (const r of responses) secondsOf.set(r.agent_id, [...(secondsOf.get(r.agent_id) ?? []), r.seconds]);
  const agents = counts.map((c) => {
    const m = median(secondsOf.get(c.agent_id) ?? []);
    return {
      agentId: c.agent_id,
      name: c.name,
      open: Number(c.open),
      resolvedThisWeek: Number(c.resolved_week),
      medianFirstResponseMinutes: m === null ? null : Math.round(m / 60),
    };
  });
  return { agents, activeTickets };
}
