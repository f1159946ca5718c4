import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import type { FieldErrors } from '../lib/errors.js';
import { page } from '../lib/render.js';
import { redirectWith } from '../lib/flash.js';
import { requirePermission } from '../auth/middleware.js';
import { formHook, type Status, type Values } from '../lib/forms.js';
import { actor } from '../lib/params.js';
import { planForm } from '../billing/schemas.js';
import { changePlan, planSettings } from '../billing/service.js';
import { SettingsPage } from '../../views/admin/settings.js';

async function renderSettings(
  c: Context<AppEnv>,
  failed?: { values: Values; errors: FieldErrors },
  status: Status = 200,
) {
  const plan = await planSettings(c.get('deps'));
  return page(c, <SettingsPage plan={plan} failed={failed} />, { title: 'Settings', status });
}

/** /admin/settings: the platform settings an admin may change, one form per section. */
export const adminSettingsRoutes = new Hono<AppEnv>()
  .use('/admin/settings', requirePermission('platform:admin'))
  .use('/admin/settings/*', requirePermission('platform:admin'))
  .get('/admin/settings', (c) => renderSettings(c))
  .post(
    '/admin/settings/plan',
    zValidator(
      'form',
      planForm,
      formHook((c, values, errors, status) => renderSettings(c, { values, errors }, status)),
    ),
    async (c) => {
      await changePlan(c.get('deps'), actor(c).id, c.req.valid('form'));
      return redirectWith(c, '/admin/settings', 'Plan saved. Subscriptions take it from their next period.');
    },
  );
