import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn } from '../support/factories.js';
import { DAY } from '../../src/lib/clock.js';
import { organizerOnTrial, subscriptionOf } from './support.js';

let t: TestApp;
beforeEach(async () => {
  // 25 Nov 2026, 12:00 IST.
  t = await makeTestApp();
});
afterEach(() => t.close());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const view = async (cookie: string, path = '/organizer/subscription') => {
  const res = await t.request(path, { cookie });
  expect(res.status).toBe(200);
  return text(await res.text());
};

describe('/organizer/subscription', () => {
  it('shows a new trial: days left, its end date, what happens then, the plan, no charge and no payments', async () => {
    const o = await organizerOnTrial(t);
    const page = await view(o.cookie);
    expect(page).toContain('Free trial · 60 days left');
    expect(page).toContain('Your free trial ends on 24 Jan 2027. It includes up to 5 active trips.');
    expect(page).toContain('When it ends, travelers stop seeing your trips; bookings already made stay as they are.');
    expect(page).toContain('₹1,499 per 60 days, up to 5 active trips');
    expect(page).toContain('No charge is scheduled.');
    expect(page).toContain('No payments yet.');
  });

  it('counts the days down as the clock moves, to the last day', async () => {
    const o = await organizerOnTrial(t);
    // Sessions end after 30 idle days: each look is a fresh sign-in.
    const look = async () => view(await sessionCookie(t.deps, o.id));
    t.clock.advance(57 * DAY);
    expect(await look()).toContain('Free trial · 3 days left');
    t.clock.advance(2 * DAY);
    expect(await look()).toContain('Free trial · 1 day left');
    t.clock.advance(DAY - 1);
    expect(await look()).toContain('Free trial · ends today');
    t.clock.advance(2);
    expect(await look()).toContain('Your free trial ended on 24 Jan 2027.');
  });

  it('shows an inactive subscription plainly', async () => {
    const o = await organizerOnTrial(t);
    const sub = await subscriptionOf(t, o.id);
    await t.db.updateTable('subscriptions').set({ status: 'inactive' }).where('id', '=', sub!.id).execute();
    expect(await view(o.cookie)).toContain('Inactive Travelers do not see your trips, and no trip can be published.');
  });

  it('lists the payments of the subscription from its charges', async () => {
    const o = await organizerOnTrial(t);
    const sub = await subscriptionOf(t, o.id);
    await t.db
      .insertInto('subscription_charges')
      .values({
        subscription_id: sub!.id,
        period_start: sub!.trial_ends_at,
        amount_paise: 149_900,
        status: 'paid',
        attempt: 1,
        razorpay_order_id: null,
        razorpay_payment_id: null,
        failure_reason: null,
        created_at: sub!.trial_ends_at,
        settled_at: sub!.trial_ends_at,
      })
      .execute();
    const page = await view(o.cookie);
    expect(page).toContain('24 Jan 2027 ₹1,499 Auto-pay: paid 24 Jan 2027');
    expect(page).not.toContain('No payments yet.');
  });

  it('is on the organizer’s dashboard', async () => {
    const o = await organizerOnTrial(t);
    const dash = await t.request('/dashboard/organizer', { cookie: o.cookie });
    expect(await dash.text()).toContain('href="/organizer/subscription"');
  });

  it('an admin sees an organizer’s subscription by naming them, and the plan alone otherwise', async () => {
    const o = await organizerOnTrial(t, { name: 'Himalaya Hikers' });
    const admin = await signedIn(t.deps, { role: 'admin' });
    expect(await view(admin.cookie, `/organizer/subscription?organizer=${o.id}`)).toContain(
      'Subscription of Himalaya Hikers Free trial · 60 days left',
    );
    expect(await view(admin.cookie)).toContain('No subscription yet');
    const traveler = await signedIn(t.deps, { role: 'traveler' });
    expect((await t.request(`/organizer/subscription?organizer=${traveler.id}`, { cookie: admin.cookie })).status).toBe(
      404,
    );
  });

  it('travelers and agents cannot see it', async () => {
    for (const role of ['traveler', 'agent'] as const) {
      const u = await signedIn(t.deps, { role });
      expect((await t.request('/organizer/subscription', { cookie: u.cookie })).status).toBe(403);
    }
  });
});
