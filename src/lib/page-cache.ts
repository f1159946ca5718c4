import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { chooseEncoding, matches } from './finish-response.js';
import { istDate } from './time.js';
import { storeUntilChange } from './until-change.js';
import { changeStamp } from './queries.js';

/** A finished 200: the body as sent (encoded) and its headers. */
interface Entry {
  body: Uint8Array<ArrayBuffer>;
  headers: [string, string][];
  etag: string;
}

/** Headers that belong to one request, never to a stored copy. */
const PERSONAL = new Set(['set-cookie', 'x-request-id']);

/** The visitor asked for less data (`Save-Data: on`): smaller photos, a page of its own in the cache. */
export const savesData = (c: Context) => /^on$/i.test(c.req.header('Save-Data')?.trim() ?? '');

/**
 * Whole pages for visitors who are not signed in (the shop window: home, search, trip and
 * organizer pages), kept until anything in the database changes or the date in India turns,
 * so a stored page is never stale. A popular search then costs about as much as /healthz.
 *
 * Only a signed-out GET with no flash message is served from or stored in it, and only a
 * finished 200 (ETag set) without cookies is stored. The key holds everything else a page
 * depends on: the path and query, the htmx headers (fragment or page), `Save-Data` and the encoding.
 * `X-Cache: hit|miss` says which it was.
 */
export function anonymousPageCache(max = 500): MiddlewareHandler<AppEnv> {
  const store = storeUntilChange<Entry>(max);
  return async (c, next) => {
    if (c.req.method !== 'GET' || c.get('user') || c.get('flash')) return next();
    const { db, clock } = c.get('deps');
    const stamp = `${await changeStamp(db)}|${istDate(clock.now())}`;
    const key = [
      chooseEncoding(c.req.header('Accept-Encoding')),
      c.req.header('HX-Request') ?? '',
      c.req.header('HX-Boosted') ?? '',
      c.req.header('HX-History-Restore-Request') ?? '',
      savesData(c) ? 'save-data' : '',
      c.req.url,
    ].join('|');
    const hit = store.get(db, stamp, key);
    if (hit) {
      const notModified = matches(c.req.header('If-None-Match'), hit.etag);
      for (const [k, v] of hit.headers)
        if (!notModified || k === 'vary' || k === 'etag') c.header(k, v, { append: k === 'vary' });
      c.header('X-Cache', 'hit');
      return notModified ? c.body(null, 304) : c.body(hit.body, 200);
    }
    await next();
    const res = c.res;
    const etag = res.headers.get('ETag');
    if (res.status !== 200 || !etag || res.headers.has('Set-Cookie')) return;
    const headers = [...res.headers].filter(([k]) => !PERSONAL.has(k));
    store.set(db, stamp, key, { body: new Uint8Array(await res.clone().arrayBuffer()), headers, etag });
    res.headers.set('X-Cache', 'miss');
  };
}
