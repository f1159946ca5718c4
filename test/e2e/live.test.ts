import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { openPage, screenshot, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie, makeTrip } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
});

async function signedInAs(role: 'traveler' | 'organizer', name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@example.test`;
  const id = await createUser(deps, { role, name, email, phone: '+919812300000' });
  return { id, email, cookie: await sessionCookie(deps, id) };
}

describe('live updates in Chromium (360×640)', () => {
  it('the organizer verifies a UPI payment and the traveler’s open booking page changes without a reload', async () => {
    const org = await signedInAs('organizer', 'Hill Goats');
    const trip = await makeTrip(deps, { organizerId: org.id, title: 'Hampta Pass', pricePaise: 799_900, capacity: 8 });
    const me = await signedInAs('traveler', 'Kavya Iyer');
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;

    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await page.locator('input[name="age"]').fill('29');
    await page.getByRole('button', { name: 'Hold my seats' }).click();
    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    const shot = await sharp({ create: { width: 360, height: 720, channels: 3, background: '#2b6' } })
      .png()
      .toBuffer();
    await page.locator('input[name="utr"]').fill('412398700001');
    await page
      .locator('input[name="screenshot"]')
      .setInputFiles({ name: 'gpay.png', mimeType: 'image/png', buffer: shot });
    await page.getByRole('button', { name: 'Send payment proof' }).click();
    await page.waitForURL(/\/bookings\/\d+$/);
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Payment being checked');
    // The page's stream is open before the organizer acts.
    await page.waitForFunction(() => {
      const el = document.getElementById('live');
      return !!el && el.getAttribute('sse-connect')!.includes('booking%3A');
    });
    await page.waitForTimeout(500);
    // Marks this very document: a reload or a navigation would lose it.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const bellBefore = (await page.locator('#bell-count').textContent())?.trim();

    const o = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(o.context, e2e.server.url, org.cookie);
    await o.page.goto('/organizer/verifications');
    const card = o.page.locator('article', { hasText: '412398700001' });
    await card.getByRole('button', { name: 'Verify: money received' }).click();
    await o.page.waitForURL(/\/organizer\/verifications$/);

    await page.waitForFunction(() => document.getElementById('booking-status')?.textContent === 'Confirmed', null, {
      timeout: 5000,
    });
    await expect(page.getByRole('button', { name: 'Booking pass' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // The bell counted the "payment verified" and "confirmed" notifications live too.
    await page.waitForFunction(
      (before) => document.getElementById('bell-count')?.textContent?.trim() !== before,
      bellBefore,
    );
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'live-booking-confirmed');
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
    await o.close();
  });

  it('a traveler books and the organizer’s open dashboard shows the booking without a reload', async () => {
    const org = await signedInAs('organizer', 'Valley Walkers');
    const trip = await makeTrip(deps, { organizerId: org.id, title: 'Kuari Pass', pricePaise: 650_000, capacity: 8 });
    const o = await openPage(e2e.browser, e2e.server.url);
    await useSession(o.context, e2e.server.url, org.cookie);
    await o.page.goto('/dashboard/organizer');
    await expect(o.page.locator('#widget-newBookings strong').textContent()).resolves.toBe('0');
    await o.page.waitForFunction(() => !!document.getElementById('live')?.getAttribute('sse-connect'));
    await o.page.waitForTimeout(500);
    await o.page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    const me = await signedInAs('traveler', 'Meera Nair');
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, me.cookie);
    await w.page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await w.page.locator('input[name="age"]').fill('31');
    await w.page.getByRole('button', { name: 'Hold my seats' }).click();
    await w.page.waitForURL(/\/bookings\/\d+\/pay$/);
    const bookingId = Number(/\/bookings\/(\d+)\/pay$/.exec(w.page.url())![1]);
    const { code } = await deps.db
      .selectFrom('bookings')
      .select('code')
      .where('id', '=', bookingId)
      .executeTakeFirstOrThrow();

    await o.page.waitForFunction((c) => document.getElementById('widget-newBookings')?.textContent?.includes(c), code, {
      timeout: 5000,
    });
    await expect(o.page.locator('#widget-newBookings strong').textContent()).resolves.toBe('1');
    expect(await o.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await hasHorizontalScroll(o.page)).toBe(false);
    expect(o.errors).toEqual([]);
    await o.close();
    await w.close();
  });

  it('with JavaScript off, /notifications lists, marks read and marks all read', async () => {
    const me = await signedInAs('traveler', 'Rohan Das');
    for (const [subject, path] of [
      ['Your trek starts tomorrow', '/bookings/1'],
      ['Payment verified', '/bookings/2'],
    ])
      await deps.db.transaction().execute((trx) =>
        enqueue(
          trx,
          { clock: deps.clock, config: { publicUrl: e2e.server.url } },
          {
            channel: 'email',
            to: me.email,
            template: 'trip-reminder',
            subject,
            text: `About your trek.\n\n${e2e.server.url}${path}`,
          },
        ),
      );
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;
    await page.goto('/');
    await expect(page.locator('#bell-count .count').textContent()).resolves.toBe('2');
    await page.locator('li.bell a').click();
    await page.waitForURL(/\/notifications$/);
    await expect(page.locator('ul.notifications li').count()).resolves.toBe(2);
    await expect(page.locator('a[href="/bookings/1"]').textContent()).resolves.toBe('Your trek starts tomorrow');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'live-notifications');
    await page.locator('li.unread', { hasText: 'Payment verified' }).getByRole('button', { name: 'Mark read' }).click();
    await page.waitForURL(/\/notifications$/);
    await expect(page.locator('#bell-count .count').textContent()).resolves.toBe('1');
    await expect(page.locator('li.unread').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.waitForURL(/\/notifications$/);
    await expect(page.locator('li.unread').count()).resolves.toBe(0);
    await expect(page.locator('#bell-count .count').isVisible()).resolves.toBe(false);
    await page.goto('/notifications/settings');
    // Each kind sits under its topic's choice, one tap further.
    await page.locator('#topic-trips-h ~ details summary').click();
    await page.getByRole('checkbox', { name: 'Trip reminders: SMS' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/notifications\/settings$/);
    await expect(page.getByRole('checkbox', { name: 'Trip reminders: SMS' }).isChecked()).resolves.toBe(false);
    await expect(page.getByRole('checkbox', { name: 'Trip reminders: Email' }).isChecked()).resolves.toBe(true);
    await w.close();
  });
});
