import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { uploadsDir } from '../../src/lib/images.js';
import { DAY, HOUR } from '../../src/lib/clock.js';
import { housekeeping } from '../../src/platform/housekeeping.js';
import { idFrom, jpeg, postMultipart, tripForm } from './support.js';

let t: TestApp;
let org: { id: number; cookie: string };
const START = '2026-11-25T06:30:00Z';
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  t.clock.set(START);
  await t.db.deleteFrom('trip_images').execute();
  await t.db.deleteFrom('departures').execute();
  await t.db.deleteFrom('trips').execute();
  await t.db.deleteFrom('pending_photos').execute();
  org = await signedIn(t.deps, { role: 'organizer' });
});

const NEW = '/organizer/trips/new';
const countTrips = async () =>
  Number(
    (
      await t.db
        .selectFrom('trips')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const uploads = () => (existsSync(uploadsDir(t.dir)) ? readdirSync(uploadsDir(t.dir)) : []);
const filesOf = (key: string) =>
  uploads()
    .filter((f) => f.startsWith(`${key}-`))
    .sort();
/** The pending photo keys the re-rendered form carries, in order. */
const pendingKeys = (html: string) =>
  [...html.matchAll(/<input type="hidden" name="photos" value="([^"]*)"/g)].map((m) => m[1]);
const pendingRows = () => t.db.selectFrom('pending_photos').selectAll().orderBy('created_at').orderBy('key').execute();
const imagesOf = (tripId: number) =>
  t.db
    .selectFrom('trip_images')
    .select(['key', 'width', 'height', 'position', 'is_cover'])
    .where('trip_id', '=', tripId)
    .orderBy('position')
    .execute();
const errorOf = (html: string, field: string) => new RegExp(`id="f-${field}-error"[^>]*>([^<]*)<`).exec(html)?.[1];

/** "Add departure" without JavaScript, with photos chosen: returns the keys the form comes back with. */
async function addDepartureWith(files: File[], cookie = org.cookie, over: Record<string, string | string[]> = {}) {
  const res = await postMultipart(
    t,
    NEW,
    tripForm({ intent: 'add_departure', ...over }),
    files.map((file) => ({ name: 'images', file })),
    cookie,
  );
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, keys: pendingKeys(html) };
}

describe('photos chosen before the form is shown again are kept', () => {
  it('photos picked, then "Add departure" without JavaScript, then save: the trip has them, the first as cover', async () => {
    const { html, keys } = await addDepartureWith([await jpeg(1600, 1000, 'a.jpg'), await jpeg(800, 600, 'b.jpg')]);
    expect(html).toContain('name="departures[1][start_date]"');
    expect(keys).toHaveLength(2);
    // Shown as thumbnails, each with a "remove" box; the old warning is gone.
    for (const k of keys) {
      expect(html).toContain(`src="/uploads/${k}-320.webp"`);
      expect(html).toContain(`name="remove_photos" value="${k}"`);
    }
    expect(html).not.toContain('clears the selection');
    expect(await pendingRows()).toEqual(
      expect.arrayContaining(keys.map((key) => expect.objectContaining({ key, owner_id: org.id }))),
    );
    expect(filesOf(keys[0])).toEqual([
      `${keys[0]}-1280.webp`,
      `${keys[0]}-320.webp`,
      `${keys[0]}-640.webp`,
      `${keys[0]}-960.webp`,
    ]);
    expect(await countTrips()).toBe(0);

    // The save posts the keys back (the browser sends no file this time).
    const res = await t.post(NEW, tripForm({ photos: keys }), org.cookie);
    expect(res.status).toBe(303);
    const images = await imagesOf(idFrom(res));
    expect(images).toEqual([
      { key: keys[0], width: 1280, height: 800, position: 0, is_cover: 1 },
      { key: keys[1], width: 800, height: 600, position: 1, is_cover: 0 },
    ]);
    expect(await pendingRows()).toEqual([]);
    expect(filesOf(keys[0])).toHaveLength(4);
  });

  it('photos chosen on the next screen come after the ones kept, in the order chosen', async () => {
    const first = await addDepartureWith([await jpeg(900, 600, 'a.jpg')]);
    const second = await postMultipart(
      t,
      NEW,
      tripForm({ intent: 'add_day', photos: first.keys }),
      [{ name: 'images', file: await jpeg(700, 500, 'b.jpg') }],
      org.cookie,
    );
    const keys = pendingKeys(await second.text());
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(first.keys[0]);
    const res = await postMultipart(
      t,
      NEW,
      tripForm({ photos: keys }),
      [{ name: 'images', file: await jpeg(500, 400, 'c.jpg') }],
      org.cookie,
    );
    expect(res.status).toBe(303);
    const images = await imagesOf(idFrom(res));
    expect(images.map((i) => [i.width, i.is_cover])).toEqual([
      [900, 1],
      [700, 0],
      [500, 0],
    ]);
    expect(images.slice(0, 2).map((i) => i.key)).toEqual(keys);
  });

  it('a save refused with a 422 keeps the photos it carried, and the corrected save attaches them', async () => {
    const refused = await postMultipart(
      t,
      NEW,
      tripForm({ price: 'lots' }),
      [{ name: 'images', file: await jpeg(1200, 800) }],
      org.cookie,
    );
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(errorOf(html, 'price')).toMatch(/price in rupees/);
    const keys = pendingKeys(html);
    expect(keys).toHaveLength(1);
    expect(await countTrips()).toBe(0);

    const res = await t.post(NEW, tripForm({ photos: keys }), org.cookie);
    expect(res.status).toBe(303);
    expect(await imagesOf(idFrom(res))).toEqual([{ key: keys[0], width: 1200, height: 800, position: 0, is_cover: 1 }]);
  });

  it('on the edit form, kept photos are added after the current ones and the cover stays', async () => {
    const created = await postMultipart(
      t,
      NEW,
      tripForm({ intent: 'save' }),
      [{ name: 'images', file: await jpeg(1000, 700, 'old.jpg') }],
      org.cookie,
    );
    const id = idFrom(created);
    const [old] = await imagesOf(id);
    const dep = await t.db.selectFrom('departures').select('id').where('trip_id', '=', id).executeTakeFirstOrThrow();
    const edit = `/organizer/trips/${id}/edit`;
    const base = { intent: 'save', 'departures[0][id]': String(dep.id) };
    const again = await postMultipart(
      t,
      edit,
      tripForm({ ...base, intent: 'add_departure' }),
      [{ name: 'images', file: await jpeg(600, 400, 'new.jpg') }],
      org.cookie,
    );
    expect(again.status).toBe(200);
    const keys = pendingKeys(await again.text());
    expect(keys).toHaveLength(1);
    const res = await t.post(edit, tripForm({ ...base, photos: keys }), org.cookie);
    expect(res.status).toBe(303);
    expect((await imagesOf(id)).map((i) => [i.key, i.is_cover])).toEqual([
      [old.key, 1],
      [keys[0], 0],
    ]);
  });

  it('a photo ticked "remove" before the save is not attached, and its files are deleted', async () => {
    const { keys } = await addDepartureWith([await jpeg(800, 600, 'a.jpg'), await jpeg(640, 480, 'b.jpg')]);
    const res = await t.post(NEW, tripForm({ photos: keys, remove_photos: [keys[0]] }), org.cookie);
    expect(res.status).toBe(303);
    expect((await imagesOf(idFrom(res))).map((i) => [i.key, i.is_cover])).toEqual([[keys[1], 1]]);
    expect(filesOf(keys[0])).toEqual([]);
    expect(await pendingRows()).toEqual([]);
  });

  it('a photo ticked "remove" on a re-render is no longer shown', async () => {
    const { keys } = await addDepartureWith([await jpeg(800, 600, 'a.jpg'), await jpeg(640, 480, 'b.jpg')]);
    const again = await addDepartureWith([], org.cookie, { photos: keys, remove_photos: [keys[1]] });
    expect(again.keys).toEqual([keys[0]]);
    expect((await pendingRows()).map((r) => r.key)).toEqual([keys[0]]);
  });

  it('the "Add departure" button, with JavaScript, does not send the files again', async () => {
    const html = await (await t.request(NEW, { cookie: org.cookie })).text();
    expect(html).toMatch(/value="add_departure"[^>]*hx-params="not images,remove_photos"/);
  });
});

describe('a bad image on a re-render', () => {
  it('gets its message next to the photo field (422) and nothing is stored for it', async () => {
    const before = uploads().length;
    const res = await postMultipart(
      t,
      NEW,
      tripForm({ intent: 'add_departure' }),
      [
        { name: 'images', file: await jpeg() },
        { name: 'images', file: new File(['<script>alert(1)</script>'], 'photo.jpg', { type: 'image/jpeg' }) },
      ],
      org.cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(errorOf(html, 'images')).toMatch(/not an image we can read/);
    expect(html).toContain('name="departures[1][start_date]"');
    expect(pendingKeys(html)).toEqual([]);
    expect(await pendingRows()).toEqual([]);
    expect(uploads().length).toBe(before);
  });

  it('keeps the photos chosen earlier', async () => {
    const { keys } = await addDepartureWith([await jpeg(800, 600)]);
    const res = await postMultipart(
      t,
      NEW,
      tripForm({ intent: 'add_day', photos: keys }),
      [{ name: 'images', file: new File(['nope'], 'x.png') }],
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(pendingKeys(await res.text())).toEqual(keys);
  });

  it('more photos than a trip takes are refused before any is stored', async () => {
    const before = uploads().length;
    const files = await Promise.all(Array.from({ length: 9 }, (_, i) => jpeg(320, 200, `p${i}.jpg`)));
    const res = await postMultipart(
      t,
      NEW,
      tripForm({ intent: 'add_departure' }),
      files.map((file) => ({ name: 'images', file })),
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(errorOf(await res.text(), 'images')).toMatch(/at most 8 photos/);
    expect(uploads().length).toBe(before);
  });
});

describe('a pending photo key from the form is trusted only if this server stored it for this organizer, recently', () => {
  it("another organizer's pending photo is refused and nothing is attached or deleted", async () => {
    const other = await signedIn(t.deps, { role: 'organizer' });
    const { keys } = await addDepartureWith([await jpeg(800, 600)], other.cookie);
    const res = await t.post(NEW, tripForm({ photos: keys }), org.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(errorOf(html, 'images')).toMatch(/no longer available/);
    expect(pendingKeys(html)).toEqual([]);
    expect(await countTrips()).toBe(0);
    // Nor can they remove it.
    await t.post(NEW, tripForm({ intent: 'add_day', photos: keys, remove_photos: keys }), org.cookie);
    expect(await pendingRows()).toEqual([expect.objectContaining({ key: keys[0], owner_id: other.id })]);
    expect(filesOf(keys[0])).toEqual([`${keys[0]}-320.webp`, `${keys[0]}-640.webp`, `${keys[0]}-800.webp`]);
  });

  it('a made-up key is refused', async () => {
    const res = await t.post(NEW, tripForm({ photos: ['abcdefghijklmnopqrstuvwxyz234567'] }), org.cookie);
    expect(res.status).toBe(422);
    expect(errorOf(await res.text(), 'images')).toMatch(/no longer available/);
    expect(await countTrips()).toBe(0);
    expect(await t.db.selectFrom('trip_images').selectAll().execute()).toEqual([]);
  });

  it('a path such as ../../x is refused and never touches a file', async () => {
    const sentinel = join(t.dir, 'x-320.webp');
    writeFileSync(sentinel, 'keep me');
    for (const key of ['../../x', '../x', `${uploadsDir(t.dir)}/../x`]) {
      const removed = await t.post(
        NEW,
        tripForm({ intent: 'add_day', photos: [key], remove_photos: [key] }),
        org.cookie,
      );
      expect(removed.status).toBe(200);
      expect(pendingKeys(await removed.text())).toEqual([]);
      const kept = await t.post(NEW, tripForm({ photos: [key] }), org.cookie);
      expect(kept.status).toBe(422);
      expect(errorOf(await kept.text(), 'images')).toMatch(/no longer available/);
    }
    expect(existsSync(sentinel)).toBe(true);
    expect(await countTrips()).toBe(0);
  });

  it('an own pending photo older than a day is refused', async () => {
    const { keys } = await addDepartureWith([await jpeg(800, 600)]);
    t.clock.advance(DAY + HOUR);
    const res = await t.post(NEW, tripForm({ photos: keys }), org.cookie);
    expect(res.status).toBe(422);
    expect(errorOf(await res.text(), 'images')).toMatch(/no longer available/);
    expect(await countTrips()).toBe(0);
  });

  it('a pending photo is attached once: posting its key again for a second trip is refused', async () => {
    const { keys } = await addDepartureWith([await jpeg(800, 600)]);
    expect((await t.post(NEW, tripForm({ photos: keys }), org.cookie)).status).toBe(303);
    const again = await t.post(NEW, tripForm({ photos: keys, title: 'Another winter trek' }), org.cookie);
    expect(again.status).toBe(422);
    expect(await countTrips()).toBe(1);
  });
});

describe('housekeeping', () => {
  it('removes pending photos never saved after a day, with their files; recent and attached photos stay', async () => {
    const stale = await addDepartureWith([await jpeg(900, 600, 'stale.jpg')]);
    const saved = await addDepartureWith([await jpeg(700, 500, 'saved.jpg')]);
    const trip = await t.post(NEW, tripForm({ photos: saved.keys }), org.cookie);
    expect(trip.status).toBe(303);
    t.clock.advance(20 * HOUR);
    const recent = await addDepartureWith([await jpeg(600, 400, 'recent.jpg')]);
    t.clock.advance(5 * HOUR);

    expect(await housekeeping(t.deps)).toMatch(/, 1 unsaved photos,/);

    expect((await pendingRows()).map((r) => r.key)).toEqual(recent.keys);
    expect(filesOf(stale.keys[0])).toEqual([]);
    expect(filesOf(recent.keys[0])).toEqual([`${recent.keys[0]}-320.webp`, `${recent.keys[0]}-600.webp`]);
    expect(filesOf(saved.keys[0])).toEqual([
      `${saved.keys[0]}-320.webp`,
      `${saved.keys[0]}-640.webp`,
      `${saved.keys[0]}-700.webp`,
    ]);
    // Running it again changes nothing.
    expect(await housekeeping(t.deps)).toMatch(/, 0 unsaved photos,/);
    expect(filesOf(recent.keys[0])).toHaveLength(2);
  });
});
