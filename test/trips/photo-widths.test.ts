import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, signedIn } from '../support/factories.js';
import { storeImage, uploadsDir } from '../../src/lib/images.js';
import { addMissingPhotoWidths } from '../../src/trips/photos.js';
import { idFrom, jpeg, postMultipart, tripForm } from './support.js';

/**
 * Photos come in 320, 640, 960 and 1280 px; a page offers only widths that are on disk, and a
 * visitor who sends `Save-Data: on` gets every photo at its smallest width.
 */
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const imgs = (html: string) => [...html.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
/** Every photo URL a page names, in src and srcset. */
const photoUrls = (html: string) =>
  imgs(html).flatMap((tag) => [
    attr(tag, 'src')!,
    ...(attr(tag, 'srcset') ?? '')
      .split(',')
      .map((c) => c.trim().split(' ')[0])
      .filter(Boolean),
  ]);
const onDisk = (key: string, w: number) => existsSync(join(uploadsDir(t.dir), `${key}-${w}.webp`));

/** A noisy photo (compresses like a real one), as a JPEG upload. */
async function noisyJpeg(width: number, height: number) {
  const raw = randomFillSync(Buffer.alloc(width * height * 3));
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer(),
  );
}

/** A public trip with one photo stored at the given widths, as an older version of the app did. */
async function tripWithOldPhoto(width: number, storedAt: number[]) {
  const trip = await makeTrip(t.deps, { start: '2027-06-01' });
  const img = await storeImage(t.dir, await noisyJpeg(width, Math.round(width / 1.5)), 'images', storedAt);
  await t.db
    .insertInto('trip_images')
    .values({ trip_id: trip.tripId, key: img.key, width: img.width, height: img.height, position: 0, is_cover: 1 })
    .execute();
  return { ...trip, img };
}

describe('photo widths', () => {
  it('a new photo is stored at 320, 640, 960 and 1280 px, and the trip page offers each, all served', async () => {
    const org = await signedIn(t.deps, { role: 'organizer' });
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm({ 'departures[0][start_date]': '2027-07-01', 'departures[0][end_date]': '2027-07-05' }),
      [{ name: 'images', file: await jpeg(2000, 1333, 'ridge.jpg') }],
      org.cookie,
    );
    expect(res.status).toBe(303);
    const img = await t.db
      .selectFrom('trip_images')
      .selectAll()
      .where('trip_id', '=', idFrom(res))
      .executeTakeFirstOrThrow();
    for (const w of [320, 640, 960, 1280]) expect(onDisk(img.key, w), `${w}`).toBe(true);
    const html = await (await t.request(`/trips/${idFrom(res)}`)).text();
    const hero = imgs(html).find((tag) => tag.includes(img.key))!;
    expect(attr(hero, 'srcset')).toContain(`/uploads/${img.key}-960.webp 960w`);
    for (const url of photoUrls(html)) expect((await t.request(url)).status, url).toBe(200);
  });

  it('photos stored before 960 existed get it at start; then every width the page offers is served', async () => {
    const wide = await tripWithOldPhoto(1600, [320, 640, 1280]);
    // Between 960 and 1280: stored at 320, 640 and its own 1100.
    const between = await tripWithOldPhoto(1100, [320, 640, 1280]);
    const narrow = await tripWithOldPhoto(800, [320, 640, 1280]);
    // One waiting for a form's save.
    const pending = await storeImage(t.dir, await noisyJpeg(1500, 1000), 'images', [320, 640, 1280]);
    const owner = await signedIn(t.deps, { role: 'organizer' });
    await t.db
      .insertInto('pending_photos')
      .values({
        key: pending.key,
        owner_id: owner.id,
        width: pending.width,
        height: pending.height,
        created_at: t.clock.now().toISOString(),
      })
      .execute();
    expect(onDisk(wide.img.key, 960)).toBe(false);

    expect(await addMissingPhotoWidths(t.deps)).toBe(3);
    expect(onDisk(wide.img.key, 960)).toBe(true);
    expect(onDisk(between.img.key, 960)).toBe(true);
    expect(onDisk(pending.key, 960)).toBe(true);
    expect(onDisk(narrow.img.key, 960)).toBe(false);
    const made = await sharp(join(uploadsDir(t.dir), `${wide.img.key}-960.webp`)).metadata();
    expect([made.format, made.width, made.height]).toEqual(['webp', 960, 640]);

    for (const trip of [wide, between, narrow]) {
      const html = await (await t.request(`/trips/${trip.tripId}`)).text();
      const urls = photoUrls(html).filter((u) => u.includes(trip.img.key));
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect((await t.request(url)).status, url).toBe(200);
    }
    // The next start finds nothing to do.
    expect(await addMissingPhotoWidths(t.deps)).toBe(0);
  });
});

describe('Save-Data: on', () => {
  it('every photo on the shop pages comes at its smallest width, with no srcset to upgrade from', async () => {
    const trip = await tripWithOldPhoto(1600, [320, 640, 960, 1280]);
    for (const path of [`/trips/${trip.tripId}`, '/', '/trips', `/organizers/${trip.organizerId}`]) {
      const full = await t.request(path);
      expect(full.headers.get('Vary'), path).toMatch(/Save-Data/);
      const fullImgs = imgs(await full.text());
      expect(
        fullImgs.some((tag) => attr(tag, 'srcset')),
        path,
      ).toBe(true);

      const lean = await t.request(path, { headers: { 'Save-Data': 'on' } });
      expect(lean.status, path).toBe(200);
      expect(lean.headers.get('Vary'), path).toMatch(/Save-Data/);
      const leanImgs = imgs(await lean.text());
      expect(leanImgs.length, path).toBe(fullImgs.length);
      for (const tag of leanImgs) {
        expect(attr(tag, 'srcset'), path).toBeNull();
        expect(attr(tag, 'sizes'), path).toBeNull();
        expect(attr(tag, 'src'), path).toMatch(/-320\.webp$/);
      }
    }
  });

  it('the signed-out page cache keeps the two apart: neither is ever served for the other', async () => {
    const trip = await tripWithOldPhoto(1600, [320, 640, 960, 1280]);
    const path = `/trips/${trip.tripId}`;
    const lean = { 'Save-Data': 'on' };
    const hasSrcset = async (res: Response) => imgs(await res.text()).some((tag) => attr(tag, 'srcset'));

    const first = await t.request(path);
    expect(first.headers.get('X-Cache')).toBe('miss');
    expect(await hasSrcset(first)).toBe(true);
    const firstLean = await t.request(path, { headers: lean });
    expect(firstLean.headers.get('X-Cache')).toBe('miss');
    expect(await hasSrcset(firstLean)).toBe(false);

    const again = await t.request(path);
    expect(again.headers.get('X-Cache')).toBe('hit');
    expect(await hasSrcset(again)).toBe(true);
    const againLean = await t.request(path, { headers: lean });
    expect(againLean.headers.get('X-Cache')).toBe('hit');
    expect(await hasSrcset(againLean)).toBe(false);
    expect(againLean.headers.get('ETag')).not.toBe(again.headers.get('ETag'));
    expect(againLean.headers.get('Vary')).toMatch(/Save-Data/);
  });
});
