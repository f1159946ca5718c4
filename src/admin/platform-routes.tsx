import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { page } from '../lib/render.js';
import { redirectWith } from '../lib/flash.js';
import { requirePermission } from '../auth/middleware.js';
import { SCHEDULE } from '../scheduler.js';
import { MAX_ATTEMPTS } from '../notifications/delivery.js';
import { outboxOverview, retryFailedMessage } from '../notifications/service.js';
import { JobsPage } from '../../views/admin/jobs.js';
import { OutboxPage } from '../../views/admin/outbox.js';
import { jobsOverview, runJobNow } from './jobs.js';

const admin = requirePermission('platform:admin');

const RAN = {
  ok: (n: string) => `${n} finished.`,
  failed: (n: string) => `${n} failed: see its run below.`,
  skipped: (n: string) => `${n} was already running, so this run was skipped.`,
  running: (n: string) => `${n} is still running; its outcome will appear below.`,
};

/** /admin/jobs and /admin/outbox: the platform's moving parts, for admins. */
export const platformAdminRoutes = new Hono<AppEnv>()
  .get('/admin/jobs', admin, async (c) => {
    const only = c.req.query('name') || undefined;
    const { jobs, runs, hidden } = await jobsOverview(c.get('deps'), SCHEDULE, only);
    return page(c, <JobsPage jobs={jobs} runs={runs} only={only ?? null} hidden={hidden} />, { title: 'Jobs' });
  })
  .post('/admin/jobs/:name/run', admin, async (c) => {
    const name = c.req.param('name');
    const outcome = await runJobNow(c.get('deps'), c.get('user')!.id, SCHEDULE, name);
    return redirectWith(
      c,
      `/admin/jobs?name=${encodeURIComponent(name)}`,
      RAN[outcome](name),
      outcome === 'failed' ? 'error' : 'ok',
    );
  })
  .get('/admin/outbox', admin, async (c) => {
    const { counts, troubled } = await outboxOverview(c.get('deps'));
    return page(c, <OutboxPage counts={counts} troubled={troubled} maxAttempts={MAX_ATTEMPTS} />, { title: 'Outbox' });
  })
  .post('/admin/outbox/:id{[0-9]+}/retry', admin, async (c) => {
    const id = Number(c.req.param('id'));
    await retryFailedMessage(c.get('deps'), c.get('user')!.id, id);
    return redirectWith(c, '/admin/outbox', `Message #${id} is queued again.`);
  });
