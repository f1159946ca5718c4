import type { Deps } from '../deps.js';
import { DAY } from '../lib/clock.js';
import { purgeStale } from './queries.js';

/**
 * Nightly housekeeping of the accounts tables: expired sessions, rate-limit windows long
 * over, and one-time tokens a week past their use or expiry. Safe to run twice.
 */
export async function purgeStaleAccountData(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  const now = deps.clock.now();
  const r = await deps.db.transaction().execute((trx) =>
    purgeStale(trx, {
      now: now.toISOString(),
      rateWindowsBefore: new Date(now.getTime() - DAY).toISOString(),
      tokensBefore: new Date(now.getTime() - 7 * DAY).toISOString(),
    }),
  );
  return `removed ${r.sessions} sessions, ${r.rateLimits} rate limits, ${r.tokens} tokens`;
}
