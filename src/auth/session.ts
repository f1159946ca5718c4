import type { DB } from '../db.js';
import type { Clock } from '../lib/clock.js';
import { DAY, addMs } from '../lib/clock.js';
import { hashToken, randomToken } from '../lib/tokens.js';
import type { CurrentUser } from '../lib/request.js';
import * as q from './queries.js';

export const SESSION_COOKIE = 'tt_session';
const SESSION_DAYS = 30;
/** Extend the expiry once less than this is left (sliding expiry without a write per request). */
const RENEW_WITHIN_DAYS = 15;

export async function createSession(db: DB, clock: Clock, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = clock.now();
  const expiresAt = addMs(now, SESSION_DAYS * DAY);
  await q.insertSession(db, {
    id: hashToken(token),
    user_id: userId,
    expires_at: expiresAt.toISOString(),
    created_at: now.toISOString(),
  });
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, renewing a session that is half-way to expiry. */
export async function validateSessionToken(
  db: DB,
  clock: Clock,
  token: string,
): Promise<{ user: CurrentUser; renewedUntil: Date | null } | null> {
  const row = await q.findSessionWithUser(db, hashToken(token));
  if (!row) return null;
  const id = row.sid;
  const now = clock.now();
  const expires = new Date(row.expires_at);
  if (expires <= now || row.status !== 'active') {
    await q.deleteSession(db, id);
    return null;
  }
  let renewedUntil: Date | null = null;
  if (expires.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY) {
    renewedUntil = addMs(now, SESSION_DAYS * DAY);
    await q.extendSession(db, id, renewedUntil.toISOString());
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
  await q.deleteSession(db, sessionId);
}

export async function invalidateUserSessions(db: DB, userId: number): Promise<void> {
  await q.deleteSessionsOfUser(db, userId);
}

/** Which of these sessions still hold (the live hub ends the streams of the others). */
export async function liveSessions(db: DB, ids: string[], now: Date): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set(await q.unexpiredSessionIds(db, ids, now.toISOString()));
}
