import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Flash } from './env.js';
import { safeNext } from './paths.js';

const COOKIE = 'tt_flash';

/**
 * A one-time message shown on the next page (POST → redirect → GET). The JSON goes in as it
 * is: setCookie percent-encodes it once and getCookie decodes it once.
 */
export function setFlash(c: Context<AppEnv>, kind: Flash['kind'], message: string, link?: Flash['link']): void {
  setCookie(c, COOKIE, JSON.stringify({ kind, message, link }), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: 60,
    secure: c.get('deps').config.secureCookies,
  });
}

export const readFlash: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('flash', null);
  // Shown (and spent) by the next page; a POST's cookie header is not even parsed for it.
  const raw = c.req.method === 'GET' ? getCookie(c, COOKIE) : undefined;
  if (raw) {
    try {
      const f = JSON.parse(raw);
      if ((f.kind === 'ok' || f.kind === 'error') && typeof f.message === 'string')
        c.set('flash', { kind: f.kind, message: f.message, link: localLink(f.link) });
    } catch {
      // a mangled cookie is simply dropped
    }
    deleteCookie(c, COOKIE, { path: '/' });
  }
  await next();
};

/** A link read back from the cookie, if it is a path on this site. */
const localLink = (l: unknown): Flash['link'] => {
  const { href, label } = (l ?? {}) as Record<string, unknown>;
  const path = typeof href === 'string' ? safeNext(href) : null;
  return path !== null && typeof label === 'string' ? { href: path, label } : undefined;
};

/** Redirect after a successful POST, with an optional flash message (and where to go about it). */
export function redirectWith(
  c: Context<AppEnv>,
  to: string,
  message?: string,
  kind: Flash['kind'] = 'ok',
  link?: Flash['link'],
): Response {
  if (message) setFlash(c, kind, message, link);
  if (c.req.header('HX-Request') && !c.req.header('HX-Boosted')) {
    c.header('HX-Location', to);
    return c.body(null, 204);
  }
  return c.redirect(to, 303);
}
