import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { precompiled, type DB } from '../db.js';
import type { Clock } from '../lib/clock.js';
import { DAY, addMs } from '../lib/clock.js';
import { hashToken, randomToken } from '../lib/tokens.js';
import type { Role } from './tables.js';
import type { AppEnv } from '../lib/env.js';

export const SESSION_COOKIE = 'tt_session';
const SESSION_DAYS = 30;
/** Extend the expiry once less than this is left (sliding expiry without a write per request). */
const RENEW_WITHIN_DAYS = 15;

export interface CurrentUser {
  id: number;
  name: string;
  email: string;
  role: Role;
  profileComplete: boolean;
  emailVerified: boolean;
  phoneVerified: boolean;
  sessionId: string;
}

export async function createSession(db: DB, clock: Clock, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = clock.now();
  const expiresAt = addMs(now, SESSION_DAYS * DAY);
  await db
    .insertInto('sessions')
    .values({ id: hashToken(token), user_id: userId, expires_at: expiresAt.toISOString(), created_at: now.toISOString() })
    .execute();
  return { token, expiresAt };
}

const sessionWithUser = precompiled((db, v: { id: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as sid', 'sessions.expires_at', 'users.id', 'users.name', 'users.email', 'users.role', 'users.status', 'users.profile_complete', 'users.email_verified_at', 'users.phone_verified_at'])
    .where('sessions.id', '=', v.id),
);

type SessionRow = NonNullable<Awaited<ReturnType<typeof sessionWithUser>>['rows'][number]>;

/** The counter the triggers of migration 0041 move on at every update or delete of a user or a session. */
const authGeneration = precompiled((db) => db.selectFrom('auth_generation').select('n').where('id', '=', 1));

/**
 * Sessions already looked up, by cookie token, with the counter they were read under. Under
 * load the session query (a join of two tables, after hashing the token) was the dearest read
 * of every signed-in request: ~35 µs. With the cache, `bench/compare.ts` gave 0.667 → 0.620 ms
 * of event-loop CPU per booking (1,463 → 1,569 bookings/s with 50 clients).
 *
 * A cached row is used only while the counter has not moved: any logout, sign-out
 * everywhere, suspension, role or profile change, renewal or expiry sweep, from this process
 * or another, moves it, and the next request drops the whole cache. Unknown tokens are never
 * kept (a flood of made-up cookies cannot fill it), and it is emptied at MAX_CACHED entries.
 */
const cachedSessions = new WeakMap<DB, { generation: number; rows: Map<string, SessionRow> }>();
const MAX_CACHED = 10_000;

/** The cache of `db` for this count: a new, empty one once the count has moved. */
function cacheAt(db: DB, generation: number) {
  let cache = cachedSessions.get(db);
  if (cache?.generation !== generation) cachedSessions.set(db, (cache = { generation, rows: new Map() }));
  return cache;
}

async function sessionRow(db: DB, token: string): Promise<SessionRow | undefined> {
  // The counter is read before the row: a change committed in between leaves the row stored
  // under the older count, so it is dropped by the next request, never kept past the change.
  const generation = (await authGeneration(db, {})).rows[0]?.n;
  // Without its counter row nothing could tell a cached row is stale: no cache then.
  const cache = generation === undefined ? undefined : cacheAt(db, generation);
  const hit = cache?.rows.get(token);
  if (hit) return hit;
  const row = (await sessionWithUser(db, { id: hashToken(token) })).rows[0];
  if (row && cache) {
    if (cache.rows.size >= MAX_CACHED) cache.rows.clear();
    cache.rows.set(token, row);
  }
  return row;
}

/** The signed-in user for a cookie token, renewing a session that is half-way to expiry. */
export async function validateSessionToken(db: DB, clock: Clock, token: string): Promise<{ user: CurrentUser; renewedUntil: Date | null } | null> {
  const row = await sessionRow(db, token);
  if (!row) return null;
  const id = row.sid;
  const now = clock.now();
  const expires = new Date(row.expires_at);
  if (expires <= now || row.status !== 'active') {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  let renewedUntil: Date | null = null;
  if (expires.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY) {
    renewedUntil = addMs(now, SESSION_DAYS * DAY);
    await db.updateTable('sessions').set({ expires_at: renewedUntil.toISOString() }).where('id', '=', id).execute();
  }
  return {
    user: {
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      profileComplete: row.profile_complete === 1,
      emailVerified: row.email_verified_at !== null,
      phoneVerified: row.phone_verified_at !== null,
      sessionId: row.sid,
    },
    renewedUntil,
  };
}

export async function invalidateSession(db: DB, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function invalidateUserSessions(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: c.get('deps').config.secureCookies,
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: c.get('deps').config.secureCookies });
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/**
 * Signs a browser in with a brand-new session (never one it already presented, so a
 * planted cookie cannot be "fixed" into a signed-in one) and drops the session it had.
 */
export async function startSession(c: Context<AppEnv>, userId: number): Promise<void> {
  const { db, clock } = c.get('deps');
  const old = readSessionCookie(c);
  if (old) await invalidateSession(db, hashToken(old));
  const { token, expiresAt } = await createSession(db, clock, userId);
  setSessionCookie(c, token, expiresAt);
}

/** Signs this browser out: its session row goes, and so does the cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = readSessionCookie(c);
  if (token) await invalidateSession(c.get('deps').db, hashToken(token));
  clearSessionCookie(c);
}
