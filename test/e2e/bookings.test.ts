import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { openPage, screenshot, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie, makeTrip } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
});

/** A user signed in by a session row in the server's own database and its cookie. */
async function signedInAs(role: 'traveler' | 'organizer', name: string) {
  const id = await createUser(deps, { role, name, phone: '+919812300000' });
  return { id, cookie: await sessionCookie(deps, id) };
}

const bookingsOf = (userId: number) =>
  e2e.server.db.selectFrom('bookings').selectAll().where('user_id', '=', userId).execute();

describe('booking and paying in Chromium (360×640)', () => {
  it('a traveler books 2 guests and pays online on the test gateway', async () => {
    const trip = await makeTrip(deps, { title: 'Kedarkantha Winter', pricePaise: 1_150_000, capacity: 12 });
    const me = await signedInAs('traveler', 'Asha Rao');
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;

    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Book Kedarkantha Winter');
    expect(await page.locator('#guests fieldset').count()).toBe(1);
    await page.selectOption('select[name="guests"]', '2');
    await page.locator('#guests fieldset').nth(1).waitFor();
    const guests = page.locator('#guests fieldset');
    await guests.nth(0).locator('input[name="age"]').fill('31');
    await guests.nth(1).locator('input[name="name"]').fill('Vikram Rao');
    await guests.nth(1).locator('input[name="phone"]').fill('9812311111');
    await guests.nth(1).locator('input[name="age"]').fill('34');
    await guests.nth(1).locator('input[name="diet"]').fill('vegan');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'bookings-form');
    await page.getByRole('button', { name: 'Hold my seats' }).click();

    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Pay ₹23,000');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'bookings-pay');
    await page.getByRole('button', { name: 'Pay ₹23,000 online' }).click();

    await page.waitForURL(/\/test-gateway\/checkout\//);
    await page.getByRole('button', { name: 'Pay (test success)' }).click();

    await page.waitForURL(/\/bookings\/\d+$/);
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Confirmed');
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain('is confirmed');
    const [b] = await bookingsOf(me.id);
    expect(b).toMatchObject({ status: 'confirmed', payment_status: 'paid', guests: 2, amount_paise: 2_300_000 });
    const people = await e2e.server.db
      .selectFrom('booking_participants')
      .select(['name', 'phone', 'age', 'dietary'])
      .where('booking_id', '=', b.id)
      .orderBy('position')
      .execute();
    expect(people).toEqual([
      { name: 'Asha Rao', phone: '+919812300000', age: 31, dietary: '' },
      { name: 'Vikram Rao', phone: '+919812311111', age: 34, dietary: 'vegan' },
    ]);
    await page.getByRole('button', { name: 'Booking pass' }).click();
    await page.waitForURL(/\/pass$/);
    await expect(page.locator('h2').first().textContent()).resolves.toBe(b.code);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('another traveler pays by UPI proof with JavaScript off, and the organizer verifies it', async () => {
    const org = await signedInAs('organizer', 'Hill Goats');
    const trip = await makeTrip(deps, {
      organizerId: org.id,
      title: 'Brahmatal Lake',
      pricePaise: 899_900,
      capacity: 8,
    });
    const me = await signedInAs('traveler', 'Meera Nair');
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;

    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await page.locator('input[name="age"]').fill('28');
    await page.getByRole('button', { name: 'Hold my seats' }).click();
    await page.waitForURL(/\/bookings\/\d+\/pay$/);
    const [held] = await bookingsOf(me.id);
    await expect(page.locator(`a[href^="upi://pay?pa=organizer%40okaxis"]`).getAttribute('href')).resolves.toContain(
      `tn=${held.code}`,
    );
    const qr = await page.locator('img[src$="/upi-qr.svg"]').evaluate((img: HTMLImageElement) => img.naturalWidth);
    expect(qr).toBeGreaterThan(0);

    const shot = await sharp({ create: { width: 360, height: 720, channels: 3, background: '#2b6' } })
      .png()
      .toBuffer();
    await page.locator('input[name="utr"]').fill('412398765432');
    await page
      .locator('input[name="screenshot"]')
      .setInputFiles({ name: 'gpay.png', mimeType: 'image/png', buffer: shot });
    await page.getByRole('button', { name: 'Send payment proof' }).click();
    await page.waitForURL(/\/bookings\/\d+$/);
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Payment being checked');
    expect(await hasHorizontalScroll(page)).toBe(false);

    const o = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(o.context, e2e.server.url, org.cookie);
    await o.page.goto('/organizer/verifications');
    const card = o.page.locator('article', { hasText: '412398765432' });
    await expect(card.textContent()).resolves.toContain('Meera Nair');
    expect(await card.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await hasHorizontalScroll(o.page)).toBe(false);
    await screenshot(o.page, 'bookings-verifications');
    await card.getByRole('button', { name: 'Verify: money received' }).click();
    await o.page.waitForURL(/\/organizer\/verifications$/);
    await expect(o.page.locator('.flash.ok').textContent()).resolves.toContain('Payment verified');

    await page.reload();
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Confirmed');
    const [b] = await bookingsOf(me.id);
    expect(b).toMatchObject({ status: 'confirmed', payment_method: 'upi', verification_status: 'verified' });
    expect(w.offHost).toEqual([]);
    expect(o.offHost).toEqual([]);
    await w.close();
    await o.close();
  });
});
