import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { follow, postMultipart, tripForm } from '../trips/support.js';
import { putSetting } from '../../src/lib/settings.js';
import { organizerOnTrial, subscriptionOf } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const status = async (id: number) =>
  (await t.db.selectFrom('trips').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const activeOf = async (organizerId: number) =>
  (
    await t.db
      .selectFrom('trips')
      .select('id')
      .where('organizer_id', '=', organizerId)
      .where('status', '=', 'active')
      .execute()
  ).length;

async function atLimit(listings = 2) {
  await putSetting(t.db, t.clock, 'planListings', listings);
  const o = await organizerOnTrial(t);
  for (let i = 0; i < listings; i++) (await makeTrip(t.deps, { organizerId: o.id })).tripId;
  return o;
}

describe('the listing limit of the plan', () => {
  it('an organizer at their plan’s limit cannot publish one more trip, and is pointed to their subscription', async () => {
    const o = await atLimit(2);
    const draft = (await makeTrip(t.deps, { organizerId: o.id, status: 'draft' })).tripId;
    const res = await t.post(`/organizer/trips/${draft}/publish`, {}, o.cookie);
    expect(res.status).toBe(303);
    const page = await follow(t, res, o.cookie);
    expect(page).toContain(
      'Your plan includes 2 active trips and you have 2. Deactivate one first to publish this one. <a href="/organizer/subscription">See your plan</a>',
    );
    expect(await status(draft)).toBe('draft');
    expect(await activeOf(o.id)).toBe(2);
  });

  it('publishing from the new-trip form at the limit keeps the form, says why and links to the plan; a draft still saves', async () => {
    const o = await atLimit(1);
    const res = await postMultipart(t, '/organizer/trips/new', tripForm(), [], o.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Your plan includes 1 active trip and you have 1.');
    expect(html).toContain('<a href="/organizer/subscription">See your plan</a>');
    expect(html).toContain('value="Kedarkantha Winter Trek"');
    expect(await activeOf(o.id)).toBe(1);
    expect((await postMultipart(t, '/organizer/trips/new', tripForm({ intent: 'draft' }), [], o.cookie)).status).toBe(
      303,
    );
  });

  it('room made by deactivating a trip can be used', async () => {
    const o = await atLimit(1);
    const [first] = await t.db.selectFrom('trips').select('id').where('organizer_id', '=', o.id).execute();
    const draft = (await makeTrip(t.deps, { organizerId: o.id, status: 'draft' })).tripId;
    await t.post(`/organizer/trips/${first.id}/deactivate`, {}, o.cookie);
    await t.post(`/organizer/trips/${draft}/publish`, {}, o.cookie);
    expect(await status(draft)).toBe('active');
  });

  it('follows the running period’s snapshot, not a setting changed since', async () => {
    const o = await atLimit(2);
    await putSetting(t.db, t.clock, 'planListings', 10);
    const draft = (await makeTrip(t.deps, { organizerId: o.id, status: 'draft' })).tripId;
    await t.post(`/organizer/trips/${draft}/publish`, {}, o.cookie);
    expect(await status(draft)).toBe('draft');
  });

  it('no trip can be published while the subscription is inactive', async () => {
    const o = await organizerOnTrial(t);
    await t.db
      .updateTable('subscriptions')
      .set({ status: 'inactive' })
      .where('id', '=', (await subscriptionOf(t, o.id))!.id)
      .execute();
    const draft = (await makeTrip(t.deps, { organizerId: o.id, status: 'draft' })).tripId;
    const page = await follow(t, await t.post(`/organizer/trips/${draft}/publish`, {}, o.cookie), o.cookie);
    expect(page).toContain(
      'Your subscription is not active, so travelers cannot see your trips and no trip can be published.',
    );
    expect(await status(draft)).toBe('draft');
  });

  it('an admin publishing an organizer’s trip is held to that organizer’s plan; the admin’s own trips are not', async () => {
    const o = await atLimit(1);
    const admin = await signedIn(t.deps, { role: 'admin' });
    const theirs = (await makeTrip(t.deps, { organizerId: o.id, status: 'draft' })).tripId;
    await t.post(`/organizer/trips/${theirs}/publish`, {}, admin.cookie);
    expect(await status(theirs)).toBe('draft');
    for (let i = 0; i < 6; i++) (await makeTrip(t.deps, { organizerId: admin.id })).tripId;
    const own = (await makeTrip(t.deps, { organizerId: admin.id, status: 'draft' })).tripId;
    await t.post(`/organizer/trips/${own}/publish`, {}, admin.cookie);
    expect(await status(own)).toBe('active');
  });
});
