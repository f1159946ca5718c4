import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { ORIGIN, makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { recordingDb } from '../support/sql-log.js';
import { putSetting } from '../../src/lib/settings.js';

/**
 * A page's service reads the settings it needs and the layout reads the platform's name and
 * contact: one read of the settings table serves both in one request. Counted on the real
 * database file through a Kysely that records every statement the app sends.
 */
let t: TestApp;
let logged: ReturnType<typeof recordingDb>;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  t = await makeTestApp();
  logged = recordingDb(join(t.dir, 'trektribe.db'));
  app = createApp({ ...t.deps, db: logged.db });
});
afterEach(async () => {
  await logged.db.destroy();
  await t.close();
});

/** GETs `path` and tells how many statements read the settings table. */
async function settingsReadsOf(path: string, cookie: string): Promise<number> {
  logged.seen.length = 0;
  const res = await app.request(ORIGIN + path, { headers: { Cookie: cookie } });
  expect(res.status, path).toBe(200);
  return logged.seen.filter((s) => /from "settings"/.test(s)).length;
}

describe('settings read once for one page', () => {
  it('a trip page, a booking page, its cancel and pay pages each read the settings once', async () => {
    const trip = await makeTrip(t.deps, { capacity: 10 });
    const traveler = await signedIn(t.deps);
    const booking = await makeBooking(t.deps, { trip, userId: traveler.id });
    for (const path of [
      `/trips/${trip.tripId}`,
      `/bookings/${booking}`,
      `/bookings/${booking}/cancel`,
      `/bookings/${booking}/pay`,
    ])
      expect(await settingsReadsOf(path, traveler.cookie), path).toBe(1);
  });

  it("the admin's settings page reads the settings once", async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    expect(await settingsReadsOf('/admin/settings', admin.cookie)).toBe(1);
  });

  it('the next request reads them again: a name changed in between is on the next page', async () => {
    const traveler = await signedIn(t.deps);
    const trip = await makeTrip(t.deps);
    const titleOf = async () =>
      /<title>([^<]*)<\/title>/.exec(
        await (await app.request(ORIGIN + `/trips/${trip.tripId}`, { headers: { Cookie: traveler.cookie } })).text(),
      )?.[1];
    expect(await titleOf()).toContain('TrekTribe');
    await putSetting(t.db, t.clock, 'platformName', 'Hill Walks');
    expect(await titleOf()).toContain('Hill Walks');
  });
});
