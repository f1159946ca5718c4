import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { takeBackup } from '../../src/backups/service.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const HOUR = 3_600_000;
const text = async (res: Response) => (await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const deep = async () => {
  const res = await t.request('/healthz?deep=1');
  return { status: res.status, body: (await res.json()) as { status: string; db: string; backup: string } };
};

describe('/admin/system and /healthz?deep=1', () => {
  it('show the database, disk, newest backup and its freshness, the outbox and every job; only admins see the page', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const fresh = await text(await t.request('/admin/system', { cookie: admin.cookie }));
    expect(fresh).toMatch(/Version \S+, up \d+ min/);
    expect(fresh).toMatch(/Database [\d.]+ (KB|MB), its write-ahead log [\d.]+ (B|KB|MB)/);
    expect(fresh).toMatch(/[\d.]+ (MB|GB) free of [\d.]+ (MB|GB) where the data lives/);
    expect(fresh).toContain('No backup has been taken yet.');
    expect(fresh).toContain('0 waiting, 0 sending, 0 failed.');
    expect(fresh).toMatch(/backups\.nightly ?: not run yet/);
    // Set up moments ago: no backup yet is no alarm for a monitor.
    expect(await deep()).toMatchObject({ status: 200, body: { status: 'ok', db: 'ok', backup: 'ok' } });
    for (const role of ['traveler', 'organizer', 'agent'] as const) {
      const other = await signedIn(t.deps, { role });
      expect((await t.request('/admin/system', { cookie: other.cookie })).status, role).toBe(403);
    }

    // Two days after setting up, still no backup: the monitor is told.
    t.clock.set(new Date(Date.now() + 48 * HOUR));
    expect(await deep()).toMatchObject({ status: 503, body: { status: 'error', db: 'ok', backup: 'none' } });
    // The plain check stays cheap and says nothing of backups.
    const plain = await t.request('/healthz');
    expect(plain.status).toBe(200);
    expect(await plain.json()).not.toHaveProperty('backup');

    await takeBackup(t.deps);
    const backedUp = await text(
      await t.request('/admin/system', { cookie: (await signedIn(t.deps, { role: 'admin' })).cookie }),
    );
    expect(backedUp).not.toContain('No backup has been taken yet.');
    expect(backedUp).toMatch(/Newest: .+, [\d.]+ (KB|MB), in .*backups/);
    t.clock.advance(2_000);
    expect(await deep()).toMatchObject({ status: 200, body: { backup: 'ok' } });

    // 37 hours on, the nightly backup has not run: the page warns, the deep check fails.
    t.clock.advance(37 * HOUR);
    const stale = await text(
      await t.request('/admin/system', { cookie: (await signedIn(t.deps, { role: 'admin' })).cookie }),
    );
    expect(stale).toContain('The newest backup is 37 hours old: the nightly one has not run.');
    expect(await deep()).toMatchObject({ status: 503, body: { backup: 'stale' } });
  });
});
