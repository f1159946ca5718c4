import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { page } from '../render.js';
import { redirectWith } from '../lib/flash.js';
import { actor } from '../lib/params.js';
import { requirePermission } from '../auth/middleware.js';
import { SCHEDULE } from '../scheduler.js';
import { JobsPage } from '../../views/admin/jobs.js';
import { jobsOverview, runJobNow } from './jobs.js';
import { systemOverview } from './system.js';
import { SystemPage } from '../../views/admin/system.js';

const admin = requirePermission('platform:admin');

const RAN = {
  ok: (n: string) => `${n} finished.`,
  failed: (n: string) => `${n} failed: see its run below.`,
  skipped: (n: string) => `${n} was already running, so this run was skipped.`,
  running: (n: string) => `${n} is still running; its outcome will appear below.`,
};

/** /admin/jobs: the scheduled jobs, and /admin/system, for admins (mounted by routes.tsx). */
export const platformAdminRoutes = new Hono<AppEnv>()
  .get('/admin/jobs', admin, async (c) => {
    const only = c.req.query('name') || undefined;
    const { jobs, runs, hidden } = await jobsOverview(c.get('deps'), SCHEDULE, only);
    return page(c, <JobsPage jobs={jobs} runs={runs} only={only ?? null} hidden={hidden} />, { title: 'Jobs' });
  })
  .get('/admin/system', admin, async (c) =>
    page(c, <SystemPage s={await systemOverview(c.get('deps'))} />, { title: 'System' }),
  )
  .post('/admin/jobs/:name/run', admin, async (c) => {
    const name = c.req.param('name');
    const outcome = await runJobNow(c.get('deps'), actor(c).id, SCHEDULE, name);
    return redirectWith(
      c,
      `/admin/jobs?name=${encodeURIComponent(name)}`,
      RAN[outcome](name),
      outcome === 'failed' ? 'error' : 'ok',
    );
  });
