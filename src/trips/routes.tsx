import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';

/** Discovery (/trips, /trips/:id, /organizers/:id) and organizer trip management. */
export const tripRoutes = new Hono<AppEnv>();
