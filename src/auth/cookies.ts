/** The session's cookie on a browser: set, read, cleared, and signing in or out through it. */
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { channel, publish } from '../live/service.js';
import { SIGNED_OUT } from '../live/events.js';
import type { AppEnv } from '../lib/env.js';
import { hashToken } from '../lib/tokens.js';
import { createSession, invalidateSession, SESSION_COOKIE } from './session.js';

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

/** Signs this browser out: its session row goes, and so does the cookie (and its live streams, in every process). */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = readSessionCookie(c);
  if (token) {
    await invalidateSession(c.get('deps').db, hashToken(token));
    await publish(c.get('deps'), { to: channel.session(hashToken(token)), event: SIGNED_OUT });
  }
  clearSessionCookie(c);
}
