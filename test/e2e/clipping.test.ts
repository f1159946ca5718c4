import { describe, expect, it } from 'vitest';
import { openPage, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { clippedControls } from './support/clipping.js';
import { createUser, makeTrip, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';

const e2e = serverAndBrowser();

const inDays = (n: number) => istDate(new Date(Date.now() + n * 86_400_000));

describe('form controls at 360×640 (Chromium)', () => {
  it('no select shows its choice cut off and no placeholder is cut, on every page with a form', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const organizer = await createUser(deps, { role: 'organizer', name: 'Ridge Walkers' });
    await deps.db.updateTable('users').set({ org_display_name: 'Ridge Walkers' }).where('id', '=', organizer).execute();
    const traveler = await createUser(deps, { role: 'traveler', name: 'Asha Rao' });
    const trip = await makeTrip(deps, {
      organizerId: organizer,
      title: 'Kedarkantha Winter Trek',
      departures: [
        { start: inDays(20), end: inDays(25), capacity: 120 },
        { start: inDays(50), end: inDays(55), capacity: 12 },
      ],
    });
    const visits: [string, number | null][] = [
      ['/', null],
      ['/trips', null],
      [`/trips/${trip.tripId}`, null],
      [`/trips/${trip.tripId}/book`, traveler],
      ['/organizer/trips/new', organizer],
    ];
    const problems: string[] = [];
    let controls = 0;
    for (const [path, user] of visits) {
      const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
      if (user) await useSession(w.context, e2e.server.url, await sessionCookie(deps, user));
      const res = await w.page.goto(path);
      expect(res?.status(), path).toBe(200);
      controls += await w.page.locator('select, input[placeholder]').count();
      for (const p of await clippedControls(w.page)) problems.push(`${path}: ${p}`);
      await w.close();
    }
    expect(controls).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});
