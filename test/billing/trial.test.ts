import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { DAY } from '../../src/lib/clock.js';
import { openDatabase } from '../../src/db.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { startTrial } from '../../src/billing/trial.js';
import { putSetting } from '../../src/lib/settings.js';
import { accountsApp, fromIp, PASSWORD, register, signIn } from '../auth/helpers.js';
import { subscriptionCount, subscriptionOf } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

async function organizerWithPassword() {
  const email = `org-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const id = await createUser(t.deps, { role: 'organizer', email, password_hash: await hashPassword(PASSWORD) });
  return { id, email };
}

describe('the free trial', () => {
  it('starts when an organizer registers (registering signs them in), for 60 days, on the plan’s listings', async () => {
    const { person, res } = await register(t, { role: 'organizer' });
    expect(res.status).toBe(303);
    const user = await t.db.selectFrom('users').selectAll().where('email', '=', person.email).executeTakeFirstOrThrow();
    const sub = await subscriptionOf(t, user.id);
    expect(sub).toMatchObject({
      status: 'trial',
      amount_paise: 0,
      period_days: 60,
      listings: 5,
      next_charge_at: null,
      current_period_start: t.clock.now().toISOString(),
    });
    expect(Date.parse(sub!.trial_ends_at) - t.clock.now().getTime()).toBe(60 * DAY);
    expect(sub!.current_period_end).toBe(sub!.trial_ends_at);
    expect(user.first_organizer_login_at).toBe(t.clock.now().toISOString());
  });

  it('starts at the first password sign-in and is not restarted by later ones', async () => {
    const o = await organizerWithPassword();
    expect(await subscriptionOf(t, o.id)).toBeUndefined();
    await signIn(t, o.email);
    const first = await subscriptionOf(t, o.id);
    t.clock.advance(10 * DAY);
    await signIn(t, o.email);
    expect(await subscriptionOf(t, o.id)).toEqual(first);
  });

  it('follows the trial length setting', async () => {
    await putSetting(t.db, t.clock, 'trialDays', 14);
    const o = await organizerWithPassword();
    await signIn(t, o.email);
    expect(Date.parse((await subscriptionOf(t, o.id))!.trial_ends_at) - t.clock.now().getTime()).toBe(14 * DAY);
  });

  it('is not started for travelers', async () => {
    const { person } = await register(t, { role: 'traveler' });
    const user = await t.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', person.email)
      .executeTakeFirstOrThrow();
    expect(await subscriptionCount(t, user.id)).toBe(0);
  });

  it('two first sign-ins at the same moment start one trial', async () => {
    const o = await organizerWithPassword();
    const [a, b] = await Promise.all([
      t.post('/login', { email: o.email, password: PASSWORD }, undefined, fromIp('10.0.0.7')),
      t.post('/login', { email: o.email, password: PASSWORD }, undefined, fromIp('10.0.0.8')),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await subscriptionCount(t, o.id)).toBe(1);
  });

  it('two processes starting the same trial at once make one subscription (the unique organizer decides)', async () => {
    const id = await createUser(t.deps, { role: 'organizer' });
    const other = openDatabase(join(t.dir, 'trektribe.db'));
    try {
      const made = await Promise.all([
        startTrial(t.db, t.clock, id),
        startTrial(other.db, t.clock, id),
        startTrial(t.db, t.clock, id),
        startTrial(other.db, t.clock, id),
      ]);
      expect(made.filter(Boolean)).toHaveLength(1);
      expect(await subscriptionCount(t, id)).toBe(1);
    } finally {
      await other.db.destroy();
    }
  });
});
