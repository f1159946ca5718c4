/**
 * npm run seed:demo — fills the database with demo organizers and treks (about 8 organizers,
 * 60 trips across the Indian Himalaya, the Western Ghats and the Northeast) with departures,
 * schedules and photos drawn locally with sharp. Nothing is downloaded. Safe to run twice:
 * a second run sees the demo organizers and stops.
 */
import { join } from 'node:path';
import { hashPassword } from '../auth/passwords.js';
import sharp from 'sharp';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../db.js';
import { systemClock } from '../lib/clock.js';
import { storeImage, type StoredImage } from '../lib/images.js';
import { istDate } from '../lib/time.js';
import { getSettings } from '../lib/settings.js';
import { randomToken } from '../lib/tokens.js';
import { ORGANIZERS, ORG_REGIONS } from './seed-demo-data.js';
import { HIMALAYAN_TREKS } from './seed-demo-treks-himalaya.js';
import { GHATS_AND_NORTHEAST_TREKS } from './seed-demo-treks-ghats-northeast.js';
import * as q from './queries.js';

const TREKS = [...HIMALAYAN_TREKS, ...GHATS_AND_NORTHEAST_TREKS];

/** A landscape: sky gradient, two mountain ranges, a sun, drawn from the seed. */
function landscape(seed: number): Buffer {
  const hue = (seed * 47) % 360;
  const peaks = (n: number, base: number, amp: number) => {
    const pts = [`0,800`];
    for (let i = 0; i <= n; i++)
      pts.push(`${Math.round((1280 / n) * i)},${Math.round(base - amp * Math.abs(Math.sin(seed * 1.7 + i * 1.3)))}`);
    pts.push('1280,800');
    return pts.join(' ');
  };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},70%,85%)"/></linearGradient></defs>
    <rect width="1280" height="800" fill="url(#s)"/>
    <circle cx="${200 + ((seed * 97) % 900)}" cy="180" r="70" fill="hsl(45,95%,85%)"/>
    <polygon points="${peaks(7, 520, 300)}" fill="hsl(${(hue + 200) % 360},25%,45%)"/>
    <polygon points="${peaks(5, 640, 180)}" fill="hsl(${(hue + 120) % 360},35%,28%)"/>
  </svg>`;
  return Buffer.from(svg);
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Who owns which treks, how they sign in: one table, one row per organizer. */
function ownersTable(owners: { name: string; email: string; treks: string[] }[], password: string): string {
  const rows = [
    ['Organizer', 'Sign-in email', 'Password', 'Treks'],
    ...owners.map((o) => [o.name, o.email, password, o.treks.join('; ')]),
  ];
  const width = (col: number) => Math.max(...rows.map((r) => r[col].length));
  return rows.map((r) => r.map((cell, col) => (col < 3 ? cell.padEnd(width(col)) : cell)).join('  ')).join('\n');
}

async function main() {
  const config = loadConfig();
  const { db, sqlite } = openDatabase(join(config.dataDir, 'trektribe.db'));
  await migrateToLatest(db);
  const clock = systemClock;
  const existing = await q.countDemoOrganizers(db);
  if (existing > 0) {
    console.log(`Demo data is already there (${existing} demo organizers). Nothing to do.`);
    await db.destroy();
    return;
  }
  const password = config.setupPassword ?? randomToken().slice(0, 16);
  const listings = (await getSettings(db)).planListings;
  const passwordHash = await hashPassword(password);
  const now = clock.now().toISOString();
  const today = istDate(clock.now());
  let seed = 1;
  let trips = 0;
  let departures = 0;
  const owners: { name: string; email: string; treks: string[] }[] = [];

  for (const [i, o] of ORGANIZERS.entries()) {
    const orgId = await q.insertDemoOrganizer(db, {
      email: `demo-organizer-${i + 1}@trektribe.local`,
      name: o.name,
      phone: `+9198000000${String(i + 1).padStart(2, '0')}`,
      role: 'organizer',
      password_hash: passwordHash,
      email_verified_at: now,
      phone_verified_at: now,
      org_display_name: o.name,
      org_about: o.about,
      location: o.location,
      upi_id: `demo${i + 1}@okaxis`,
      created_at: now,
      updated_at: now,
    });
    const owner = { name: o.name, email: `demo-organizer-${i + 1}@trektribe.local`, treks: [] as string[] };
    owners.push(owner);
    const mine = TREKS.filter((t) => ORG_REGIONS[i].includes(t.region));
    // The demo obeys the plan: as many active trips as it includes (a trial's), the rest drafts.
    let active = 0;
    for (let k = 0; k < 8; k++) {
      const trek = mine[k % mine.length];
      const variant =
        k >= mine.length
          ? ` (${['private batch', 'photography special', 'weekday batch', 'women only batch'][k % 4]})`
          : '';
      const price = Math.round((trek.price * (0.9 + ((seed * 13) % 25) / 100)) / 100) * 100;
      const images: StoredImage[] = [];
      for (let n = 0; n < 1 + (seed % 2); n++) {
        const jpeg = await sharp(landscape(seed * 3 + n))
          .jpeg({ quality: 80 })
          .toBuffer();
        images.push(await storeImage(config.dataDir, new Uint8Array(jpeg)));
      }
      const status = seed % 15 !== 0 && active < listings ? 'active' : 'draft';
      if (status === 'active') active++;
      // Departures on Saturdays in the trek's months over the next year, two to five of them.
      const starts: string[] = [];
      for (let d = 3; d < 365 && starts.length < 2 + (seed % 4); d += 7 + (seed % 9)) {
        const day = addDays(today, d);
        if (trek.months.includes(Number(day.slice(5, 7)))) starts.push(day);
      }
      if (starts.length === 0) starts.push(addDays(today, 10 + (seed % 30)));
      const capacity = [10, 12, 15, 20][seed % 4];
      await q.insertDemoTrip(
        db,
        {
          organizer_id: orgId,
          title: `${trek.name} Trek${variant}`,
          description: `${trek.blurb}\n\nRun by ${o.name}, ${o.location}. Groups of up to 15 with a trek leader, a local guide and a cook.`,
          destination: trek.destination,
          region: trek.region,
          price_paise: price * 100,
          categories: JSON.stringify(trek.categories),
          difficulty: trek.difficulty,
          included: JSON.stringify([
            'Vegetarian meals on the trek',
            'Tents and sleeping bags',
            'Trek leader and guide',
            'Forest permits',
          ]),
          requirements: JSON.stringify([
            'Trekking shoes with ankle support',
            'A 40–60 litre backpack',
            'Warm layers and a rain jacket',
            trek.difficulty === 'advanced' ? 'A previous high-altitude trek' : 'Able to walk 6 hours a day',
          ]),
          itinerary:
            `Meet at ${trek.destination.split(',')[0]} on day 1 by noon. ${trek.days > 3 ? 'Day packs only after the first camp: mules carry the rest.' : ''}`.trim(),
          schedule: JSON.stringify(
            trek.days_.map((title, d) => ({
              day: d + 1,
              title,
              activities:
                d === 0 ? 'Meet the team, briefing and gear check.' : 'Walk 5–7 hours with breaks; evening at camp.',
            })),
          ),
          meeting_point: `${trek.destination.split(',')[0]} bus stand`,
          status,
          refund_policy: null,
          created_at: new Date(Date.parse(now) - seed * 86_400_000).toISOString(),
          updated_at: now,
        },
        images.map((img, n) => ({
          key: img.key,
          width: img.width,
          height: img.height,
          position: n,
          is_cover: n === 0 ? 1 : 0,
        })),
        starts.map((s) => ({ start_date: s, end_date: addDays(s, trek.days - 1), capacity })),
      );
      departures += starts.length;
      owner.treks.push(`${trek.name} Trek${variant}`);
      trips += 1;
      seed += 1;
    }
  }
  console.log(`Demo data: ${ORGANIZERS.length} organizers, ${trips} trips, ${departures} departures.`);
  console.log(ownersTable(owners, password));
  if (config.setupPassword) console.log('The password is the one in SETUP_PASSWORD.');
  await db.destroy();
  if (sqlite.open) sqlite.close();
}

await main();
