import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';

/** Register, sign in/out, verification, password reset, Google, profile, /dashboard. */
export const accountRoutes = new Hono<AppEnv>();
