import { describe, expect, it } from 'vitest';
import { openPage, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';

const e2e = serverAndBrowser();

describe("the organizer's trip list on a phone (360×640)", () => {
  it('Edit, the status buttons, Duplicate and the participants CSV are each at least 44×44 px', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const org = await signedIn(deps, { role: 'organizer', name: 'Peak Pals' });
    await makeTrip(deps, { organizerId: org.id, title: 'Kuari Pass Draft', status: 'draft', start: '2027-04-02' });
    const booked = await makeTrip(deps, { organizerId: org.id, title: 'Har Ki Dun Valley', start: '2027-05-04' });
    const traveler = await createUser(deps, { role: 'traveler' });
    await makeBooking(deps, { trip: booked, userId: traveler, status: 'confirmed' });
    await e2e.server.db
      .updateTable('departures')
      .set({ seats_taken: 1 })
      .where('id', '=', booked.departureId)
      .execute();

    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, org.cookie);
    await w.page.goto('/organizer/trips');
    const targets = w.page.locator('main article :is(a[href], button):not(h3 a)');
    const labels = (await targets.allTextContents()).map((s) => s.trim());
    // Draft: Edit, Publish, Duplicate; published with a booking: its CSV, Edit, Deactivate, Duplicate.
    expect(labels.filter((l) => l === 'Edit')).toHaveLength(2);
    expect(labels).toEqual(expect.arrayContaining(['Publish', 'Deactivate', 'Duplicate']));
    const small: string[] = [];
    for (let i = 0; i < (await targets.count()); i++) {
      const box = await targets.nth(i).boundingBox();
      if (!box || box.width < 44 || box.height < 44)
        small.push(`${labels[i]}: ${box ? `${box.width.toFixed(1)}×${box.height.toFixed(1)}` : 'hidden'}`);
    }
    expect(small).toEqual([]);
    expect(labels.length).toBe(7);
    // The CSV link downloads the participants (not an htmx swap).
    const [download] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.locator('main article a[href$="participants.csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^participants-2027-05-04-\d+\.csv$/);
    await w.close();
  });
});
