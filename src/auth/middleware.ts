import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/env.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { safeNext } from '../lib/paths.js';
import { can, type Permission } from './permissions.js';
import type { Role } from './tables.js';
import { validateSessionToken } from './session.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './cookies.js';

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

export { safeNext } from '../lib/paths.js';

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

/**
 * For the development tools that act for anyone (the dev mailbox shows every reset link
 * and phone code; the test gateway confirms bookings with no money): while the server
 * listens beyond loopback (config.beyondLoopback), only a signed-in admin sees them, and
 * everyone else, whoever and wherever they are, gets the same 404 as for a page that does
 * not exist. On loopback only this machine can reach them, and they stay open.
 */
export const adminWhenBeyondLoopback: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('deps').config.beyondLoopback) return next();
  const user = c.get('user');
  if (!user || !can(user.role, 'platform:admin')) throw new NotFoundError();
  await next();
};
