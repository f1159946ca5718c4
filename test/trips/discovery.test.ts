import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, signedIn, makeTrip, type TripFields } from '../support/factories.js';

let t: TestApp;
let orgId: number;
beforeAll(async () => {
  t = await makeTestApp();
  orgId = await createUser(t.deps, { role: 'organizer', name: 'Himalayan Hikers' });
});
afterAll(() => t.close());

const status = async (path: string, cookie?: string) => (await t.request(path, { cookie })).status;
const listed = async (path: string, title: string) => (await (await t.request(path)).text()).includes(title);

describe('what the public sees', () => {
  it('an active trip of an active organizer with a future departure is public everywhere', async () => {
    const id = (await makeTrip(t.deps, { organizerId: orgId, title: 'Public Pass Trek', categories: ['lakes'] }))
      .tripId;
    expect(await status(`/trips/${id}`)).toBe(200);
    expect(await listed('/trips', 'Public Pass Trek')).toBe(true);
    expect(await listed('/', 'Public Pass Trek')).toBe(true);
    expect(await listed(`/organizers/${orgId}`, 'Public Pass Trek')).toBe(true);
    expect(await listed('/', 'href="/trips?category=lakes"')).toBe(true);
  });

  const hidden: [string, TripFields][] = [
    ['a draft', { status: 'draft' }],
    ['an inactive trip', { status: 'inactive' }],
    ['a cancelled trip', { status: 'cancelled' }],
    ['a completed trip', { status: 'completed' }],
    ['a trip whose departures have all started', { departures: [{ start: '2026-11-24', end: '2026-11-28' }] }],
    ['a trip whose only departure is cancelled', { departures: [{ start: '2027-01-05', status: 'cancelled' }] }],
  ];
  for (const [what, spec] of hidden) {
    it(`${what} answers 404 to the public, is in no list, and stays visible to its owner`, async () => {
      const owner = await signedIn(t.deps, { role: 'organizer' });
      const title = `Hidden ${what}`;
      const id = (await makeTrip(t.deps, { organizerId: owner.id, ...spec, title })).tripId;
      expect(await status(`/trips/${id}`)).toBe(404);
      const traveler = await signedIn(t.deps, { role: 'traveler' });
      expect(await status(`/trips/${id}`, traveler.cookie)).toBe(404);
      expect(await listed(`/trips?q=${encodeURIComponent('Hidden')}`, title)).toBe(false);
      expect(await listed('/', title)).toBe(false);
      const own = await t.request(`/trips/${id}`, { cookie: owner.cookie });
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('Only you can see this page');
    });
  }

  it('trips of a deactivated organizer disappear, and so does their page', async () => {
    const gone = await createUser(t.deps, { role: 'organizer' });
    const id = (await makeTrip(t.deps, { organizerId: gone, title: 'Orphaned Ridge Walk' })).tripId;
    expect(await status(`/trips/${id}`)).toBe(200);
    await t.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', gone).execute();
    expect(await status(`/trips/${id}`)).toBe(404);
    expect(await listed('/trips?q=orphaned', 'Orphaned Ridge Walk')).toBe(false);
    expect(await status(`/organizers/${gone}`)).toBe(404);
  });

  it('travelers and unknown ids get 404 for organizer pages that are not organizers', async () => {
    const traveler = await createUser(t.deps, { role: 'traveler' });
    expect(await status(`/organizers/${traveler}`)).toBe(404);
    expect(await status('/organizers/999999')).toBe(404);
    expect(await status('/trips/999999')).toBe(404);
    expect(await status('/trips/not-a-number')).toBe(404);
  });
});

describe('the trip page', () => {
  it('lists upcoming departures with seats left and a Book link each; a full one links to its waitlist instead', async () => {
    const id = (
      await makeTrip(t.deps, {
        organizerId: orgId,
        title: 'Goechala Trek',
        pricePaise: 18_500_00,
        departures: [
          { start: '2026-12-01', end: '2026-12-08', capacity: 20, taken: 5 },
          { start: '2026-12-15', end: '2026-12-22', capacity: 10, taken: 10 },
          { start: '2026-11-01', end: '2026-11-08', capacity: 10 },
        ],
      })
    ).tripId;
    const deps = await t.db
      .selectFrom('departures')
      .select(['id', 'start_date'])
      .where('trip_id', '=', id)
      .orderBy('start_date')
      .execute();
    const html = await (await t.request(`/trips/${id}`)).text();
    expect(html).toContain('1 Dec 2026 – 8 Dec 2026');
    expect(html).toContain('15 seats left');
    expect(html).toContain(`href="/trips/${id}/book?departure=${deps[1].id}"`);
    expect(html).toContain('Full');
    expect(html).toContain(`href="/trips/${id}/book?departure=${deps[2].id}">Join the waitlist`);
    expect(html).not.toContain(`href="/trips/${id}/book?departure=${deps[2].id}">Book this date`);
    expect(html).not.toContain('1 Nov 2026');
    expect(html).toContain('₹18,500');
    expect(html).toContain(`href="/organizers/${orgId}"`);
    expect(html).toContain('<meta property="og:title" content="Goechala Trek"/>');
    expect(html).toContain(`<meta property="og:url" content="http://localhost:3000/trips/${id}"/>`);
  });

  it('the owner sees an edit link; others do not', async () => {
    const owner = await signedIn(t.deps, { role: 'organizer' });
    const id = (await makeTrip(t.deps, { organizerId: owner.id })).tripId;
    expect(await (await t.request(`/trips/${id}`, { cookie: owner.cookie })).text()).toContain(
      `/organizer/trips/${id}/edit`,
    );
    expect(await (await t.request(`/trips/${id}`)).text()).not.toContain(`/organizer/trips/${id}/edit`);
  });
});
