import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../lib/env.js';
import { page } from '../lib/render.js';
import { HomePage } from '../../views/home.js';
import { VERSION } from '../version.js';
import { readUpload } from '../lib/images.js';

const startedAt = Date.now();

/** The home page and the health check: what is left once features take their own pages. */
export const platformRoutes = new Hono<AppEnv>()
  .get('/', (c) => page(c, <HomePage signedIn={c.var.user !== null} />, { title: '' }))
  .get('/healthz', async (c) => {
    const uptime = Math.round((Date.now() - startedAt) / 1000);
    try {
      await sql`select 1`.execute(c.var.deps.db);
      return c.json({ status: 'ok', db: 'ok', version: VERSION, uptime });
    } catch {
      return c.json({ status: 'error', db: 'unavailable', version: VERSION, uptime }, 503);
    }
  });

/** Stored images: random names, never change, so they are cached for a year. */
platformRoutes.get('/uploads/:name', async (c) => {
  const bytes = await readUpload(c.var.deps.config.dataDir, c.req.param('name'));
  if (!bytes) return c.notFound();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'public, max-age=31536000, immutable' });
});
