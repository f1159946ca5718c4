import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { ForbiddenError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a browser says when its Sec-Fetch-Site allows the request: our own page, or the person (a bookmark, the address bar). */
const SAFE_FETCH_SITES = new Set(['same-origin', 'none']);

export const CROSS_SITE_MESSAGE =
  'This request came from another website, so it was refused and nothing changed. If you meant to do this, go back to the page on this site and send it again from there.';

/**
 * Refuses every request that may change something (any method but GET, HEAD and OPTIONS)
 * when the browser says it was sent from another site, whatever its content type: a JSON
 * or bodiless request changes state as well as a form does.
 *
 * Browsers send `Origin` on every such request; it must be ours (`origins`, or the request's
 * own), so another site's and the opaque `null` (a sandboxed frame, a redirect chain) are
 * refused. Without `Origin`, `Sec-Fetch-Site` decides: only `same-origin` and `none` pass. A
 * request with neither header is no browser's (the app's own Razorpay SDK calling the
 * built-in test gateway, a server-to-server call) and passes: CSRF needs a victim's browser.
 *
 * `exempt` lists paths that authenticate themselves (a signed webhook) and so need no origin.
 */
export function refuseCrossSite(o: { origins: string[]; exempt: string[] }): MiddlewareHandler<AppEnv> {
  const exempt = new Set(o.exempt);
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || exempt.has(c.req.path)) return next();
    const origin = c.req.header('Origin');
    const site = c.req.header('Sec-Fetch-Site');
    const originOk = origin === undefined || o.origins.includes(origin) || origin === new URL(c.req.url).origin;
    const siteOk = site === undefined || SAFE_FETCH_SITES.has(site.toLowerCase());
    if (!originOk || !siteOk) throw new ForbiddenError(CROSS_SITE_MESSAGE);
    return next();
  };
}
