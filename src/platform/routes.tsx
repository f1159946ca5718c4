import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { VERSION } from '../version.js';
import { readUpload } from '../lib/images.js';
import { dbHealth } from './service.js';

const startedAt = Date.now();

/** The health check and uploads (the home page is the trips feature's: src/trips/routes.tsx). */
export const platformRoutes = new Hono<AppEnv>().get('/healthz', async (c) => {
  const uptime = Math.round((Date.now() - startedAt) / 1000);
  const db = await dbHealth(c.get('deps'));
  if (db === 'ok') return c.json({ status: 'ok', db, version: VERSION, uptime });
  return c.json({ status: 'error', db, version: VERSION, uptime }, 503);
});

/** Stored images: random names, never change, so they are cached for a year. */
platformRoutes.get('/uploads/:name', async (c) => {
  const bytes = await readUpload(c.get('deps').config.dataDir, c.req.param('name'));
  if (!bytes) return c.notFound();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'public, max-age=31536000, immutable' });
});
