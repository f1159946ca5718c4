import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';

/** The dev mailbox (/dev/mailbox, never in production). */
export const notificationRoutes = new Hono<AppEnv>();
