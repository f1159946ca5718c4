import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, existsSync } from 'node:fs';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { uploadsDir } from '../../src/lib/images.js';
import { follow, idFrom, jpeg, postMultipart, tripForm } from './support.js';

let t: TestApp;
let org: { id: number; cookie: string };
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.deleteFrom('trip_images').execute();
  await t.db.deleteFrom('departures').execute();
  await t.db.deleteFrom('trips').execute();
  org = await signedIn(t.deps, { role: 'organizer' });
});

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

describe('creating a trip', () => {
  it('an organizer publishes a trip with one departure from one form', async () => {
    const res = await t.post('/organizer/trips/new', tripForm(), org.cookie);
    expect(res.status).toBe(303);
    const id = idFrom(res);
    expect(res.headers.get('location')).toBe(`/trips/${id}`);
    const trip = await t.db.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(trip).toMatchObject({
      organizer_id: org.id,
      title: 'Kedarkantha Winter Trek',
      region: 'Uttarakhand',
      price_paise: 1_249_900,
      difficulty: 'beginner',
      status: 'active',
    });
    expect(JSON.parse(trip.categories)).toEqual(['snow', 'first-trek']);
    expect(JSON.parse(trip.included)).toEqual(['Meals', 'Tents', 'Guide']);
    expect(JSON.parse(trip.schedule)).toEqual([{ day: 1, title: 'Drive to Sankri', activities: 'Ten hours by road' }]);
    expect(JSON.parse(trip.refund_policy!)).toEqual([
      { minDays: 30, percent: 100 },
      { minDays: 15, percent: 50 },
      { minDays: 0, percent: 0 },
    ]);
    const deps = await t.db.selectFrom('departures').selectAll().where('trip_id', '=', id).execute();
    expect(deps).toMatchObject([
      { start_date: '2026-12-20', end_date: '2026-12-25', capacity: 15, seats_taken: 0, status: 'open' },
    ]);
    const cats = await t.db
      .selectFrom('trip_categories')
      .select('category')
      .where('trip_id', '=', id)
      .orderBy('category')
      .execute();
    expect(cats.map((c) => c.category)).toEqual(['first-trek', 'snow']);
    const page = await (await t.request(`/trips/${id}`)).text();
    expect(page).toContain('Kedarkantha Winter Trek');
    expect(page).toContain('₹12,499');
  });

  it('the move cut-off and fee are stored (2 days and free when left blank) and shown again on the edit form', async () => {
    const set = idFrom(
      await t.post('/organizer/trips/new', tripForm({ move_cutoff_days: '10', move_fee: '750' }), org.cookie),
    );
    const blank = idFrom(
      await t.post('/organizer/trips/new', tripForm({ move_cutoff_days: '', move_fee: '' }), org.cookie),
    );
    const terms = (id: number) =>
      t.db
        .selectFrom('trips')
        .select(['move_cutoff_days', 'move_fee_paise'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await terms(set)).toEqual({ move_cutoff_days: 10, move_fee_paise: 75_000 });
    expect(await terms(blank)).toEqual({ move_cutoff_days: 2, move_fee_paise: 0 });
    const html = await (await t.request(`/organizer/trips/${set}/edit`, { cookie: org.cookie })).text();
    expect(html).toMatch(/name="move_cutoff_days"[^>]*value="10"/);
    expect(html).toMatch(/name="move_fee"[^>]*value="750"/);
  });

  it('"Save as draft" keeps the trip hidden and opens the edit form', async () => {
    const res = await t.post('/organizer/trips/new', tripForm({ intent: 'save' }), org.cookie);
    const id = idFrom(res);
    expect(res.headers.get('location')).toBe(`/organizer/trips/${id}/edit`);
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('draft');
  });

  it('"Add departure" and "Add day" re-render the form with one more row and write nothing', async () => {
    const dep = await t.post('/organizer/trips/new', tripForm({ intent: 'add_departure' }), org.cookie);
    expect(dep.status).toBe(200);
    const html = await dep.text();
    expect(html).toContain('name="departures[1][start_date]"');
    expect(html).not.toContain('name="departures[2][start_date]"');
    expect(html).toContain('value="2026-12-20"');
    expect(html).toContain('hx-select="#departures-form"');
    const day = await t.post('/organizer/trips/new', tripForm({ intent: 'add_day' }), org.cookie);
    expect(await day.text()).toContain('name="schedule[1][title]"');
    expect(await countTrips()).toBe(0);
  });

  it('a trip with two departures stores both', async () => {
    const res = await t.post(
      '/organizer/trips/new',
      tripForm({
        'departures[1][id]': '',
        'departures[1][start_date]': '2027-01-10',
        'departures[1][end_date]': '2027-01-15',
        'departures[1][capacity]': '20',
      }),
      org.cookie,
    );
    const deps = await t.db
      .selectFrom('departures')
      .select(['start_date', 'capacity'])
      .where('trip_id', '=', idFrom(res))
      .orderBy('start_date')
      .execute();
    expect(deps).toEqual([
      { start_date: '2026-12-20', capacity: 15 },
      { start_date: '2027-01-10', capacity: 20 },
    ]);
  });

  it('the new-trip form starts with one departure and one day', async () => {
    const html = await (await t.request('/organizer/trips/new', { cookie: org.cookie })).text();
    expect(html).toContain('name="departures[0][start_date]"');
    expect(html).not.toContain('name="departures[1][start_date]"');
    expect(html).toContain('name="schedule[0][title]"');
    expect(html).toContain('enctype="multipart/form-data"');
  });
});

describe('bad input gets a message next to its field and nothing is written', () => {
  const cases: [string, Record<string, string | string[]>, string, RegExp][] = [
    [
      'an end before the start',
      { 'departures[0][end_date]': '2026-12-19' },
      'departures[0][end_date]',
      /on or after the start/,
    ],
    [
      'a departure in the past',
      { 'departures[0][start_date]': '2026-11-20', 'departures[0][end_date]': '2026-11-22' },
      'departures[0][start_date]',
      /has passed/,
    ],
    ['capacity 0', { 'departures[0][capacity]': '0' }, 'departures[0][capacity]', /between 1 and 500/],
    ['capacity over 500', { 'departures[0][capacity]': '501' }, 'departures[0][capacity]', /between 1 and 500/],
    ['a negative price', { price: '-5' }, 'price', /price in rupees/],
    ['an absurd price', { price: '999999999' }, 'price', /at most ₹10,00,000/],
    ['an empty title', { title: '' }, 'title', /Enter the title/],
    ['a 10,000-character title', { title: 'x'.repeat(10_000) }, 'title', /too long/],
    ['50 categories', { categories: Array.from({ length: 50 }, () => 'snow') }, 'categories', /at most 5/],
    ['an unknown region', { region: 'Atlantis' }, 'region', /Choose a region/],
    ['a move cut-off of -1 days', { move_cutoff_days: '-1' }, 'move_cutoff_days', /from 0 to 365/],
    ['a move cut-off of 1.5 days', { move_cutoff_days: '1.5' }, 'move_cutoff_days', /from 0 to 365/],
    ['a move fee in words', { move_fee: 'five hundred' }, 'move_fee', /fee in rupees/],
    ['an absurd move fee', { move_fee: '5000000' }, 'move_fee', /at most ₹1,00,000/],
    ['no departure at all', { 'departures[0][remove]': '1' }, 'departures', /at least one departure/],
  ];
  for (const [what, over, field, message] of cases) {
    it(`refuses ${what}`, async () => {
      const res = await t.post('/organizer/trips/new', tripForm(over), org.cookie);
      expect(res.status).toBe(422);
      const html = await res.text();
      const id = `f-${field.replace(/[^a-zA-Z0-9_-]/g, '-')}-error`;
      const m = new RegExp(`id="${id.replace(/[[\]]/g, '\\$&')}"[^>]*>([^<]*)<`).exec(html);
      expect(m?.[1]).toMatch(message);
      expect(await countTrips()).toBe(0);
    });
  }

  it('every refused trip form opens on an error summary whose links point at fields on the page', async () => {
    for (const [what, over] of [...cases, ['two faults at once', { title: '', price: '-5' }, '', /./] as const]) {
      const res = await t.post('/organizer/trips/new', tripForm(over), org.cookie);
      expect(res.status, what).toBe(422);
      const html = await res.text();
      const summary = /<div id="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html);
      expect(summary?.[0], what).toMatch(/autofocus/);
      const hrefs = [...summary![1]!.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
      const n = what === 'two faults at once' ? 2 : 1;
      expect(summary![1], what).toContain(`Please fix ${n} thing${n === 1 ? '' : 's'}`);
      expect(hrefs.length, what).toBe(n);
      for (const id of hrefs) expect(html, `${what}: #${id}`).toContain(`id="${id}"`);
    }
  });

  it('keeps what was typed when the form comes back', async () => {
    const res = await t.post(
      '/organizer/trips/new',
      tripForm({ price: 'lots', destination: 'Sankri & beyond' }),
      org.cookie,
    );
    const html = await res.text();
    expect(html).toContain('value="lots"');
    expect(html).toContain('Sankri &amp; beyond');
  });
});

describe('photos', () => {
  it('several photos are stored as WebP in several widths, the first is the cover, and cards use srcset', async () => {
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm(),
      [
        { name: 'images', file: await jpeg(1600, 1000, 'a.jpg') },
        { name: 'images', file: await jpeg(800, 600, 'b.jpg') },
      ],
      org.cookie,
    );
    expect(res.status).toBe(303);
    const id = idFrom(res);
    const imgs = await t.db
      .selectFrom('trip_images')
      .selectAll()
      .where('trip_id', '=', id)
      .orderBy('position')
      .execute();
    expect(imgs.map((i) => [i.width, i.height, i.is_cover])).toEqual([
      [1280, 800, 1],
      [800, 600, 0],
    ]);
    expect(uploads()).toEqual(
      expect.arrayContaining([
        `${imgs[0].key}-320.webp`,
        `${imgs[0].key}-640.webp`,
        `${imgs[0].key}-1280.webp`,
        `${imgs[1].key}-800.webp`,
      ]),
    );
    const list = await (await t.request('/trips')).text();
    expect(list).toContain(
      `srcset="/uploads/${imgs[0].key}-320.webp 320w, /uploads/${imgs[0].key}-640.webp 640w, /uploads/${imgs[0].key}-960.webp 960w, /uploads/${imgs[0].key}-1280.webp 1280w"`,
    );
    // A card shows a ~104 px square thumbnail: its fallback src is the 320 px width.
    expect(list).toMatch(
      new RegExp(`src="/uploads/${imgs[0].key}-320.webp"[^>]*width="320" height="200"[^>]*loading="lazy"`),
    );
  });

  it('a script named photo.jpg is refused by its content, next to the photo field, and nothing is written', async () => {
    const before = uploads().length;
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm(),
      [{ name: 'images', file: new File(['<script>alert(1)</script>'], 'photo.jpg', { type: 'image/jpeg' }) }],
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/id="f-images-error"[^>]*>That file is not an image/);
    expect(await countTrips()).toBe(0);
    expect(uploads().length).toBe(before);
  });

  it('a good photo next to a bad one leaves no file behind', async () => {
    const before = uploads().length;
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm(),
      [
        { name: 'images', file: await jpeg() },
        { name: 'images', file: new File(['GIF89a but not really'], 'x.gif') },
      ],
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(uploads().length).toBe(before);
    expect(await countTrips()).toBe(0);
  });

  it('a 9 MB photo is refused next to the field with its size', async () => {
    const big = new Uint8Array(9 * 1024 * 1024);
    big.set([0xff, 0xd8, 0xff]);
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm(),
      [{ name: 'images', file: new File([big], 'big.jpg') }],
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/id="f-images-error"[^>]*>The image is too large: 9.0 MB/);
    expect(await countTrips()).toBe(0);
  });

  it('a 40 MB photo is over the per-file limit (UPLOAD_FILE_LIMIT_MB): refused with the limit named, and nothing is written', async () => {
    const big = new Uint8Array(40 * 1024 * 1024);
    big.set([0xff, 0xd8, 0xff]);
    const before = uploads().length;
    const res = await postMultipart(
      t,
      '/organizer/trips/new',
      tripForm(),
      [{ name: 'images', file: new File([big], 'huge.jpg') }],
      org.cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('That file is too large (the limit is 10 MB).');
    expect(uploads().length).toBe(before);
    expect(await countTrips()).toBe(0);
  });
});

describe('editing, duplicating, publishing, cancelling', () => {
  async function created(over: Record<string, string | string[]> = {}) {
    return idFrom(await t.post('/organizer/trips/new', tripForm(over), org.cookie));
  }
  const editForm = async (id: number) => {
    const deps = await t.db
      .selectFrom('departures')
      .select('id')
      .where('trip_id', '=', id)
      .orderBy('start_date')
      .execute();
    return tripForm({ intent: 'save', 'departures[0][id]': String(deps[0].id) });
  };

  it('the edit form shows the trip as saved', async () => {
    const id = await created();
    const html = await (await t.request(`/organizer/trips/${id}/edit`, { cookie: org.cookie })).text();
    expect(html).toContain('value="Kedarkantha Winter Trek"');
    expect(html).toContain('value="12499"');
    expect(html).toContain('value="2026-12-20"');
    expect(html).toMatch(/value="snow" checked/);
  });

  it('saving the edit form changes fields, adds and removes departures', async () => {
    const id = await created();
    const form = await editForm(id);
    const res = await t.post(
      `/organizer/trips/${id}/edit`,
      {
        ...form,
        title: 'Kedarkantha Summit Trek',
        price: '13999',
        'departures[0][remove]': '1',
        'departures[1][id]': '',
        'departures[1][start_date]': '2027-02-01',
        'departures[1][end_date]': '2027-02-06',
        'departures[1][capacity]': '10',
      },
      org.cookie,
    );
    expect(res.status).toBe(303);
    const trip = await t.db.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(trip).toMatchObject({ title: 'Kedarkantha Summit Trek', price_paise: 1_399_900, status: 'active' });
    const deps = await t.db
      .selectFrom('departures')
      .select(['start_date', 'capacity'])
      .where('trip_id', '=', id)
      .execute();
    expect(deps).toEqual([{ start_date: '2027-02-01', capacity: 10 }]);
    const fts = await t.db
      .selectFrom('trips')
      .select('id')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('trips_fts' as never)
          .select('rowid' as never)
          .where('trips_fts' as never, 'match' as never, '"summit"' as never),
      )
      .execute();
    expect(fts.map((r) => r.id)).toEqual([id]);
  });

  it('a booked departure keeps its dates and at least its booked seats', async () => {
    const id = await created();
    await t.db.updateTable('departures').set({ seats_taken: 6 }).where('trip_id', '=', id).execute();
    const form = await editForm(id);
    const lower = await t.post(`/organizer/trips/${id}/edit`, { ...form, 'departures[0][capacity]': '5' }, org.cookie);
    expect(lower.status).toBe(422);
    expect(await lower.text()).toMatch(/id="f-departures-0--capacity--error"[^>]*>6 seats are already booked/);
    const moved = await t.post(
      `/organizer/trips/${id}/edit`,
      { ...form, 'departures[0][start_date]': '2026-12-21' },
      org.cookie,
    );
    expect(moved.status).toBe(422);
    const removed = await t.post(
      `/organizer/trips/${id}/edit`,
      {
        ...form,
        'departures[0][remove]': '1',
        'departures[1][start_date]': '2027-01-01',
        'departures[1][end_date]': '2027-01-02',
        'departures[1][capacity]': '9',
      },
      org.cookie,
    );
    expect(removed.status).toBe(422);
    expect(await removed.text()).toContain('6 seats are booked on this departure');
    const deps = await t.db
      .selectFrom('departures')
      .select(['start_date', 'capacity', 'seats_taken'])
      .where('trip_id', '=', id)
      .execute();
    expect(deps).toEqual([{ start_date: '2026-12-20', capacity: 15, seats_taken: 6 }]);
  });

  it('photos can be added later, one chosen as cover and others removed', async () => {
    const id = idFrom(
      await postMultipart(t, '/organizer/trips/new', tripForm(), [{ name: 'images', file: await jpeg() }], org.cookie),
    );
    const [first] = await t.db.selectFrom('trip_images').selectAll().where('trip_id', '=', id).execute();
    const form = await editForm(id);
    await postMultipart(
      t,
      `/organizer/trips/${id}/edit`,
      form,
      [{ name: 'images', file: await jpeg(900, 600) }],
      org.cookie,
    );
    const two = await t.db
      .selectFrom('trip_images')
      .selectAll()
      .where('trip_id', '=', id)
      .orderBy('position')
      .execute();
    expect(two.map((i) => i.is_cover)).toEqual([1, 0]);
    await t.post(
      `/organizer/trips/${id}/edit`,
      { ...form, cover: String(two[1].id), remove_images: String(first.id) },
      org.cookie,
    );
    const after = await t.db.selectFrom('trip_images').selectAll().where('trip_id', '=', id).execute();
    expect(after.map((i) => [i.id, i.is_cover])).toEqual([[two[1].id, 1]]);
  });

  it('duplicating makes a draft copy with the upcoming departures and no bookings', async () => {
    const id = await created();
    await t.db.updateTable('departures').set({ seats_taken: 3 }).where('trip_id', '=', id).execute();
    const res = await t.post(`/organizer/trips/${id}/duplicate`, {}, org.cookie);
    expect(res.status).toBe(303);
    const copy = idFrom(res);
    expect(copy).not.toBe(id);
    expect(
      await t.db
        .selectFrom('trips')
        .select(['title', 'status', 'organizer_id'])
        .where('id', '=', copy)
        .executeTakeFirstOrThrow(),
    ).toEqual({ title: 'Kedarkantha Winter Trek (copy)', status: 'draft', organizer_id: org.id });
    expect(
      await t.db.selectFrom('departures').select(['start_date', 'seats_taken']).where('trip_id', '=', copy).execute(),
    ).toEqual([{ start_date: '2026-12-20', seats_taken: 0 }]);
  });

  it('deactivating hides a trip and publishing shows it again', async () => {
    const id = await created();
    await t.post(`/organizer/trips/${id}/deactivate`, {}, org.cookie);
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('inactive');
    expect((await t.request(`/trips/${id}`)).status).toBe(404);
    await t.post(`/organizer/trips/${id}/publish`, {}, org.cookie);
    expect((await t.request(`/trips/${id}`)).status).toBe(200);
  });

  it('a draft without an upcoming departure cannot be published, and says why', async () => {
    const id = (await makeTrip(t.deps, { organizerId: org.id, status: 'draft', departures: [{ start: '2026-10-01' }] }))
      .tripId;
    const res = await t.post(`/organizer/trips/${id}/publish`, {}, org.cookie);
    expect(res.status).toBe(303);
    expect(await follow(t, res, org.cookie)).toContain('Add an upcoming departure before publishing');
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('draft');
  });

  it('a trip nobody booked can be cancelled, with its departures', async () => {
    const id = await created();
    await t.post(`/organizer/trips/${id}/cancel`, {}, org.cookie);
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('cancelled');
    expect(
      (await t.db.selectFrom('departures').select('status').where('trip_id', '=', id).execute()).map((d) => d.status),
    ).toEqual(['cancelled']);
    expect(await t.db.selectFrom('audit_log').select('action').where('target_id', '=', String(id)).execute()).toEqual([
      { action: 'trip.cancelled' },
    ]);
  });

  it('an unbooked departure can be cancelled on its own', async () => {
    const id = await created({
      'departures[1][id]': '',
      'departures[1][start_date]': '2027-01-10',
      'departures[1][end_date]': '2027-01-12',
      'departures[1][capacity]': '8',
    });
    const [first] = await t.db
      .selectFrom('departures')
      .select('id')
      .where('trip_id', '=', id)
      .orderBy('start_date')
      .execute();
    expect((await t.post(`/organizer/trips/${id}/departures/${first.id}/cancel`, {}, org.cookie)).status).toBe(303);
    expect(
      await t.db
        .selectFrom('departures')
        .select(['start_date', 'status'])
        .where('trip_id', '=', id)
        .orderBy('start_date')
        .execute(),
    ).toEqual([
      { start_date: '2026-12-20', status: 'cancelled' },
      { start_date: '2027-01-10', status: 'open' },
    ]);
  });

  it('the trip list shows status, departures and fill rate', async () => {
    const id = await created();
    await t.db.updateTable('departures').set({ seats_taken: 5 }).where('trip_id', '=', id).execute();
    const html = await (await t.request('/organizer/trips', { cookie: org.cookie })).text();
    expect(html).toContain('Published');
    expect(html).toContain('1 departure');
    expect(html).toContain('filled 5/15 (33 %)');
  });
});

describe('who may touch a trip', () => {
  it('organizer B cannot see the edit page of A’s draft or change it', async () => {
    const a = await signedIn(t.deps, { role: 'organizer' });
    const b = await signedIn(t.deps, { role: 'organizer' });
    const id = (await makeTrip(t.deps, { organizerId: a.id, status: 'draft', title: 'A secret draft' })).tripId;
    expect((await t.request(`/organizer/trips/${id}/edit`, { cookie: b.cookie })).status).toBe(404);
    expect((await t.request(`/trips/${id}`, { cookie: b.cookie })).status).toBe(404);
    expect(
      (await t.post(`/organizer/trips/${id}/edit`, tripForm({ intent: 'save', title: 'Hijacked trip' }), b.cookie))
        .status,
    ).toBe(404);
    for (const verb of ['publish', 'deactivate', 'cancel', 'duplicate']) {
      expect((await t.post(`/organizer/trips/${id}/${verb}`, {}, b.cookie)).status).toBe(404);
    }
    expect(
      await t.db.selectFrom('trips').select(['title', 'status']).where('organizer_id', '=', a.id).execute(),
    ).toEqual([{ title: 'A secret draft', status: 'draft' }]);
    expect(await (await t.request('/organizer/trips', { cookie: b.cookie })).text()).not.toContain('A secret draft');
    expect((await t.request(`/organizer/trips/${id}/edit`, { cookie: a.cookie })).status).toBe(200);
  });

  it('an admin can edit any trip, and it is audited', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const id = await created();
    const form = await editForm(id);
    expect(
      (await t.post(`/organizer/trips/${id}/edit`, { ...form, title: 'Moderated title' }, admin.cookie)).status,
    ).toBe(303);
    expect((await t.db.selectFrom('trips').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title).toBe(
      'Moderated title',
    );
    expect(
      await t.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', String(id)).execute(),
    ).toEqual([{ action: 'trip.edited', actor_id: admin.id }]);
  });

  it('travelers cannot create trips and anonymous visitors are sent to sign in', async () => {
    const traveler = await signedIn(t.deps, { role: 'traveler' });
    expect((await t.request('/organizer/trips/new', { cookie: traveler.cookie })).status).toBe(403);
    expect((await t.post('/organizer/trips/new', tripForm(), traveler.cookie)).status).toBe(403);
    const anon = await t.request('/organizer/trips/new');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Forganizer%2Ftrips%2Fnew');
    expect(await countTrips()).toBe(0);
  });

  async function created() {
    return idFrom(await t.post('/organizer/trips/new', tripForm(), org.cookie));
  }
  async function editForm(id: number) {
    const [d] = await t.db.selectFrom('departures').select('id').where('trip_id', '=', id).execute();
    return tripForm({ intent: 'save', 'departures[0][id]': String(d.id) });
  }
});
