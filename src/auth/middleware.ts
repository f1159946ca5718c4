import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/env.js';
import { ForbiddenError } from '../lib/errors.js';
import { can, type Permission } from './permissions.js';
import type { Role } from './tables.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie, validateSessionToken } from './session.js';

/** Loads the signed-in user (or null) into c.get('user'). */
export const loadUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = readSessionCookie(c);
  c.set('user', null);
  if (token) {
    const { db, clock } = c.get('deps');
    const found = await validateSessionToken(db, clock, token);
    if (found) {
      c.set('user', found.user);
      if (found.renewedUntil) setSessionCookie(c, token, found.renewedUntil);
    } else {
      clearSessionCookie(c);
    }
  }
  await next();
};

/** Any origin will do: a target is kept only if it stays on whichever origin it is read against. */
const HERE = new URL('http://trektribe.invalid');
/** Characters a local path may hold as typed: printable ASCII, no space, no backslash. */
const PLAIN = /^\/[\x21-\x5b\x5d-\x7e]*$/;
/** What a path must not hold even percent-encoded: controls, bidi/zero-width marks, backslashes, a second slash right after the first. */
const HIDDEN = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\\]|^\/\//;

/**
 * A place on this site to send the browser back to ("/bookings/12?x=1"), or null. Only a
 * same-origin path: printable ASCII as given (browsers drop tabs and newlines, read "\" as
 * "/" and fold Unicode look-alikes, any of which turns "/x/evil.example" into another host),
 * parsed against an origin and kept only when it stays on it, and with no "//", "\", controls
 * or invisible marks in its path decoded either, look-alikes folded (for anything that decodes
 * it again). The query may carry anything percent-encoded: it names no host.
 */
export function safeNext(next: string | undefined | null): string | null {
  if (typeof next !== 'string' || next.length > 2000 || !PLAIN.test(next) || next.startsWith('//')) return null;
  let u: URL;
  try {
    u = new URL(next, HERE);
  } catch {
    return null;
  }
  const path = u.pathname + u.search + u.hash;
  if (u.origin !== HERE.origin || !path.startsWith('/') || path.startsWith('//')) return null;
  let decoded = u.pathname;
  for (let i = 0; i < 3; i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return null;
    }
    if (HIDDEN.test(decoded) || HIDDEN.test(decoded.normalize('NFKC'))) return null;
  }
  return path;
}

/** The local path + query of a same-origin page address, or null. */
function samePage(address: string | undefined, here: URL): string | null {
  if (!address) return null;
  try {
    const u = new URL(address, here);
    return u.origin === here.origin ? safeNext(u.pathname + u.search) : null;
  } catch {
    return null;
  }
}

/** Anonymous visitors are sent to sign in and come back; htmx gets an HX-Redirect. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user');
  if (!user) {
    const url = new URL(c.req.url);
    // A form posted after the session ended comes back to the page that held the form
    // (a POST-only path would be a 404 to return to).
    const back =
      c.req.method === 'GET'
        ? url.pathname + url.search
        : (samePage(c.req.header('HX-Current-URL'), url) ?? samePage(c.req.header('Referer'), url) ?? '/dashboard');
    const to = `/login?next=${encodeURIComponent(back)}`;
    if (c.req.header('HX-Request')) {
      c.header('HX-Redirect', to);
      return c.body(null, 401);
    }
    return c.redirect(to, 303);
  }
  if (!user.profileComplete && !['/complete-profile', '/logout'].includes(new URL(c.req.url).pathname)) {
    return c.redirect('/complete-profile', 303);
  }
  await next();
});

/** Where a user whose profile is incomplete (a new Google user) may still go. */
const INCOMPLETE_ALLOWED = /^\/(complete-profile|logout|static\/|uploads\/|healthz$)/;

/**
 * A new Google user owes us a phone number and a role: until then every page sends them
 * to /complete-profile. Mounted before the feature routes so it covers them all.
 */
export const profileGate = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user');
  if (user && !user.profileComplete && !INCOMPLETE_ALLOWED.test(c.req.path)) {
    if (c.req.header('HX-Request')) {
      c.header('HX-Redirect', '/complete-profile');
      return c.body(null, 204);
    }
    return c.redirect('/complete-profile', 303);
  }
  await next();
});

/** Signed in with exactly one of these roles; otherwise 403. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) =>
    requireUser(c, async () => {
      if (!roles.includes(c.get('user')!.role)) throw new ForbiddenError();
      await next();
    });
}

/** Signed in and allowed by the matrix; otherwise 403. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) =>
    requireUser(c, async () => {
      if (!can(c.get('user')!.role, permission)) throw new ForbiddenError();
      await next();
    });
}
