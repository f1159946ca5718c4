import { CHROMIUM_ACCEPT_ENCODING, kb, type BenchContext, type Line, type Transfer } from './support.js';

/** The CSS and JS a page references (images excluded, as in the budget). */
function assetsOf(html: string): string[] {
  const css = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
  const js = [...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  return [...css, ...js];
}

const size = (t: Transfer) => t.bodyBytes + t.headerBytes;

/**
 * Page weight of the home page as a phone browser receives it: a cold first visit (HTML and
 * every CSS/JS file it references, compressed as negotiated) and a warm visit (assets come
 * from the immutable cache, so only the HTML travels; a reload revalidates to a 304).
 */
export default async function pageWeight(ctx: BenchContext): Promise<Line[]> {
  const headers = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING };
  const page = await ctx.get('/', headers);
  const plain = await ctx.get('/', { 'Accept-Encoding': 'identity' });
  const assets = await Promise.all(
    assetsOf(plain.text ?? '').map(async (path) => ({ path, t: await ctx.get(path, headers) })),
  );
  const cold = size(page) + assets.reduce((n, a) => n + size(a.t), 0);
  const revalidated = await ctx.get('/', { ...headers, 'If-None-Match': page.headers.etag ?? '' });

  return [
    {
      measure: 'GET / HTML',
      value: kb(size(page)),
      unit: 'KB',
      note: `${page.headers['content-encoding'] ?? 'identity'}; ${kb(plain.bodyBytes)} KB uncompressed`,
    },
    ...assets.map((a): Line => ({
      measure: `  ${a.path}`,
      value: kb(size(a.t)),
      unit: 'KB',
      note: `${a.t.headers['content-encoding'] ?? 'identity'}; ${a.t.headers['cache-control'] ?? 'no cache-control'}`,
    })),
    { measure: 'cold first visit of / (HTML+CSS+JS)', value: kb(cold), unit: 'KB', budget: { max: 35 } },
    { measure: 'warm visit of / (HTML only)', value: kb(size(page)), unit: 'KB', budget: { max: 8 } },
    {
      measure: 'revalidated visit of / (304)',
      value: kb(size(revalidated)),
      unit: 'KB',
      note: `status ${revalidated.status}`,
    },
  ];
}
