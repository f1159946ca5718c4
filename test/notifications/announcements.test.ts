import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { channel, publish } from '../../src/live/service.js';
import { fastHub, openStream, type OpenStream } from '../live/support.js';

let t: TestApp;
const open: OpenStream[] = [];

beforeEach(async () => {
  t = await makeTestApp();
  t.clock.set('2026-12-03T06:00:00.000Z');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  t.deps.live?.stop();
  await t.close();
});

const listen = async (cookie: string) => {
  const s = await openStream(t, cookie);
  open.push(s);
  await s.waitFor((f) => f.retry !== undefined);
  return s;
};
const copiesFor = (userId: number) =>
  t.db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', 'announcement')
    .execute();

describe('announcements', () => {
  it('an admin’s announcement to organizers reaches organizers live and in their list, and no traveler', async () => {
    fastHub(t);
    const admin = await signedIn(t.deps, { role: 'admin' });
    const org = await signedIn(t.deps, { role: 'organizer' });
    const trav = await signedIn(t.deps, { role: 'traveler' });
    const [so, st] = [await listen(org.cookie), await listen(trav.cookie)];
    const res = await t.post(
      '/admin/announcements',
      {
        audience: 'organizer',
        title: 'Monsoon pause',
        body: 'List no treks above 4,000 m in July.',
        until: '2026-12-10',
      },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    const banner = await so.waitFor((f) => f.event === 'announcement');
    expect(banner.data).toContain('Monsoon pause');
    expect(Buffer.byteLength(banner.data!)).toBeLessThan(1024);
    expect(await copiesFor(org.id)).toHaveLength(1);
    expect(await copiesFor(trav.id)).toHaveLength(0);
    await publish(t.deps, { to: channel.user(trav.id), event: 'marker' });
    await st.waitFor((f) => f.event === 'marker');
    expect(st.frames.some((f) => f.event === 'announcement')).toBe(false);

    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'announcement.created').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(admin.id);
  });

  it('to everyone: every role gets a copy; the banner shows on each page until dismissed or its date passes', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const trav = await signedIn(t.deps, { role: 'traveler' });
    const org = await signedIn(t.deps, { role: 'organizer' });
    await t.post(
      '/admin/announcements',
      { audience: 'all', title: 'Maintenance', body: 'Down at 2 am.', until: '2026-12-04' },
      admin.cookie,
    );
    for (const u of [admin, trav, org]) expect(await copiesFor(u.id)).toHaveLength(1);
    const page = async (cookie: string) => (await t.request('/trips', { cookie })).text();
    expect(await page(trav.cookie)).toContain('Maintenance');
    expect(await page(org.cookie)).toContain('Maintenance');
    const [copy] = await copiesFor(trav.id);
    const dismissed = await t.post(`/announcements/${copy.announcement_id}/dismiss`, {}, trav.cookie, {
      Referer: 'http://localhost:3000/trips',
    });
    expect(dismissed.headers.get('Location')).toBe('/trips');
    expect(await page(trav.cookie)).not.toContain('Maintenance');
    expect((await copiesFor(trav.id))[0].read_at).not.toBeNull();
    // Past its date (the end of 4 Dec in India), nobody sees the banner; the copy stays in the list.
    t.clock.set('2026-12-04T18:31:00.000Z');
    expect(await page(org.cookie)).not.toContain('Down at 2 am.');
    expect(await (await t.request('/notifications', { cookie: org.cookie })).text()).toContain('Maintenance');
  });

  it('a bad form is shown again with messages next to the fields, and nothing is sent', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const res = await t.post(
      '/admin/announcements',
      { audience: 'pilots', title: '', body: 'x', until: '2026-12-01' },
      admin.cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Choose who it is for.');
    expect(html).toContain('Give it a title.');
    const past = await t.post(
      '/admin/announcements',
      { audience: 'all', title: 'Old', body: 'x', until: '2026-12-01' },
      admin.cookie,
    );
    expect(past.status).toBe(422);
    expect(await past.text()).toContain('Choose a date from today on.');
    expect(await t.db.selectFrom('announcements').selectAll().execute()).toHaveLength(0);
  });
});
