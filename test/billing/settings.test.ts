import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { getSettings } from '../../src/lib/settings.js';
import { organizerOnTrial, subscriptionOf } from './support.js';

let t: TestApp;
let admin: { id: number; cookie: string };
beforeEach(async () => {
  t = await makeTestApp();
  admin = await signedIn(t.deps, { role: 'admin' });
});
afterEach(() => t.close());

const PLAN = {
  amount: '1,499',
  period_days: '60',
  listings: '5',
  trial_days: '60',
  charge_attempts: '3',
  charge_retry_days: '1',
  reminder_days: '7, 3',
  trial_notice_days: '7, 3, 1',
};

describe('the plan settings at /admin/settings', () => {
  it('shows the plan as it is set, defaults included', async () => {
    const html = await (await t.request('/admin/settings', { cookie: admin.cookie })).text();
    expect(html).toContain('name="amount" type="text" value="1499"');
    expect(html).toContain('value="7, 3, 1"');
  });

  it('saves a changed plan from a plain form post (no JavaScript) and audits before and after', async () => {
    const res = await t.post(
      '/admin/settings/plan',
      { ...PLAN, amount: '1,999', listings: '8', trial_notice_days: '1,3,7,3' },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/admin/settings');
    const s = await getSettings(t.db);
    expect(s).toMatchObject({
      planAmountPaise: 199_900,
      planListings: 8,
      trialNoticeDays: [7, 3, 1],
      planPeriodDays: 60,
    });
    const rows = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.plan_changed').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_id).toBe(admin.id);
    expect(JSON.parse(rows[0].before!)).toEqual({ amountPaise: 149_900, listings: 5 });
    expect(JSON.parse(rows[0].after!)).toEqual({ amountPaise: 199_900, listings: 8 });
  });

  it('sends the form back with each message next to its field, and changes nothing', async () => {
    const res = await t.post(
      '/admin/settings/plan',
      { ...PLAN, amount: 'lots', listings: '0', reminder_days: '7 and 3' },
      admin.cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(
      /id="f-amount"[^>]*aria-invalid="true"[\s\S]*?<small id="f-amount-error" class="field-error">Enter an amount in rupees, like 1,499.<\/small>/,
    );
    expect(html).toContain(
      '<small id="f-listings-error" class="field-error">The active listings must be at least 1.</small>',
    );
    expect(html).toContain(
      '<small id="f-reminder_days-error" class="field-error">Enter days as numbers separated by commas, like 7, 3, 1.</small>',
    );
    expect(html).toContain('value="lots"');
    expect((await getSettings(t.db)).planAmountPaise).toBe(149_900);
    expect(
      await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.plan_changed').execute(),
    ).toHaveLength(0);
  });

  it('saving the same plan again records nothing', async () => {
    await t.post('/admin/settings/plan', PLAN, admin.cookie);
    expect(
      await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'settings.plan_changed').execute(),
    ).toHaveLength(0);
  });

  it('non-admins cannot change the plan', async () => {
    const organizer = await signedIn(t.deps, { role: 'organizer' });
    expect((await t.post('/admin/settings/plan', { ...PLAN, amount: '1' }, organizer.cookie)).status).toBe(403);
    expect((await getSettings(t.db)).planAmountPaise).toBe(149_900);
  });

  it('a change applies from the next period: a running trial keeps its listings, a new one takes the new plan', async () => {
    const before = await organizerOnTrial(t);
    await t.post('/admin/settings/plan', { ...PLAN, listings: '2', trial_days: '30', amount: '999' }, admin.cookie);
    expect(await subscriptionOf(t, before.id)).toMatchObject({ listings: 5, period_days: 60 });
    const after = await organizerOnTrial(t);
    expect(await subscriptionOf(t, after.id)).toMatchObject({ listings: 2, period_days: 30 });
    const page = await (await t.request('/organizer/subscription', { cookie: before.cookie })).text();
    expect(page).toContain('up to 5 active trips');
    expect(page).toContain('₹999 per 60 days, up to 2 active trips');
  });
});
