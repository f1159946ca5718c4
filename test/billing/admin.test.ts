import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { signedIn } from '../support/factories.js';
import { startScheduler } from '../../src/scheduler.js';
import { bankAnswers, organizerWithTrip, setUpAutopay } from './autopay-support.js';

let rzp: FakeRazorpayServer;
let t: TestApp;
beforeAll(async () => {
  rzp = await startFakeRazorpay();
  t = await makeTestApp(rzp.env);
  const scheduler = startScheduler(t.deps);
  await scheduler.stop();
  t.deps.runJob = (name) => scheduler.runNow(name);
});
afterAll(async () => {
  await t.close();
  await rzp.stop();
});

const audits = (action: string) =>
  t.db.selectFrom('audit_log').select(['actor_id', 'target_id']).where('action', '=', action).execute();

describe('billing for admins', () => {
  it('the billing jobs run by hand from /admin/jobs: recorded with outcome and counts, and audited', async () => {
    const o = await organizerWithTrip(t, 51);
    await setUpAutopay(t, rzp, o.cookie);
    t.clock.set('2027-03-23T02:00:00+05:30');
    const fresh = await signedIn(t.deps, { role: 'admin' });
    for (const name of ['billing.charge', 'billing.reminders', 'billing.trial-notices', 'billing.reconcile']) {
      const res = await t.post(`/admin/jobs/${name}/run`, {}, fresh.cookie);
      expect(res.status).toBe(303);
    }
    const runs = await t.db.selectFrom('job_runs').select(['name', 'outcome', 'detail']).orderBy('id').execute();
    expect(runs.map((r) => [r.name, r.outcome])).toEqual([
      ['billing.charge', 'ok'],
      ['billing.reminders', 'ok'],
      ['billing.trial-notices', 'ok'],
      ['billing.reconcile', 'ok'],
    ]);
    expect(runs[0].detail).toMatch(/^charged 1, declined 0, unreachable 0, skipped 0; reconciled 0 paid/);
    expect(runs[1].detail).toBe('sent 0 payment reminders, 0 pre-debit notices');
    expect((await audits('job.run_by_hand')).map((a) => a.target_id)).toEqual([
      'billing.charge',
      'billing.reminders',
      'billing.trial-notices',
      'billing.reconcile',
    ]);
    const page = await (await t.request('/admin/jobs?name=billing.charge', { cookie: fresh.cookie })).text();
    expect(page).toContain('charged 1, declined 0');
    // Every charge is audited: started, and paid.
    await bankAnswers(t, rzp);
    expect(await audits('subscription.charge_started')).toHaveLength(2);
    expect(await audits('subscription.charge_paid')).toHaveLength(2);
  });

  it('/admin/subscriptions lists subscriptions by status and the revenue per month, as a chart and a table', async () => {
    await organizerWithTrip(t, 52);
    const fresh = await signedIn(t.deps, { role: 'admin' });
    const res = await t.request('/admin/subscriptions', { cookie: fresh.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Trial: 1 · Active: 1 · Past due: 0 · Inactive: 0 · Cancelled: 0');
    expect(html).toMatch(/<svg id="revenue-chart"[^>]*role="img"/);
    // The set-up payment (Nov 2026) and the March debit, each ₹1,499.
    expect(html).toContain('2026-11</text>');
    expect(html).toContain('2027-03</text>');
    expect(html).toMatch(/Nov 2026<\/td><td data-label="Payments">1<\/td><td data-label="Revenue">₹1,499/);
    expect(html).toContain('Organizer 51');
    const organizer = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.request('/admin/subscriptions', { cookie: organizer.cookie })).status).toBe(403);
  });
});
