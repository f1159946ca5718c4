import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from './clock.js';
import { DomainError } from './errors.js';
import type { AppEnv } from './env.js';
import { forwardedClient } from './net.js';
import * as q from './queries.js';

/**
 * Fixed-window counters kept in SQLite, so a restart does not hand an attacker a fresh
 * budget. A rule allows `limit` hits per `windowMs`; keys name what is counted
 * ("signin-fail:acct:a@b.c", "register:ip:1.2.3.4").
 */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** Milliseconds until the key may be hit again, or 0 when it may be hit now. */
export async function retryAfter(db: Kysely<Database>, clock: Clock, key: string, rule: RateRule): Promise<number> {
  const row = await q.rateCounter(db, key);
  if (!row) return 0;
  const ends = Date.parse(row.window_start) + rule.windowMs;
  const now = clock.now().getTime();
  if (ends <= now || row.count < rule.limit) return 0;
  return ends - now;
}

/** Counts one hit: starts a new window when the old one has ended. One statement, so concurrent hits all count. */
export async function recordHit(db: Kysely<Database>, clock: Clock, key: string, rule: RateRule): Promise<void> {
  const now = clock.now();
  const windowFloor = new Date(now.getTime() - rule.windowMs).toISOString();
  await q.countHit(db, key, now.toISOString(), windowFloor);
}

/** Takes back one hit counted ahead of an outcome that turned out not to count (a right password); call it in a transaction. */
export async function refundHit(db: Kysely<Database>, key: string): Promise<void> {
  await q.uncountHit(db, key);
}

export async function clearHits(db: Kysely<Database>, key: string): Promise<void> {
  await q.deleteCounter(db, key);
}

/** "in 1 minute", "in 14 minutes", "in 2 hours". */
export function describeWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

/** Thrown when a limit is reached; its message says when to try again, then `otherwise` (another way in), if given. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly waitMs: number,
    what = 'Too many attempts.',
    field?: string,
    otherwise?: string,
  ) {
    super(`${what} Try again ${describeWait(waitMs)}.${otherwise ? ` ${otherwise}` : ''}`, field, 429);
  }
}

/**
 * Refuses when any of the keys is over its rule; otherwise counts a hit on each. Check and
 * count are one transaction: in two steps, 50 hits arriving together all passed a limit of 5
 * before any was counted. Inside a caller's transaction it counts in that one.
 */
export async function consume(
  db: Kysely<Database>,
  clock: Clock,
  checks: { key: string; rule: RateRule }[],
  what?: string,
  field?: string,
): Promise<void> {
  const run = async (trx: Kysely<Database>) => {
    await assertNotLimited(trx, clock, checks, what, field);
    for (const { key, rule } of checks) await recordHit(trx, clock, key, rule);
  };
  await (db.isTransaction ? run(db) : db.transaction().execute(run));
}

export async function assertNotLimited(
  db: Kysely<Database>,
  clock: Clock,
  checks: { key: string; rule: RateRule }[],
  what?: string,
  field?: string,
): Promise<void> {
  let wait = 0;
  for (const { key, rule } of checks) wait = Math.max(wait, await retryAfter(db, clock, key, rule));
  if (wait > 0) throw new RateLimitedError(wait, what, field);
}

/**
 * The client's address for per-IP limits: the socket's peer, or, with TRUST_PROXY, the
 * address the trusted proxy added to X-Forwarded-For (the entry that many hops from the
 * right). The entries to its left are whatever the client sent: keyed on them, anyone
 * could take a fresh budget per request, or spend someone else's.
 */
export function clientIp(c: Context<AppEnv>): string {
  let socket = 'unknown';
  try {
    socket = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request in tests: no socket.
  }
  return forwardedClient(c.req.header('X-Forwarded-For'), c.get('deps').config.trustProxyHops, socket);
}
