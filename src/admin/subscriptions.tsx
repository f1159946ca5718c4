import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { page } from '../render.js';
import { requirePermission } from '../auth/middleware.js';
import { subscriptionsOverview } from '../billing/subscriptions-overview.js';
import { SubscriptionsPage } from '../../views/admin/subscriptions.js';

/** /admin/subscriptions: organizers' subscriptions by status and the subscription revenue per month. */
export const adminSubscriptionRoutes = new Hono<AppEnv>().get(
  '/admin/subscriptions',
  requirePermission('platform:admin'),
  async (c) =>
    page(c, <SubscriptionsPage {...await subscriptionsOverview(c.get('deps'))} />, { title: 'Subscriptions' }),
);
