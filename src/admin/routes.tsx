import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';

/** /admin pages: users, jobs, outbox, audit. */
export const adminRoutes = new Hono<AppEnv>();
