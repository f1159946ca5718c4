import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { platformAdminRoutes } from './platform-routes.js';
import { adminUserRoutes } from './users.js';
import { adminSettingsRoutes } from './settings.js';
import { adminSubscriptionRoutes } from './subscriptions.js';

/** /admin pages: users, jobs, outbox, settings, audit. */
export const adminRoutes = new Hono<AppEnv>();

adminRoutes.route('/', platformAdminRoutes);
adminRoutes.route('/', adminUserRoutes);
adminRoutes.route('/', adminSettingsRoutes);
adminRoutes.route('/', adminSubscriptionRoutes);
