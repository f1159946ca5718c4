import { randomFillSync } from 'node:crypto';
import sharp from 'sharp';
import { storeImage } from '../src/lib/images.js';
import { istDate } from '../src/lib/time.js';
import { makeTrip } from '../test/support/factories.js';
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
  return [...(await homeWeight(ctx)), ...(await tripPageWeight(ctx))];
}

async function homeWeight(ctx: BenchContext): Promise<Line[]> {
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

// ---------------------------------------------------------------------------------------
// The trip page with photos, on a 360-px phone at 2x

const VIEWPORT = 360;
const DPR = 2;

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;

/** A CSS length in a `sizes` attribute, in CSS px at our viewport (vw, rem, px). */
function cssPx(length: string): number {
  const m = /^([\d.]+)(vw|rem|px)$/.exec(length.trim());
  if (!m) throw new Error(`a sizes length this bench cannot read: ${length}`);
  const n = Number(m[1]);
  return m[2] === 'vw' ? (n * VIEWPORT) / 100 : m[2] === 'rem' ? n * 16 : n;
}

/** The slot width `sizes` gives at our viewport: the first entry whose (min-width) holds, else the last. */
function slotPx(sizes: string): number {
  for (const entry of sizes.split(',').map((e) => e.trim())) {
    const m = /^\(min-width:\s*([\d.]+)(rem|px)\)\s+(.+)$/.exec(entry);
    if (!m) return cssPx(entry);
    if (Number(m[1]) * (m[2] === 'rem' ? 16 : 1) <= VIEWPORT) return cssPx(m[3]);
  }
  return VIEWPORT;
}

/**
 * The URL a browser fetches for an <img>: with srcset, the narrowest width covering the slot at
 * DPR (the largest when none does; Chromium at 360x640, 2x, fetches the same, see
 * test/e2e/trip-photos.test.ts); without, its src.
 */
function chosenUrl(tag: string): string {
  const srcset = attr(tag, 'srcset');
  if (!srcset) return attr(tag, 'src')!;
  const candidates = srcset
    .split(',')
    .map((c) => c.trim().split(/\s+/))
    .map(([url, w]) => ({ url, w: Number(w.replace(/w$/, '')) }))
    .sort((a, b) => a.w - b.w);
  const needed = slotPx(attr(tag, 'sizes') ?? '100vw') * DPR;
  return (candidates.find((c) => c.w >= needed) ?? candidates.at(-1)!).url;
}

/** A photo-like JPEG: noise compresses like a real photo, unlike a flat drawing. */
async function noisyPhoto(width: number, height: number): Promise<Uint8Array> {
  const raw = randomFillSync(Buffer.alloc(width * height * 3));
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}

/**
 * The trip page's cold weight on a 360-px phone at 2x, with and without `Save-Data: on`: its
 * HTML, CSS and JS (the 35 KB budget) and, as information, the photos it would fetch: those
 * loaded at once (not lazy) and all of them once scrolled through.
 */
async function tripPageWeight(ctx: BenchContext): Promise<Line[]> {
  const trip = await makeTrip(ctx.deps, {
    title: 'Bench: Rupin Pass with photos',
    start: istDate(new Date(ctx.deps.clock.now().getTime() + 30 * 86_400_000)),
  });
  for (let i = 0; i < 3; i++) {
    const img = await storeImage(ctx.deps.config.dataDir, await noisyPhoto(2000, 1333), 'images');
    await ctx.deps.db
      .insertInto('trip_images')
      .values({
        trip_id: trip.tripId,
        key: img.key,
        width: img.width,
        height: img.height,
        position: i,
        is_cover: i === 0 ? 1 : 0,
      })
      .execute();
  }
  const path = `/trips/${trip.tripId}`;
  const lines: Line[] = [];
  for (const saveData of [false, true]) {
    const extra: Record<string, string> = saveData ? { 'Save-Data': 'on' } : {};
    const headers = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING, ...extra };
    const page = await ctx.get(path, headers);
    const html = (await ctx.get(path, { 'Accept-Encoding': 'identity', ...extra })).text ?? '';
    const assets = await Promise.all(assetsOf(html).map((p) => ctx.get(p, headers)));
    const cold = size(page) + assets.reduce((n, a) => n + size(a), 0);
    const imgs = [...html.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    const weigh = async (tags: string[]) => {
      const urls = [...new Set(tags.map(chosenUrl))];
      const sizes = await Promise.all(urls.map(async (u) => size(await ctx.get(u, headers))));
      return { urls, bytes: sizes.reduce((a, b) => a + b, 0) };
    };
    const eager = await weigh(imgs.filter((t) => attr(t, 'loading') !== 'lazy'));
    const all = await weigh(imgs);
    const label = saveData ? `${path} with Save-Data: on` : path;
    const widths = (urls: string[]) => urls.map((u) => /-(\d+)\.webp$/.exec(u)?.[1] ?? u).join(', ');
    const before = saveData ? null : eager.urls[0]?.replace(/-\d+\.webp$/, '-1280.webp');
    lines.push(
      { measure: `cold first visit of ${label} (HTML+CSS+JS)`, value: kb(cold), unit: 'KB', budget: { max: 35 } },
      {
        measure: `  photos fetched at once, 360 px 2x`,
        value: kb(eager.bytes),
        unit: 'KB',
        note: `widths ${widths(eager.urls)}`,
      },
      {
        measure: `  every photo, scrolled through`,
        value: kb(all.bytes),
        unit: 'KB',
        note: `${all.urls.length} files, widths ${widths(all.urls)}; 2000x1333 noise photos`,
      },
    );
    if (before)
      lines.push({
        measure: `  the same hero at 1280 px (fetched before 960 existed)`,
        value: kb(size(await ctx.get(before, headers))),
        unit: 'KB',
      });
  }
  return lines;
}
