import { describe, expect, it } from 'vitest';
import { randomFillSync } from 'node:crypto';
import sharp from 'sharp';
import { openPage, type WatchedPage } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { startServer } from './support/server.js';
import { makeTrip } from '../support/factories.js';
import { storeImage } from '../../src/lib/images.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';

const e2e = serverAndBrowser();

/** A photo-like JPEG (noise, which compresses like a real photo, not like a flat drawing). */
async function noisyPhoto(width = 2000, height = 1333) {
  const raw = randomFillSync(Buffer.alloc(width * height * 3));
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}

/** A public trip whose cover was stored at `widths`. */
async function tripWithPhoto(widths?: number[]) {
  const deps = { db: e2e.server.db, clock: systemClock };
  const start = istDate(new Date(Date.now() + 40 * 86_400_000));
  const trip = await makeTrip(deps, { title: 'Rupin Pass Trek', start });
  const img = await storeImage(e2e.server.dataDir, await noisyPhoto(), 'images', widths);
  await e2e.server.db
    .insertInto('trip_images')
    .values({ trip_id: trip.tripId, key: img.key, width: img.width, height: img.height, position: 0, is_cover: 1 })
    .execute();
  return { ...trip, key: img.key };
}

/** The photo widths the page actually fetched, in order. */
function fetchedWidths(w: WatchedPage, key: string): number[] {
  const seen: number[] = [];
  w.page.on('request', (r) => {
    const m = new RegExp(`/uploads/${key}-(\\d+)\\.webp$`).exec(r.url());
    if (m) seen.push(Number(m[1]));
  });
  return seen;
}

describe('photos on a 360×640 phone at 2× (Chromium)', () => {
  it('the trip page fetches the hero at 960 px at most, and the search list its card at 320', async () => {
    const trip = await tripWithPhoto();
    const w = await openPage(e2e.browser, e2e.server.url);
    const seen = fetchedWidths(w, trip.key);
    await w.page.goto(`/trips/${trip.tripId}`, { waitUntil: 'networkidle' });
    // 720 device pixels wanted: the 960 (the 1280 before it existed).
    expect(seen).toEqual([960]);
    const hero = await w.page
      .locator(`main img[src*="${trip.key}"]`)
      .first()
      .evaluate((i: HTMLImageElement) => i.currentSrc);
    expect(hero).toMatch(/-960\.webp$/);

    const cards = await openPage(e2e.browser, e2e.server.url);
    const cardSeen = fetchedWidths(cards, trip.key);
    await cards.page.goto('/trips?q=rupin', { waitUntil: 'networkidle' });
    expect(cardSeen).toEqual([320]);
    await w.close();
    await cards.close();
  });

  it('with Save-Data: on, every photo is fetched at 320 px only', async () => {
    const trip = await tripWithPhoto();
    const w = await openPage(e2e.browser, e2e.server.url);
    await w.context.setExtraHTTPHeaders({ 'Save-Data': 'on' });
    const seen = fetchedWidths(w, trip.key);
    await w.page.goto(`/trips/${trip.tripId}`, { waitUntil: 'networkidle' });
    await w.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await w.page.waitForLoadState('networkidle');
    expect(seen.length).toBeGreaterThan(0);
    expect([...new Set(seen)]).toEqual([320]);
    await w.close();
  });

  it('a server started on photos stored before 960 existed adds it first: every width a page offers is served', async () => {
    const trip = await tripWithPhoto([320, 640, 1280]);
    // A second server process on the same data, as after an upgrade: the 960s are made at its start.
    const upgraded = await startServer({ DATA_DIR: e2e.server.dataDir });
    try {
      const html = await (await fetch(`${upgraded.url}/trips/${trip.tripId}`)).text();
      const urls = [...html.matchAll(new RegExp(`/uploads/${trip.key}-\\d+\\.webp`, 'g'))].map((m) => m[0]);
      expect(urls).toContain(`/uploads/${trip.key}-960.webp`);
      for (const url of new Set(urls)) expect((await fetch(`${upgraded.url}${url}`)).status, url).toBe(200);
    } finally {
      await upgraded.stop();
    }
  });
});
