import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../lib/env.js';
import { page } from '../lib/render.js';
import { HomePage } from '../../views/home.js';
import { VERSION } from '../version.js';

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
