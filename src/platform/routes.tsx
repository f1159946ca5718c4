import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { VERSION } from '../version.js';
import { readUpload } from '../lib/images.js';
import { backupHealth, dbHealth, uptimeSeconds } from './service.js';

/**
 * The health check and uploads (the home page is the trips feature's: src/trips/routes.tsx).
 * `/healthz` answers whether the database answers and takes writes; `/healthz?deep=1`, for a
 * monitor, also whether the last backup is fresh (at most 36 h old).
 */
export const platformRoutes = new Hono<AppEnv>().get('/healthz', async (c) => {
  const deps = c.get('deps');
  const db = await dbHealth(deps);
  const backup = c.req.query('deep') === undefined ? undefined : await backupHealth(deps);
  const ok = db === 'ok' && (backup === undefined || backup === 'ok');
  return c.json(
    { status: ok ? 'ok' : 'error', db, ...(backup ? { backup } : {}), version: VERSION, uptime: uptimeSeconds() },
    ok ? 200 : 503,
  );
});

/** Stored images: random names, never change, so they are cached for a year. */
platformRoutes.get('/uploads/:name', async (c) => {
  const bytes = await readUpload(c.get('deps').config.dataDir, c.req.param('name'));
  if (!bytes) return c.notFound();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'public, max-age=31536000, immutable' });
});
