import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { page } from '../lib/render.js';
import { requirePermission } from '../auth/middleware.js';
import { actor } from '../lib/params.js';
import { subscriptionPage } from './service.js';
import { SubscriptionPage } from '../../views/billing/subscription.js';

/** /organizer/subscription: the organizer's plan, status and payments (an admin names the organizer: ?organizer=ID). */
export const billingRoutes = new Hono<AppEnv>().get(
  '/organizer/subscription',
  requirePermission('billing:autopay'),
  async (c) => {
    const props = await subscriptionPage(c.get('deps'), actor(c), c.req.query('organizer'));
    return page(c, <SubscriptionPage {...props} />, { title: 'Subscription' });
  },
);
