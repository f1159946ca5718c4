import { describe, expect, it } from 'vitest';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';
import { startTrial } from '../../src/billing/trial.js';
import { channel, publish } from '../../src/live/service.js';

const e2e = serverAndBrowser();

const inDays = (n: number) => istDate(new Date(Date.now() + n * 86_400_000));

/**
 * An organizer as on the demo data: five treks starting this week with no seat taken (five
 * "filling slowly" nags), two UPI payments to verify (one past its deadline), new bookings.
 */
async function seedOrganizer() {
  const deps = { db: e2e.server.db, clock: systemClock };
  const organizer = await createUser(deps, { role: 'organizer', name: 'Ridge Walkers' });
  const traveler = await createUser(deps, { role: 'traveler', name: 'Asha Rao' });
  await startTrial(deps.db, deps.clock, organizer);
  const titles = ['Kedarkantha Winter Trek', 'Hampta Pass', 'Brahmatal', 'Rajmachi Fort', 'Valley of Flowers'];
  const trips: Awaited<ReturnType<typeof makeTrip>>[] = [];
  for (const [i, title] of titles.entries())
    trips.push(
      await makeTrip(deps, {
        organizerId: organizer,
        title,
        departures: [
          { start: inDays(2 + i), end: inDays(6 + i), capacity: 12 + i },
          { start: inDays(60 + i), end: inDays(64 + i), capacity: 20 },
        ],
      }),
    );
  const later = (t: (typeof trips)[number]) => ({ ...t, departureId: t.departureIds[1] });
  for (const t of trips.slice(0, 3)) await makeBooking(deps, { trip: later(t), userId: traveler, status: 'confirmed' });
  const now = new Date().toISOString();
  for (const [i, due] of [-3_600_000, 3_600_000].entries()) {
    const booking = await makeBooking(deps, {
      trip: later(trips[3 + i]),
      userId: traveler,
      paymentMethod: 'upi',
      verification: 'pending',
      holdExpiresAt: new Date(Date.now() + due).toISOString(),
    });
    await e2e.server.db
      .insertInto('upi_proofs')
      .values({
        booking_id: booking,
        utr: `49876543210${i}`,
        screenshot_key: 'nothing',
        screenshot_width: 640,
        screenshot_height: 1280,
        amount_paise: 1_200_000,
        created_at: now,
      })
      .execute();
  }
  return { organizer: await sessionCookie(deps, organizer), traveler: await sessionCookie(deps, traveler) };
}

const pageHeight = (w: { page: import('playwright-core').Page }) =>
  w.page.evaluate(() => document.documentElement.scrollHeight);

describe('the organizer on a phone (Chromium, 360×640; JavaScript off but for the live test)', () => {
  it('the dashboard puts the work to do first and folds the slow-filling departures into one closed <details>', async () => {
    const cookies = await seedOrganizer();
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, cookies.organizer);
    const res = await w.page.goto('/dashboard');
    expect(res?.status()).toBe(200);
    const height = await pageHeight(w);
    const order = await w.page.evaluate(() =>
      Array.from(document.querySelectorAll('main section[id^="widget-"]')).map((s) => s.id.slice('widget-'.length)),
    );
    const verifyTop = await w.page.evaluate(
      () => document.querySelector('#widget-verifications')!.getBoundingClientRect().top + window.scrollY,
    );
    console.log(`organizer dashboard at 360×640: ${height} px tall; "Payments to verify" at ${verifyTop} px`);
    const parts = await w.page.evaluate(() =>
      Array.from(document.querySelectorAll('main > *, main > * > *')).map(
        (e) => `${e.tagName.toLowerCase()}#${e.id}:${Math.round(e.getBoundingClientRect().height)}`,
      ),
    );
    console.log(`widget order: ${order.join(', ')}; heights: ${parts.join(' ')}`);
    await screenshot(w.page, 'organizer-dashboard-phone');

    // What needs action comes before everything that only reports.
    const action = ['verifications', 'alerts', 'newBookings'];
    const report = ['departures', 'trips', 'earnings', 'subscription'];
    const last = Math.max(...action.map((n) => order.indexOf(n)));
    for (const n of report) expect(order.indexOf(n), n).toBeGreaterThan(last);
    expect(order[0]).toBe('verifications');
    // Payments to verify start on the first screen.
    expect(verifyTop).toBeLessThan(640);
    await expect(w.page.locator('#widget-verifications').textContent()).resolves.toContain('2 UPI payments wait');
    // The overdue payment stays in sight; the five nags are one closed line.
    await expect(w.page.locator('#widget-alerts > ul').textContent()).resolves.toContain('is past its deadline');
    const slow = w.page.locator('#filling-slowly');
    await expect(slow.locator('summary').textContent()).resolves.toBe('5 departures are filling slowly');
    await expect(slow.getAttribute('open')).resolves.toBeNull();
    await expect(slow.locator('li').first().isVisible()).resolves.toBe(false);
    await slow.locator('summary').click();
    expect(await slow.locator('li').count()).toBe(5);
    await expect(slow.locator('li').first().isVisible()).resolves.toBe(true);
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await w.check();
    expect(height).toBeLessThan(3500);
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('the notification settings are one choice per topic, each kind one tap further, and a choice saves with JavaScript off', async () => {
    const cookies = await seedOrganizer();
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, cookies.traveler);
    await w.page.goto('/notifications/settings');
    const height = await pageHeight(w);
    const boxes = await w.page.locator('input[type="checkbox"]:visible').count();
    console.log(`traveler notification settings at 360×640: ${height} px tall, ${boxes} checkboxes in sight`);
    await screenshot(w.page, 'notification-settings-phone');
    expect(boxes).toBe(0);
    expect(await w.page.locator('select[name="group"]').count()).toBe(5);
    expect(height).toBeLessThan(1600);

    await w.page.selectOption('#topic-trips', 'trips|inapp');
    await Promise.all([w.page.waitForURL('**/notifications/settings'), w.page.click('button[type="submit"]')]);
    await expect(w.page.locator('#topic-trips').inputValue()).resolves.toBe('trips|inapp');
    await w.page.locator('#topic-trips-h ~ details summary').click();
    await expect(w.page.locator('input[value="trip-reminder|email"]').isChecked()).resolves.toBe(false);
    await expect(w.page.locator('input[value="trip-reminder|inapp"]').isChecked()).resolves.toBe(true);
    // A must-go kind of the same topic stays on, and cannot be changed.
    await expect(w.page.locator('input[value="trip-cancelled|email"]').isChecked()).resolves.toBe(true);
    await expect(w.page.locator('input[value="trip-cancelled|email"]').isDisabled()).resolves.toBe(true);
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await w.check();
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('/dashboard itself (no redirect) keeps its widgets live: a new booking shows without a reload', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const organizer = await createUser(deps, { role: 'organizer', name: 'Valley Walkers' });
    const traveler = await createUser(deps, { role: 'traveler', name: 'Meera Nair' });
    await startTrial(deps.db, deps.clock, organizer);
    const trip = await makeTrip(deps, { organizerId: organizer, title: 'Kuari Pass', start: inDays(30), capacity: 8 });
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, organizer));
    const res = await w.page.goto('/dashboard');
    expect(res?.status()).toBe(200);
    expect(new URL(w.page.url()).pathname).toBe('/dashboard');
    await expect(w.page.locator('#widget-newBookings strong').textContent()).resolves.toBe('0');
    await w.page.waitForFunction(() => !!document.getElementById('live')?.getAttribute('sse-connect'));
    await w.page.waitForTimeout(500);
    await w.page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    const booking = await makeBooking(deps, { trip, userId: traveler, status: 'confirmed' });
    const { code } = await deps.db
      .selectFrom('bookings')
      .select('code')
      .where('id', '=', booking)
      .executeTakeFirstOrThrow();
    // What the booking flow publishes after its commit: the organizer's queue changed.
    await publish(deps, { to: channel.user(organizer), event: 'queue' });
    await w.page.waitForFunction((c) => document.getElementById('widget-newBookings')?.textContent?.includes(c), code, {
      timeout: 5000,
    });
    await expect(w.page.locator('#widget-newBookings strong').textContent()).resolves.toBe('1');
    expect(await w.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
