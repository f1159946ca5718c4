import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startScheduler } from '../../src/scheduler.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue, MAX_ATTEMPTS } from '../../src/notifications/delivery.js';

let t: TestApp;
let smtp: TestSmtp;
let admin: { id: number; cookie: string };
let traveler: { id: number; cookie: string };

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeTestApp({ SMTP_URL: smtp.url });
  // The real scheduler's "run now", without its timers.
  const scheduler = startScheduler(t.deps);
  scheduler.stop();
  t.deps.runJob = (name) => scheduler.runNow(name);
  admin = await signedIn(t.deps, { role: 'admin' });
  traveler = await signedIn(t.deps, { role: 'traveler' });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});
beforeEach(async () => {
  await smtp.start();
  await t.db.deleteFrom('outbox').execute();
  await t.db.deleteFrom('job_runs').execute();
  await t.db.deleteFrom('audit_log').execute();
});

const mail = (to: string) => ({
  channel: 'email' as const,
  to,
  template: 'welcome',
  subject: 'Welcome',
  text: 'Hello',
});

describe('/admin/jobs', () => {
  it('only admins see it: visitors are sent to sign in, others get 403', async () => {
    const anon = await t.request('/admin/jobs');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('Location')).toBe('/login?next=%2Fadmin%2Fjobs');
    expect((await t.request('/admin/jobs', { cookie: traveler.cookie })).status).toBe(403);
    expect((await t.post('/admin/jobs/outbox/run', {}, traveler.cookie)).status).toBe(403);
    expect(await t.db.selectFrom('job_runs').selectAll().execute()).toHaveLength(0);
  });

  it('lists every scheduled job with its schedule and next run', async () => {
    const res = await t.request('/admin/jobs', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<code>*/10 * * * * *</code>');
    expect(html).toContain('action="/admin/jobs/outbox/run"');
    expect(html).toContain('No runs yet.');
  });

  it('an admin runs a job by hand: it is recorded with its outcome and audited', async () => {
    await t.db.transaction().execute((trx) => enqueue(trx, t, mail('byhand@example.test')));

    const res = await t.post('/admin/jobs/outbox/run', {}, admin.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/admin/jobs?name=outbox');

    const runs = await t.db.selectFrom('job_runs').selectAll().execute();
    expect(runs.map((r) => [r.name, r.outcome, r.detail])).toEqual([['outbox', 'ok', 'sent 1, retrying 0, failed 0']]);
    await smtp.waitFor((m) => JSON.stringify(m.to).includes('byhand@example.test'));
    const audits = await t.db.selectFrom('audit_log').selectAll().execute();
    expect(audits.map((a) => [a.actor_id, a.action, a.target_id])).toEqual([[admin.id, 'job.run_by_hand', 'outbox']]);

    const cookie = `${admin.cookie}; ${res.headers.get('Set-Cookie')!.split(';')[0]}`;
    const html = await (await t.request('/admin/jobs?name=outbox', { cookie })).text();
    expect(html).toContain('outbox finished.');
    expect(html).toContain('Latest runs of outbox');
    expect(html).toContain('sent 1, retrying 0, failed 0');
  });

  it('the list of all runs leaves out the fine runs of the every-10-seconds outbox job, but not its failures', async () => {
    const at = t.clock.now().toISOString();
    const run = (name: string, outcome: 'ok' | 'failed', detail: string) => ({
      name,
      outcome,
      detail,
      started_at: at,
      finished_at: at,
    });
    await t.db
      .insertInto('job_runs')
      .values([
        run('outbox', 'ok', 'sent 0, retrying 0, failed 0'),
        run('outbox', 'failed', 'database is locked'),
        run('housekeeping', 'ok', 'removed 0 old job runs, 0 delivered messages'),
      ])
      .execute();

    const all = await (await t.request('/admin/jobs', { cookie: admin.cookie })).text();
    expect(all).toContain('database is locked');
    expect(all).toContain('removed 0 old job runs');
    expect(all).not.toContain('sent 0, retrying 0, failed 0');
    expect(all).toContain('href="/admin/jobs?name=outbox">all runs of outbox</a>');

    const outbox = await (await t.request('/admin/jobs?name=outbox', { cookie: admin.cookie })).text();
    expect(outbox).toContain('sent 0, retrying 0, failed 0');
    expect(outbox).toContain('database is locked');
    expect(outbox).not.toContain('removed 0 old job runs');
  });

  it('an unknown job is 404 and nothing runs', async () => {
    expect((await t.post('/admin/jobs/nope/run', {}, admin.cookie)).status).toBe(404);
    expect(await t.db.selectFrom('job_runs').selectAll().execute()).toHaveLength(0);
  });

  it('without a scheduler in the process, "run now" says so (503)', async () => {
    const bare = await makeTestApp();
    try {
      const a = await signedIn(bare.deps, { role: 'admin' });
      const res = await bare.post('/admin/jobs/outbox/run', {}, a.cookie);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('The scheduler is not running in this process.');
      expect(await bare.db.selectFrom('job_runs').selectAll().execute()).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});

describe('/admin/outbox', () => {
  it('shows counts by status and failing messages with their last error', async () => {
    await smtp.stop();
    const failedId = await t.db.transaction().execute((trx) => enqueue(trx, t, mail('gone@example.test')));
    await t.db
      .updateTable('outbox')
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where('id', '=', failedId)
      .execute();
    const retryingId = await t.db.transaction().execute((trx) => enqueue(trx, t, mail('soon@example.test')));
    await deliverDue(t.deps);
    await smtp.start();

    expect((await t.request('/admin/outbox', { cookie: traveler.cookie })).status).toBe(403);
    const res = await t.request('/admin/outbox', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Waiting to be sent<\/th><td>1<\/td>/);
    expect(html).toMatch(/Failed<\/th><td>1<\/td>/);
    expect(html).toContain(`id="message-${failedId}"`);
    expect(html).toContain(`id="message-${retryingId}"`);
    expect(html).toContain('ECONNREFUSED');
    expect(html).toContain(`action="/admin/outbox/${failedId}/retry"`);
    expect(html).not.toContain(`action="/admin/outbox/${retryingId}/retry"`);
  });

  it('an admin retries a failed message: it is queued with fresh attempts, audited, then delivered', async () => {
    const id = await t.db.transaction().execute((trx) => enqueue(trx, t, mail('again@example.test')));
    await t.db
      .updateTable('outbox')
      .set({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'smtp: down' })
      .where('id', '=', id)
      .execute();

    expect((await t.post(`/admin/outbox/${id}/retry`, {}, traveler.cookie)).status).toBe(403);
    expect(
      (await t.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('failed');

    const res = await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/admin/outbox');
    const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.status, row.attempts, row.next_attempt_at]).toEqual(['pending', 0, t.clock.now().toISOString()]);
    const audits = await t.db.selectFrom('audit_log').selectAll().execute();
    expect(audits.map((a) => [a.actor_id, a.action, a.target_type, a.target_id])).toEqual([
      [admin.id, 'outbox.retry', 'outbox', String(id)],
    ]);

    // A second retry finds nothing failed.
    expect((await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie)).status).toBe(409);
    expect(await t.db.selectFrom('audit_log').selectAll().execute()).toHaveLength(1);

    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');
    await smtp.waitFor((m) => JSON.stringify(m.to).includes('again@example.test'));
  });
});
