import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';
import { openPage, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie, addDeparture, makeBooking, makeTrip } from '../support/factories.js';

/** The booking form, the trip form, the test gateway and earnings as a person on a phone meets them. */

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(() => {
  deps = { db: e2e.server.db, clock: systemClock };
});

const day = (offset: number) => istDate(new Date(Date.now() + offset * 86_400_000));
const PHONE = '9812377777';

async function travelerCookie() {
  const id = await createUser(deps, { role: 'traveler', name: 'Asha Rao', phone: '+919812300000' });
  return { id, cookie: await sessionCookie(deps, id) };
}

/** A trip at ₹14,000 with two departures, and a signed-in traveler on its booking form. */
async function onBookingForm(javaScript: boolean) {
  const trip = await makeTrip(deps, {
    title: `Hampta Pass ${javaScript ? 'on' : 'off'}`,
    pricePaise: 1_400_000,
    capacity: 12,
    start: day(30),
    end: day(34),
  });
  const second = await addDeparture(deps, trip.tripId, { capacity: 8, start: day(60), end: day(64) });
  const me = await travelerCookie();
  const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
  await useSession(w.context, e2e.server.url, me.cookie);
  const urls: string[] = [];
  w.page.on('request', (r) => urls.push(r.url() + ' ' + (r.postData() === null ? '' : '(body)')));
  await w.page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
  return { ...w, trip, second, me, urls };
}

const total = (page: Page) => page.locator('main p', { hasText: 'Total:' }).textContent();

describe('the booking form while an update is on its way', () => {
  it('what the traveler types during a slow update is kept when the answer is swapped in', async () => {
    const w = await onBookingForm(true);
    const { page } = w;
    // The update's answer takes a second, as on a 2G link.
    await page.route('**/book/update', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.locator('input[name="age"]').fill('3');
    await page.selectOption('select[name="guests"]', '2');
    // Typed while the update is in flight: the answer carries the older "3".
    await page.locator('input[name="age"]').first().fill('31');
    await page.locator('textarea[name="requests"]').fill('Vegetarian meals');
    await page.locator('#guests fieldset').nth(1).waitFor();
    await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'));
    expect(await total(page)).toContain('₹28,000 for 2 guests');
    expect(await page.locator('input[name="age"]').first().inputValue()).toBe('31');
    expect(await page.locator('textarea[name="requests"]').inputValue()).toBe('Vegetarian meals');
    expect(await page.locator('input[name="age"]').nth(1).inputValue()).toBe('');
    await w.close();
  });
});

describe('the booking form with a keyboard (JavaScript on)', () => {
  it('changing the number of guests with the keyboard leaves the focus on the guests select', async () => {
    const w = await onBookingForm(true);
    const { page } = w;
    await page.locator('select[name="guests"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('#guests fieldset').nth(1).waitFor();
    await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'));
    await expect.poll(() => total(page)).toContain('₹28,000 for 2 guests');
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe('guests');
    // And the next Tab goes on from there, not from the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('guest-0-name');
    await w.close();
  });
});

describe.each([
  ['on', true],
  ['off', false],
])('the booking form with JavaScript %s (360×640)', (label, javaScript) => {
  const update = async (page: Page) => {
    if (!javaScript)
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'Update the guest list' }).click(),
      ]);
    // With JS the change itself posted the form: wait until htmx has swapped its answer in, so
    // what is typed next is not replaced by a late swap.
    else
      await page.waitForFunction(
        () => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added'),
      );
  };

  it('changing the number of guests keeps what was typed, updates the total and puts no personal data in a URL', async () => {
    const w = await onBookingForm(javaScript);
    const { page } = w;
    await page.locator('input[name="age"]').fill('31');
    await page.locator('textarea[name="requests"]').fill('Vegetarian meals');
    expect(await total(page)).toContain('₹14,000 for 1 guest');
    await page.selectOption('select[name="guests"]', '2');
    await update(page);
    await page.locator('#guests fieldset').nth(1).waitFor();
    await expect.poll(() => total(page)).toContain('₹28,000 for 2 guests');
    expect(await page.locator('input[name="age"]').first().inputValue()).toBe('31');
    expect(await page.locator('textarea[name="requests"]').inputValue()).toBe('Vegetarian meals');
    const guest2 = page.locator('#guests fieldset').nth(1);
    await guest2.locator('input[name="name"]').fill('Vikram Rao');
    await guest2.locator('input[name="phone"]').fill(PHONE);
    await page.selectOption('select[name="guests"]', '3');
    await update(page);
    await page.locator('#guests fieldset').nth(2).waitFor();
    await expect.poll(() => total(page)).toContain('₹42,000 for 3 guests');
    expect(await page.locator('#guests fieldset').nth(1).locator('input[name="phone"]').inputValue()).toBe(PHONE);
    // Neither the address bar nor any request line carries a name or a phone number.
    for (const u of [page.url(), ...w.urls]) expect(u).not.toMatch(/Vikram|Asha|9812/);
    await w.close();
  });

  it('changing the date keeps the form and what was typed, with the new date chosen', async () => {
    const w = await onBookingForm(javaScript);
    const { page } = w;
    await page.selectOption('select[name="guests"]', '2');
    await update(page);
    await page.locator('#guests fieldset').nth(1).waitFor();
    await page.locator('#guests fieldset').nth(1).locator('input[name="name"]').fill('Vikram Rao');
    await page.locator('#guests fieldset').nth(1).locator('input[name="phone"]').fill(PHONE);
    await page.selectOption('select[name="departure"]', String(w.second));
    await update(page);
    await expect.poll(() => page.locator('h1').count()).toBe(1);
    await expect.poll(() => page.locator('select[name="departure"]').inputValue()).toBe(String(w.second));
    expect(await page.locator('#guests fieldset').nth(1).locator('input[name="name"]').inputValue()).toBe('Vikram Rao');
    expect(await page.locator('#guests fieldset').nth(1).locator('input[name="phone"]').inputValue()).toBe(PHONE);
    expect(await total(page)).toContain('₹28,000 for 2 guests');
    for (const u of [page.url(), ...w.urls]) expect(u).not.toMatch(/Vikram|Asha|9812/);
    // And the seats are held on the chosen date.
    await page.locator('#guests fieldset').nth(0).locator('input[name="age"]').fill('31');
    await page.locator('#guests fieldset').nth(1).locator('input[name="age"]').fill('34');
    await Promise.all([
      page.waitForURL(/\/bookings\/\d+\/pay$/),
      page.getByRole('button', { name: 'Hold my seats' }).click(),
    ]);
    const b = await e2e.server.db
      .selectFrom('bookings')
      .select(['departure_id', 'guests', 'amount_paise'])
      .where('user_id', '=', w.me.id)
      .executeTakeFirstOrThrow();
    expect(b).toEqual({ departure_id: w.second, guests: 2, amount_paise: 2_800_000 });
    await w.close();
  });

  it('a 3-guest form sent back with errors opens on a focused summary that links to each field', async () => {
    const w = await onBookingForm(javaScript);
    const { page } = w;
    await page.selectOption('select[name="guests"]', '3');
    await update(page);
    await page.locator('#guests fieldset').nth(2).waitFor();
    await page.locator('#guests fieldset').nth(0).locator('input[name="age"]').fill('31');
    // What the browser lets through but the server refuses: a one-letter name and a short number.
    for (const i of [1, 2]) {
      const g = page.locator('#guests fieldset').nth(i);
      await g.locator('input[name="name"]').fill('V');
      await g.locator('input[name="phone"]').fill('12345');
      await g.locator('input[name="age"]').fill('30');
    }
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Hold my seats' }).click()]);
    const summary = page.locator('#error-summary');
    await summary.waitFor();
    expect(await summary.locator('h2').textContent()).toBe('Please fix 4 things');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    const box = await summary.locator('h2').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(640);
    const targets = await summary.locator('a').evaluateAll((as) =>
      as.map((a) => {
        const id = a.getAttribute('href')!.slice(1);
        return { id, exists: document.getElementById(id) !== null };
      }),
    );
    expect(targets).toEqual(
      ['guest-1-name', 'guest-1-phone', 'guest-2-name', 'guest-2-phone'].map((id) => ({ id, exists: true })),
    );
    // The link takes the traveler to the field itself, far below the first screen.
    await summary.locator('a').nth(3).click();
    await expect
      .poll(async () => {
        const b = await page.locator('#guest-2-phone').boundingBox();
        return b !== null && b.y >= 0 && b.y + b.height <= 640;
      })
      .toBe(true);
    await w.close();
  });
});

describe('the trip form (360×640)', () => {
  it('Enter in the title saves the trip instead of adding an empty departure', async () => {
    const org = await createUser(deps, { role: 'organizer', name: 'Enter Key Treks' });
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, org));
    const { page } = w;
    await page.goto('/organizer/trips/new');
    await page.fill('textarea[name="description"]', 'Two days up to the Kuari pass.');
    await page.fill('input[name="destination"]', 'Joshimath');
    await page.selectOption('select[name="region"]', 'Uttarakhand');
    await page.fill('input[name="price"]', '6500');
    await page.fill('input[name="departures[0][start_date]"]', day(20));
    await page.fill('input[name="departures[0][end_date]"]', day(22));
    await page.fill('input[name="departures[0][capacity]"]', '10');
    await page.fill('input[name="title"]', 'Kuari Pass by Enter');
    await Promise.all([page.waitForLoadState('load'), page.press('input[name="title"]', 'Enter')]);
    expect(await page.locator('input[name="departures[1][start_date]"]').count()).toBe(0);
    const trip = await e2e.server.db
      .selectFrom('trips')
      .select(['status', 'organizer_id'])
      .where('title', '=', 'Kuari Pass by Enter')
      .executeTakeFirst();
    expect(trip).toEqual({ status: 'draft', organizer_id: org });
    await w.close();
  });
});

describe('the test gateway (360×640)', () => {
  it('after "Pay (test success)" the traveler lands back on the booking by itself', async () => {
    const trip = await makeTrip(deps, { title: 'Chopta Tungnath', pricePaise: 700_000, capacity: 6 });
    const me = await travelerCookie();
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;
    await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
    await page.locator('input[name="age"]').fill('29');
    await Promise.all([page.waitForURL(/\/pay$/), page.getByRole('button', { name: 'Hold my seats' }).click()]);
    await Promise.all([
      page.waitForURL(/\/test-gateway\/checkout\//),
      page.getByRole('button', { name: 'Pay ₹7,000 online' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(/\/bookings\/\d+$/),
      page.getByRole('button', { name: 'Pay (test success)' }).click(),
    ]);
    await expect(page.locator('#booking-status').textContent()).resolves.toBe('Confirmed');
    await w.close();
  });
});

describe('earnings (360×640)', () => {
  it('names each month as "Dec 2026", in India time', async () => {
    const org = await createUser(deps, { role: 'organizer', name: 'Month Names' });
    const trip = await makeTrip(deps, { organizerId: org, title: 'Nag Tibba', pricePaise: 300_000 });
    const traveler = await createUser(deps, { role: 'traveler' });
    const id = await makeBooking(deps, {
      trip,
      userId: traveler,
      code: 'TT-MON-AAAA',
      status: 'confirmed',
      amountPaise: 300_000,
      paymentMethod: 'upi',
      verification: 'verified',
    });
    const now = new Date().toISOString();
    // 31 Dec 2026, 20:00 UTC is already 1 Jan 2027 in India.
    await e2e.server.db
      .insertInto('payments')
      .values({
        booking_id: id,
        method: 'upi',
        amount_paise: 300_000,
        status: 'paid',
        utr: '412300000001',
        paid_at: '2026-12-31T20:00:00.000Z',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, org));
    await w.page.goto('/organizer/earnings');
    const months = await w.page.locator('main table tbody tr > :first-child').allTextContents();
    expect(months.map((m) => m.trim())).toEqual(['Jan 2027']);
    await w.close();
  });
});
