import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, makeTrip } from '../support/factories.js';
import { searchTrips } from '../../src/trips/discovery.js';
import { SearchQuery, ftsQuery } from '../../src/trips/schemas.js';
import { choosePlan, searchSql, type SearchFilters } from '../../src/trips/queries/discovery.js';
import type { Sort } from '../../src/trips/catalog.js';

let t: TestApp;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await makeTestApp();
  const org = await createUser(t.deps, { role: 'organizer' });
  ids.kedar = (
    await makeTrip(t.deps, {
      organizerId: org,
      title: 'Kedarkantha Winter Trek',
      region: 'Uttarakhand',
      difficulty: 'beginner',
      pricePaise: 12_000_00,
      categories: ['snow', 'first-trek'],
      createdAt: '2026-10-01T00:00:00Z',
      departures: [
        { start: '2026-12-20', capacity: 10, taken: 10 },
        { start: '2027-01-10', end: '2027-01-15', capacity: 10, taken: 2 },
      ],
    })
  ).tripId;
  ids.hampta = (
    await makeTrip(t.deps, {
      organizerId: org,
      title: 'Hampta Pass Crossover',
      region: 'Himachal Pradesh',
      difficulty: 'intermediate',
      pricePaise: 15_000_00,
      categories: ['high-altitude'],
      createdAt: '2026-11-01T00:00:00Z',
      departures: [{ start: '2027-06-10' }],
    })
  ).tripId;
  ids.flowers = (
    await makeTrip(t.deps, {
      organizerId: org,
      title: 'Valley of Flowers',
      description: 'Monsoon blooms above Ghangaria, with a day at Hemkund.',
      region: 'Uttarakhand',
      difficulty: 'beginner',
      pricePaise: 9_000_00,
      categories: ['forest', 'monsoon'],
      createdAt: '2026-09-01T00:00:00Z',
      departures: [{ start: '2027-07-15' }],
    })
  ).tripId;
  ids.goechala = (
    await makeTrip(t.deps, {
      organizerId: org,
      title: 'Goechala Trek',
      destination: 'Yuksom, Sikkim',
      region: 'Sikkim',
      difficulty: 'advanced',
      pricePaise: 20_000_00,
      categories: ['high-altitude', 'summit'],
      createdAt: '2026-08-01T00:00:00Z',
      departures: [{ start: '2026-12-05', capacity: 12 }],
    })
  ).tripId;
  ids.dzukou = (
    await makeTrip(t.deps, {
      organizerId: org,
      title: 'Dzükou Valley Weekend',
      region: 'Northeast',
      difficulty: 'beginner',
      pricePaise: 7_000_00,
      categories: ['camping', 'weekend'],
      createdAt: '2026-11-20T00:00:00Z',
      departures: [{ start: '2026-12-01' }],
    })
  ).tripId;
});
afterAll(() => t.close());

/** Trip ids found by a search, in order (through the service, as the page uses it). */
async function found(params: Record<string, string>): Promise<number[]> {
  const r = await searchTrips(t.deps, SearchQuery.parse(params));
  return r.cards.map((c) => c.id);
}
const named = (...names: string[]) => names.map((n) => ids[n]);

describe('text search', () => {
  it('matches title, description and destination words, by prefix and in any case', async () => {
    expect(await found({ q: 'kedarkantha' })).toEqual(named('kedar'));
    expect(await found({ q: 'KEDAR' })).toEqual(named('kedar'));
    expect(await found({ q: 'hemkund' })).toEqual(named('flowers'));
    expect(await found({ q: 'yuks' })).toEqual(named('goechala'));
  });

  it('needs every word, and ignores accents', async () => {
    expect(await found({ q: 'valley' })).toEqual(named('dzukou', 'flowers'));
    expect(await found({ q: 'valley flowers' })).toEqual(named('flowers'));
    expect(await found({ q: 'dzukou' })).toEqual(named('dzukou'));
    expect(await found({ q: 'valley nowhere' })).toEqual([]);
  });

  const hostile = [
    '"',
    '""',
    '*',
    'kedar*',
    'OR',
    'kedar OR',
    'NEAR(',
    'NEAR(kedar goechala, 2)',
    'AND NOT',
    '-kedar',
    '^kedar',
    'title:kedar',
    '{title}: kedar',
    '(',
    ')',
    "'; drop table trips; --",
    'kedar"',
    '\\',
    '\u0000',
    '🏔️',
    'x'.repeat(5000),
    '" OR "" "*',
  ];
  it('hostile query strings never raise, over HTTP too', async () => {
    for (const q of hostile) {
      const res = await t.request(`/trips?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(await res.text()).toContain('id="results"');
    }
    expect(await found({ q: 'kedar*' })).toEqual(named('kedar'));
    expect(await found({ q: 'kedar OR goechala' })).toEqual([]);
    expect(await found({ q: 'NEAR(kedar' })).toEqual([]);
    expect(ftsQuery('say "hi" *')).toBe('"say"* """hi"""*');
    expect(ftsQuery('*** ()')).toBeNull();
    expect(ftsQuery('a\u0000b')).toBe('"a"* "b"*');
  });

  it('no string whatsoever makes the search throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'binary' }), async (q) => {
        const r = await searchTrips(t.deps, SearchQuery.parse({ q }));
        expect(r.total).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('filters and sorting', () => {
  it('filters by region, category, difficulty and price, combined', async () => {
    expect(await found({ region: 'Uttarakhand' })).toEqual(named('kedar', 'flowers'));
    expect(await found({ category: 'high-altitude' })).toEqual(named('goechala', 'hampta'));
    expect(await found({ region: 'Uttarakhand', difficulty: 'beginner', max: '10000' })).toEqual(named('flowers'));
    expect(await found({ min: '12000', max: '15000' })).toEqual(named('kedar', 'hampta'));
    expect(await found({ q: 'trek', difficulty: 'advanced' })).toEqual(named('goechala'));
  });

  it('filters by departure dates and by seats left, per departure', async () => {
    expect(await found({ from: '2027-01-01', to: '2027-01-31' })).toEqual(named('kedar'));
    expect(await found({ to: '2026-12-31' })).toEqual(named('dzukou', 'goechala', 'kedar'));
    expect(await found({ to: '2026-12-31', seats: '1' })).toEqual(named('dzukou', 'goechala'));
    // With seats only, Kedarkantha's next bookable departure is the January one.
    const r = await searchTrips(t.deps, SearchQuery.parse({ q: 'kedar', seats: '1' }));
    expect(r.cards[0].next).toMatchObject({ startDate: '2027-01-10', seatsLeft: 8 });
  });

  it('a start date in the past is treated as today', async () => {
    expect(await found({ from: '2020-01-01' })).toEqual(await found({}));
  });

  it('sorts by soonest departure, price both ways and newest', async () => {
    expect(await found({})).toEqual(named('dzukou', 'goechala', 'kedar', 'hampta', 'flowers'));
    expect(await found({ sort: 'price_asc' })).toEqual(named('dzukou', 'flowers', 'kedar', 'hampta', 'goechala'));
    expect(await found({ sort: 'price_desc' })).toEqual(named('goechala', 'hampta', 'kedar', 'flowers', 'dzukou'));
    expect(await found({ sort: 'newest' })).toEqual(named('dzukou', 'hampta', 'kedar', 'flowers', 'goechala'));
  });

  it('ignores values it does not understand instead of failing', async () => {
    const res = await t.request(
      '/trips?region=Mars&difficulty=extreme&sort=random&page=-3&min=abc&from=2027-13-45&seats=yes',
    );
    expect(res.status).toBe(200);
    expect(
      await found({
        region: 'Mars',
        difficulty: 'extreme',
        sort: 'random',
        page: '-3',
        min: 'abc',
        from: '2027-13-45',
      }),
    ).toEqual(await found({}));
  });

  it('both search plans return the same trips in the same order', async () => {
    const cases: [SearchFilters, Sort][] = [
      [{ from: '2026-11-25' }, 'soonest'],
      [{ from: '2026-11-25', match: '"valley"*' }, 'soonest'],
      [{ from: '2026-11-25', region: 'Uttarakhand', seatsOnly: true }, 'soonest'],
      [{ from: '2026-11-25', category: 'high-altitude' }, 'price_desc'],
      [{ from: '2026-12-10', to: '2027-06-30' }, 'price_asc'],
      [{ from: '2026-11-25', difficulty: 'beginner' }, 'newest'],
    ];
    for (const [f, sort] of cases) {
      const a = await sql<{ id: number; next_start: string }>`${searchSql(f, sort, 'trips')}`.execute(t.db);
      const b = await sql<{ id: number; next_start: string }>`${searchSql(f, sort, 'stream')}`.execute(t.db);
      expect(a.rows.length).toBeGreaterThan(0);
      expect(b.rows).toEqual(a.rows);
    }
  });

  it('looks few candidate trips up one by one, and walks an index for many', async () => {
    expect(await choosePlan(t.db, { from: '2026-11-25' })).toBe('stream');
    expect(await choosePlan(t.db, { from: '2026-11-25', match: '"goechala"*' })).toBe('trips');
    expect(await choosePlan(t.db, { from: '2026-11-25', region: 'Sikkim', difficulty: 'advanced' })).toBe('trips');
  });

  it('the listing walks an index of departures, never a full scan', async () => {
    for (const [f, sort] of [
      [{ from: '2026-11-25', seatsOnly: true }, 'soonest'],
      [{ from: '2026-11-25', match: '"trek"*' }, 'price_asc'],
    ] as [SearchFilters, Sort][]) {
      const plan = await sql<{ detail: string }>`explain query plan ${searchSql(f, sort, 'stream')}`.execute(t.db);
      const details = plan.rows.map((r) => r.detail);
      expect(
        details.filter((d) => /^SCAN (d|e|t|departures|trips)\b/.test(d)),
        details.join('\n'),
      ).toEqual([]);
    }
  });
});

describe('the search page', () => {
  it('keeps the whole search in the URL of a GET form', async () => {
    const html = await (await t.request('/trips?q=trek&region=Uttarakhand&sort=price_asc&seats=1')).text();
    expect(html).toContain('<form method="get" action="/trips" aria-label="Search treks"');
    expect(html).toContain('<div role="search"><input id="q" type="search" name="q" value="trek"');
    expect(html).toContain('value="trek"');
    expect(html).toContain('<option value="Uttarakhand" selected="">');
    expect(html).toContain('<option value="price_asc" selected="">');
    expect(html).toMatch(/name="seats" value="1" checked/);
    expect(html).toContain('hx-get="/trips"');
    expect(html).toContain('hx-target="#results"');
    expect(html).toContain('hx-push-url="true"');
  });

  it('an htmx request gets only the result list; a history restore gets the page', async () => {
    const frag = await t.request('/trips?q=valley', { headers: { 'HX-Request': 'true' } });
    expect(frag.headers.get('vary')).toContain('HX-Request');
    const tidy = await t.request('/trips?q=valley&region=&category=&min=&sort=soonest&page=1', {
      headers: { 'HX-Request': 'true' },
    });
    expect(tidy.headers.get('hx-push-url')).toBe('/trips?q=valley');
    const body = await frag.text();
    expect(body.startsWith('<section id="results"')).toBe(true);
    expect(body).not.toContain('<html');
    expect(body).toContain('Dzükou Valley Weekend');
    const restore = await t.request('/trips?q=valley', {
      headers: { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' },
    });
    expect(await restore.text()).toContain('<html');
  });

  it('shows prices in rupees with Indian grouping, dates in IST, seats and difficulty on cards', async () => {
    const html = await (await t.request('/trips?q=goechala')).text();
    expect(html).toContain('₹20,000');
    expect(html).toContain('5 Dec 2026');
    expect(html).toContain('12 seats left');
    expect(html).toContain('Advanced');
  });

  it('an empty result suggests what to try', async () => {
    const html = await (await t.request('/trips?q=zanskar')).text();
    expect(html).toContain('No treks match');
    expect(html).toContain('href="/trips?q=Kedarkantha"');
  });

  it('paginates 12 to a page, keeps the filters in the links, and clamps odd pages', async () => {
    const org = await createUser(t.deps, { role: 'organizer' });
    for (let i = 0; i < 14; i++)
      (
        await makeTrip(t.deps, {
          organizerId: org,
          title: `Bulkfest hike ${i}`,
          departures: [{ start: `2027-03-${String(i + 1).padStart(2, '0')}` }],
        })
      ).tripId;
    const p1 = await searchTrips(t.deps, SearchQuery.parse({ q: 'bulkfest' }));
    expect([p1.total, p1.pages, p1.cards.length, p1.cards[0].title]).toEqual([14, 2, 12, 'Bulkfest hike 0']);
    const p2 = await searchTrips(t.deps, SearchQuery.parse({ q: 'bulkfest', page: '2' }));
    expect(p2.cards.map((c) => c.title)).toEqual(['Bulkfest hike 12', 'Bulkfest hike 13']);
    expect((await searchTrips(t.deps, SearchQuery.parse({ q: 'bulkfest', page: '99' }))).page).toBe(2);
    const html = await (await t.request('/trips?q=bulkfest&sort=soonest')).text();
    expect(html).toContain('14 treks · page 1 of 2');
    expect(html).toContain('href="/trips?q=bulkfest&amp;page=2"');
    expect(html).not.toContain('rel="prev"');
    const last = await (await t.request('/trips?q=bulkfest&page=2')).text();
    expect(last).toContain('href="/trips?q=bulkfest"');
    expect(last).not.toContain('rel="next"');
  });

  it('counts at most 120 matches and asks for a narrower search beyond that', async () => {
    const org = await createUser(t.deps, { role: 'organizer' });
    for (let i = 0; i < 121; i++)
      (await makeTrip(t.deps, { organizerId: org, title: `Crowded trail ${i}`, departures: [{ start: '2027-04-01' }] }))
        .tripId;
    const r = await searchTrips(t.deps, SearchQuery.parse({ q: 'crowded' }));
    expect([r.total, r.capped, r.pages]).toEqual([120, true, 10]);
    expect(await (await t.request('/trips?q=crowded')).text()).toContain('More than 120 treks match');
  });
});
