import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';

/** Below this, compression saves less than its own headers cost. */
const MIN_COMPRESS = 1024;
/** Quality 5 is the knee for small pages: ~35 % smaller than gzip for about the same time. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };

const compressible = (type: string) => /^(text\/|application\/(json|xml|javascript|manifest\+json)|image\/svg\+xml)/.test(type);

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

const matches = (ifNoneMatch: string | undefined, etag: string) =>
  !!ifNoneMatch && ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag.replace(/^W\//, '') === etag.replace(/^W\//, '');
  });

/**
 * ETag and compression for what the app renders, in one pass over the finished body.
 *
 * Hono's etag and compress middlewares each pipe the body through web streams, and etag hashes
 * it with async WebCrypto: together a fifth of the CPU of every page. Our pages are small and
 * already complete in memory, so this hashes them with node:crypto and compresses them with
 * zlib's one-shot functions: brotli (quality 5) when the client takes it, else gzip.
 *
 * - The ETag is weak (`W/"…"`): the compressed and plain bodies are the same page, not the
 *   same bytes. GET and HEAD 200s only; a matching If-None-Match gets a 304 without a body.
 * - Streams (`isStream`), bodies that are not text, responses already encoded and small
 *   bodies are left as they are.
 */
export function finishResponse(isStream: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type') ?? '';
    if (!res.body || isStream(c.req.path) || !compressible(type) || res.headers.has('Content-Encoding') || type.startsWith('text/event-stream')) return;
    const body = Buffer.from(await res.arrayBuffer());
    const headers = res.headers;
    const method = c.req.method;
    if ((method === 'GET' || method === 'HEAD') && res.status === 200) {
      const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
      headers.set('ETag', etag);
      if (matches(c.req.header('If-None-Match'), etag)) {
        headers.delete('Content-Type');
        headers.delete('Content-Length');
        c.res = undefined;
        c.res = new Response(null, { status: 304, headers });
        return;
      }
    }
    const encoding = body.length >= MIN_COMPRESS ? chooseEncoding(c.req.header('Accept-Encoding')) : null;
    headers.append('Vary', 'Accept-Encoding');
    let out: Buffer<ArrayBuffer> = body;
    if (encoding) {
      out = encoding === 'br' ? brotliCompressSync(body, BROTLI) : gzipSync(body);
      headers.set('Content-Encoding', encoding);
    }
    headers.delete('Content-Length');
    c.res = undefined;
    c.res = new Response(out, { status: res.status, statusText: res.statusText, headers });
  };
}
