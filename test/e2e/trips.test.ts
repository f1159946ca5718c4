import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { signedIn } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';

const e2e = serverAndBrowser();

/** A user and a session written straight into the server's database (sign-in pages are another feature). */
const signedInCookie = async (role: 'organizer' | 'traveler', name: string) =>
  (await signedIn({ db: e2e.server.db, clock: systemClock }, { role, name })).cookie;

const day = (offset: number) => istDate(new Date(Date.now() + offset * 86_400_000));
const TITLE = 'Zorbatak Meadows Trek';

describe('trips in Chromium (360×640)', () => {
  it('an organizer creates a trip with two departures and a photo', async () => {
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, await signedInCookie('organizer', 'Meadow Guides'));
    const { page } = w;
    await page.goto('/organizer/trips/new');
    await page.fill('input[name="title"]', TITLE);
    await page.fill(
      'textarea[name="description"]',
      'Three days across the high meadows of Zorbatak, camping by a glacial stream.',
    );
    await page.fill('input[name="destination"]', 'Sankri, Uttarkashi');
    await page.selectOption('select[name="region"]', 'Uttarakhand');
    await page.fill('input[name="price"]', '8499');
    await page.selectOption('select[name="difficulty"]', 'intermediate');
    await page.check('input[name="categories"][value="camping"]');
    await page.fill('input[name="departures[0][start_date]"]', day(30));
    await page.fill('input[name="departures[0][end_date]"]', day(32));
    await page.fill('input[name="departures[0][capacity]"]', '12');
    // "Add departure" swaps in the departures section only (htmx), keeping what was typed.
    await page.click('button[value="add_departure"]');
    await page.waitForSelector('input[name="departures[1][start_date]"]');
    expect(await page.inputValue('input[name="title"]')).toBe(TITLE);
    expect(await page.inputValue('input[name="departures[0][start_date]"]')).toBe(day(30));
    await page.fill('input[name="departures[1][start_date]"]', day(60));
    await page.fill('input[name="departures[1][end_date]"]', day(62));
    await page.fill('input[name="departures[1][capacity]"]', '10');
    const photo = await sharp({
      create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 110, b: 70 } },
    })
      .jpeg()
      .toBuffer();
    await page.setInputFiles('input[name="images"]', { name: 'meadow.jpg', mimeType: 'image/jpeg', buffer: photo });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await Promise.all([page.waitForURL(/\/trips\/\d+$/), page.click('button[value="publish"]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe(TITLE);

    const trip = await e2e.server.db
      .selectFrom('trips')
      .selectAll()
      .where('title', '=', TITLE)
      .executeTakeFirstOrThrow();
    expect(trip).toMatchObject({
      status: 'active',
      price_paise: 849_900,
      region: 'Uttarakhand',
      difficulty: 'intermediate',
    });
    const deps = await e2e.server.db
      .selectFrom('departures')
      .select(['start_date', 'end_date', 'capacity'])
      .where('trip_id', '=', trip.id)
      .orderBy('start_date')
      .execute();
    expect(deps).toEqual([
      { start_date: day(30), end_date: day(32), capacity: 12 },
      { start_date: day(60), end_date: day(62), capacity: 10 },
    ]);
    const images = await e2e.server.db.selectFrom('trip_images').selectAll().where('trip_id', '=', trip.id).execute();
    expect(images).toMatchObject([{ width: 1200, height: 800, is_cover: 1 }]);
    // The photo is on the trip page and really loads.
    const img = page.locator(`img[src^="/uploads/${images[0].key}-"]`).first();
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await screenshot(page, 'trips-organizer-created');
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('with JavaScript off, photos chosen before "Add departure" are kept and saved with the trip', async () => {
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await signedInCookie('organizer', 'Ridge Walkers'));
    const { page } = w;
    const title = 'Pangarchulla Peak Climb';
    await page.goto('/organizer/trips/new');
    await page.fill('input[name="title"]', title);
    await page.fill(
      'textarea[name="description"]',
      'A steep summit day above Auli with views of Nanda Devi and Dronagiri.',
    );
    await page.fill('input[name="destination"]', 'Dhak, Chamoli');
    await page.selectOption('select[name="region"]', 'Uttarakhand');
    await page.fill('input[name="price"]', '11999');
    await page.fill('input[name="departures[0][start_date]"]', day(40));
    await page.fill('input[name="departures[0][end_date]"]', day(44));
    await page.fill('input[name="departures[0][capacity]"]', '14');
    const shot = (g: number) =>
      sharp({ create: { width: 1000, height: 700, channels: 3, background: { r: 30, g, b: 90 } } })
        .jpeg()
        .toBuffer();
    await page.setInputFiles('input[name="images"]', [
      { name: 'summit.jpg', mimeType: 'image/jpeg', buffer: await shot(60) },
      { name: 'camp.jpg', mimeType: 'image/jpeg', buffer: await shot(160) },
    ]);
    // Without JavaScript the whole form is posted and comes back; the photos come back as thumbnails.
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="add_departure"]')]);
    await page.waitForSelector('input[name="departures[1][start_date]"]');
    expect(await page.locator('input[type="hidden"][name="photos"]').count()).toBe(2);
    const thumb = page.locator('img[alt="New photo 1"]');
    await thumb.scrollIntoViewIfNeeded();
    await expect
      .poll(() => thumb.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBeGreaterThan(0);
    await page.fill('input[name="departures[1][start_date]"]', day(70));
    await page.fill('input[name="departures[1][end_date]"]', day(74));
    await page.fill('input[name="departures[1][capacity]"]', '10');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'trips-organizer-pending-photos-nojs');
    await Promise.all([page.waitForURL(/\/trips\/\d+$/), page.click('button[value="publish"]')]);

    const trip = await e2e.server.db
      .selectFrom('trips')
      .select('id')
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
    const images = await e2e.server.db
      .selectFrom('trip_images')
      .select(['width', 'height', 'is_cover'])
      .where('trip_id', '=', trip.id)
      .orderBy('position')
      .execute();
    expect(images).toEqual([
      { width: 1000, height: 700, is_cover: 1 },
      { width: 1000, height: 700, is_cover: 0 },
    ]);
    expect(
      await e2e.server.db.selectFrom('departures').select('id').where('trip_id', '=', trip.id).execute(),
    ).toHaveLength(2);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('a traveler finds it by search with JavaScript on (only the results are swapped) and opens it', async () => {
    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, await signedInCookie('traveler', 'Asha'));
    const { page } = w;
    await page.goto('/trips');
    await page.evaluate(() => document.querySelector('h1')!.setAttribute('data-marker', 'kept'));
    await page.fill('#q', 'zorbat');
    await expect.poll(() => page.url()).toBe(`${e2e.server.url}/trips?q=zorbat`);
    const card = page.locator('#results article', { hasText: TITLE });
    await card.waitFor();
    // The page itself was not reloaded: only #results changed.
    expect(await page.getAttribute('h1', 'data-marker')).toBe('kept');
    await expect(card.textContent()).resolves.toContain('₹8,499');
    await card.locator(':is(h2, h3) a').click();
    await expect.poll(() => page.url()).toMatch(/\/trips\/\d+$/);
    await expect(page.locator('h1').textContent()).resolves.toBe(TITLE);
    expect(await page.locator('#departures a[href*="/book?departure="]').count()).toBe(2);
    await expect(page.locator('#departures').textContent()).resolves.toContain('12 seats left');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await screenshot(page, 'trips-traveler-js');
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('a traveler finds it by search with JavaScript off and opens it', async () => {
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    const { page } = w;
    await page.goto('/');
    await page.fill('input[name="q"]', 'zorbatak meadows');
    await Promise.all([page.waitForURL(/\/trips\?q=zorbatak\+meadows/), page.press('input[name="q"]', 'Enter')]);
    const card = page.locator('#results article', { hasText: TITLE });
    await expect(card.textContent()).resolves.toContain('+1 more date');
    await Promise.all([page.waitForURL(/\/trips\/\d+$/), card.locator(':is(h2, h3) a').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe(TITLE);
    expect(await page.locator('#departures a[href*="/book?departure="]').count()).toBe(2);
    // Filters work as a plain GET form too.
    await page.goto('/trips?q=zorbatak&region=Sikkim');
    await expect(page.locator('#results').textContent()).resolves.toContain('No treks match');
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });
});
