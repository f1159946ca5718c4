import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, readQuery, tryForm } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { page } from '../render.js';
import * as reviews from '../reviews/service.js';
import { adminFilter, moderateForm } from '../reviews/schemas.js';
import { AdminReviewsPage } from '../../views/reviews/pages.js';

type C = Context<AppEnv>;

async function renderQueue(c: C, failed?: { id: number; value: string; error: string }, status: 200 | 422 = 200) {
  const { show } = readQuery(c, adminFilter);
  const items = await reviews.moderationQueue(c.get('deps'), actor(c), show);
  return page(c, <AdminReviewsPage show={show} items={items} failed={failed} />, { title: 'Reviews', status });
}

const DONE = {
  hidden: 'The review is hidden: it no longer shows or counts in the ratings.',
  restored: 'The review is restored: it shows and counts in the ratings again.',
  kept: 'The review stays visible; its reports are closed.',
};

/** /admin/reviews: reported and hidden reviews; hide or restore each, with a reason (audited). */
export const adminReviewRoutes = new Hono<AppEnv>()
  .use('/admin/reviews', requirePermission('reviews:moderate'))
  .use('/admin/reviews/*', requirePermission('reviews:moderate'))
  .get('/admin/reviews', (c) => renderQueue(c));

for (const [verb, to] of [
  ['hide', 'hidden'],
  ['restore', 'visible'],
] as const) {
  adminReviewRoutes.post(
    `/admin/reviews/:id/${verb}`,
    zValidator(
      'form',
      moderateForm,
      formHook(async (c, _values, errors) => {
        const value = (await c.req.parseBody()).reason;
        return renderQueue(c, { id: idParam(c), value: String(value ?? ''), error: errors.reason ?? '' }, 422);
      }),
    ),
    async (c) => {
      const { reason } = c.req.valid('form');
      const r = await tryForm(() => reviews.moderateReview(c.get('deps'), actor(c), idParam(c), to, reason));
      if (!r.ok) return redirectWith(c, '/admin/reviews', Object.values(r.errors)[0], 'error');
      return redirectWith(c, to === 'hidden' ? '/admin/reviews' : '/admin/reviews?show=hidden', DONE[r.value]);
    },
  );
}
