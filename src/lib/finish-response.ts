import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';

/** Below this, compression saves less than its own headers cost. */
const MIN_COMPRESS = 1024;
/** Quality 5 is the knee for small pages: ~35 % smaller than gzip for about the same time. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };

const compressible = (type: string) =>
  /^(text\/|application\/(json|xml|javascript|manifest\+json)|image\/svg\+xml)/.test(type);

export function chooseEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null;
  const offered = accept
    .toLowerCase()
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q))
    .map(([name]) => name.trim());
  if (offered.includes('br')) return 'br';
  if (offered.includes('gzip')) return 'gzip';
  return null;
}

/** Whether an If-None-Match header names this ETag (weak or strong, alone or in a list). */
export const matches = (ifNoneMatch: string | undefined, etag: string) =>
  !!ifNoneMatch &&
  ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag.replace(/^W\//, '') === etag.replace(/^W\//, '');
  });

type Finished = { status: number; body: Buffer<ArrayBuffer> | null; set: Record<string, string> };

/**
 * What to send for a finished body: a 304 when the client has it, else the body compressed
 * for the client. The ETag is weak (`W/"…"`): the brotli, gzip and plain bodies are the same
 * page, not the same bytes; only 200s to GET and HEAD get one.
 */
function finish(c: Context, body: Buffer<ArrayBuffer>, status: number): Finished {
  const set: Record<string, string> = { Vary: 'Accept-Encoding' };
  const method = c.req.method;
  if ((method === 'GET' || method === 'HEAD') && status === 200) {
    set.ETag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
    if (matches(c.req.header('If-None-Match'), set.ETag)) return { status: 304, body: null, set };
  }
  const encoding = body.length >= MIN_COMPRESS ? chooseEncoding(c.req.header('Accept-Encoding')) : null;
  if (!encoding) return { status, body, set };
  set['Content-Encoding'] = encoding;
  return { status, body: encoding === 'br' ? brotliCompressSync(body, BROTLI) : gzipSync(body), set };
}

/**
 * A rendered page (JSX or string) as the response, finished here in one go: the page is a
 * string in hand, so it is hashed with node:crypto and compressed with zlib's one-shot
 * functions, without Hono's etag and compress middlewares piping it through web streams and
 * async WebCrypto (together a fifth of the CPU of a page).
 */
export async function htmlResponse(c: Context, html: unknown, status: ContentfulStatusCode = 200): Promise<Response> {
  const text = await resolveCallback(html as string, HtmlEscapedCallbackPhase.Stringify, false, {});
  const { set, ...f } = finish(c, Buffer.from(text), status);
  const { Vary, ...rest } = set;
  c.header('Vary', Vary, { append: true }); // after whatever the route varies on (HX-Request)
  if (f.status === 304) return c.body(null, 304, rest);
  return c.body(f.body!, f.status as ContentfulStatusCode, { 'Content-Type': 'text/html; charset=UTF-8', ...rest });
}

/**
 * The same for every other text response (JSON, fragments, error pages built elsewhere).
 * Streams (`isStream`), bodies that are not text and responses already finished (an ETag or
 * a Content-Encoding: assets, pages from htmlResponse) are left as they are.
 */
export function finishResponse(isStream: (path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type') ?? '';
    // The type first: asking for `res.body` turns @hono/node-server's lightweight response
    // into a full web Response, and a redirect (no type, no body) need not pay for that.
    if (
      !compressible(type) ||
      type.startsWith('text/event-stream') ||
      isStream(c.req.path) ||
      res.headers.has('Content-Encoding') ||
      res.headers.has('ETag') ||
      !res.body
    )
      return;
    const f = finish(c, Buffer.from(await res.arrayBuffer()), res.status);
    const headers = res.headers;
    for (const [k, v] of Object.entries(f.set)) k === 'Vary' ? headers.append(k, v) : headers.set(k, v);
    headers.delete('Content-Length');
    if (f.status === 304) headers.delete('Content-Type');
    c.res = undefined;
    c.res = new Response(f.body, { status: f.status, headers });
  };
}
