import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import type { Context } from 'hono';
import { chooseEncoding, matches } from './finish-response.js';

/** The project root, found from this file whether it runs from src/ or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

interface Asset {
  path: string;
  type: string;
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface Assets {
  /** Content-hashed URL of a logical asset name ("app.css", "app.js"). */
  url(name: string): string;
  byPath: Map<string, Asset>;
}

/**
 * Static assets are vendored from their npm packages and our static/ folder, concatenated
 * into one CSS and one JS file, named by content hash and precompressed once at start.
 */
const BUNDLES: Record<string, { type: string; files: string[] }> = {
  'app.css': {
    type: 'text/css; charset=utf-8',
    files: ['node_modules/@picocss/pico/css/pico.min.css', 'static/app.css'],
  },
  'app.js': {
    type: 'text/javascript; charset=utf-8',
    files: ['node_modules/htmx.org/dist/htmx.min.js', 'node_modules/htmx-ext-sse/dist/sse.min.js', 'static/app.js'],
  },
  'icon.svg': { type: 'image/svg+xml', files: ['static/icon.svg'] },
};

export function loadAssets(root = projectRoot()): Assets {
  const byName = new Map<string, Asset>();
  const byPath = new Map<string, Asset>();
  for (const [name, bundle] of Object.entries(BUNDLES)) {
    const raw = Buffer.concat(bundle.files.flatMap((f) => [readFileSync(join(root, f)), Buffer.from('\n')]));
    const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
    const [base, ext] = name.split('.');
    const asset: Asset = {
      path: `/static/${base}.${hash}.${ext}`,
      type: bundle.type,
      raw,
      br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      gzip: gzipSync(raw, { level: 9 }),
      etag: `"${hash}"`,
    };
    byName.set(name, asset);
    byPath.set(asset.path, asset);
  }
  return {
    url(name) {
      const a = byName.get(name);
      if (!a) throw new Error(`unknown asset ${name}`);
      return a.path;
    },
    byPath,
  };
}

/** Serves a hashed asset: immutable caching, brotli or gzip by Accept-Encoding. */
export function serveAsset(c: Context, assets: Assets): Response | null {
  const asset = assets.byPath.get(c.req.path);
  if (!asset) return null;
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    'Cache-Control': 'public, max-age=31536000, immutable',
    ETag: asset.etag,
    Vary: 'Accept-Encoding',
  };
  if (matches(c.req.header('If-None-Match'), asset.etag)) return new Response(null, { status: 304, headers });
  const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
  const body = encoding ? asset[encoding] : asset.raw;
  if (encoding) headers['Content-Encoding'] = encoding;
  headers['Content-Length'] = String(body.length);
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}
