import type Sqlite from 'better-sqlite3';
import { CATEGORY_SLUGS, REGIONS, DIFFICULTIES } from '../src/trips/catalog.js';

const PLACES = [
  'Kedarkantha',
  'Hampta Pass',
  'Valley of Flowers',
  'Roopkund',
  'Goechala',
  'Markha Valley',
  'Kashmir Great Lakes',
  'Chadar',
  'Kudremukh',
  'Dzukou Valley',
  'Triund',
  'Brahmatal',
  'Har Ki Dun',
  'Sandakphu',
  'Tarsar Marsar',
  'Pin Parvati',
  'Kuari Pass',
  'Bhrigu Lake',
  'Rajmachi',
  'Netravati',
  'Dayara Bugyal',
  'Beas Kund',
  'Chandrashila',
  'Stok Kangri',
  'Nag Tibba',
  'Kalsubai',
  'Tadiandamol',
  'Goecha La',
  'Phulara Ridge',
  'Buran Ghati',
];
/** Nouns and adjectives a trek description is made of; each lands in roughly one description in ten. */
const WORDS = (
  'meadow ridge glacier forest sunrise camp village pine oak rhododendron snow lake pass summit river monastery waterfall valley homestay bonfire stars trail shepherd moraine alpine ' +
  'cedar deodar birch bamboo orchid yak pony mule porter guide cook tent sleeping bag lantern tea maggi chai dal rice roti apple walnut apricot barley temple shrine gompa prayer flags stupa ' +
  'bridge stream spring pool boulder scree cliff gorge canyon plateau bugyal thach dhar kund tal top peak col saddle crest spur slope ledge cave hut dhaba cottage farm terrace orchard ' +
  'eagle pheasant monal leopard bear deer langur butterfly wildflower moss lichen fern mist cloud rain hail frost ice dawn dusk moon milky way sunset panorama view vista horizon ' +
  'quiet gentle steep rocky grassy muddy sandy frozen icy windy sunny misty green golden silver blue white wild remote hidden ancient sacred local warm cosy simple hearty fresh ' +
  'acclimatise climb descend walk hike scramble cross ford camp rest explore photograph meet share cook learn watch listen breathe'
).split(/\s+/);

/** Deterministic pseudo-random numbers so every bench run builds the same data. */
export function rng(seed = 42) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Fills a migrated database with `trips` trips and `departuresPerTrip` departures each, in one
 * transaction with prepared statements (the FTS and category triggers run as for real rows).
 */
export function generateTrips(
  sqlite: Sqlite.Database,
  o: { trips: number; departuresPerTrip: number; organizers: number; today: string; seed?: number },
) {
  const r = rng(o.seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const now = new Date(`${o.today}T06:00:00Z`).toISOString();
  const insUser = sqlite.prepare(
    `insert into users (email, name, phone, role, status, created_at, updated_at) values (?, ?, ?, 'organizer', ?, ?, ?)`,
  );
  const insTrip = sqlite.prepare(
    `insert into trips (organizer_id, title, description, destination, region, price_paise, categories, difficulty, itinerary, schedule, status, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, '', '[]', ?, ?, ?)`,
  );
  const insDep = sqlite.prepare(
    `insert into departures (trip_id, start_date, end_date, capacity, seats_taken, status) values (?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    const orgIds: number[] = [];
    for (let i = 0; i < o.organizers; i++) {
      const status = i % 50 === 49 ? 'deactivated' : 'active';
      orgIds.push(
        Number(
          insUser.run(
            `bench-org-${i}@example.test`,
            `Organizer ${i}`,
            `+9190000${String(i).padStart(5, '0')}`,
            status,
            now,
            now,
          ).lastInsertRowid,
        ),
      );
    }
    for (let i = 0; i < o.trips; i++) {
      const place = pick(PLACES);
      const words = Array.from({ length: 20 }, () => pick(WORDS)).join(' ');
      const cats = [...new Set([pick(CATEGORY_SLUGS), pick(CATEGORY_SLUGS)])];
      const x = r();
      const status = x < 0.85 ? 'active' : x < 0.92 ? 'draft' : x < 0.97 ? 'inactive' : 'completed';
      const days = 2 + Math.floor(r() * 8);
      const created = new Date(Date.parse(now) - Math.floor(r() * 400) * 86_400_000).toISOString();
      const id = Number(
        insTrip.run(
          pick(orgIds),
          `${place} ${pick(['Trek', 'Expedition', 'Trail', 'Camp'])} ${i}`,
          `${place}: ${words}`,
          `${place}, ${pick(REGIONS)}`,
          pick(REGIONS),
          (3000 + Math.floor(r() * 400) * 100) * 100,
          JSON.stringify(cats),
          pick(DIFFICULTIES),
          status,
          created,
          created,
        ).lastInsertRowid,
      );
      for (let j = 0; j < o.departuresPerTrip; j++) {
        const start = addDays(o.today, Math.floor(r() * 420) - 60);
        const cap = 8 + Math.floor(r() * 25);
        insDep.run(
          id,
          start,
          addDays(start, days - 1),
          cap,
          Math.floor(r() * (cap + 1)),
          r() < 0.05 ? 'cancelled' : 'open',
        );
      }
    }
  })();
}
