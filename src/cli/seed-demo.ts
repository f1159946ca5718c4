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
import type { Category, Region } from '../trips/catalog.js';
import type { Difficulty } from '../trips/tables.js';

interface Trek {
  name: string;
  region: Region;
  destination: string;
  days: number;
  difficulty: Difficulty;
  /** Typical price in rupees. */
  price: number;
  categories: Category[];
  months: number[];
  blurb: string;
  days_: string[];
}

const TREKS: Trek[] = [
  {
    name: 'Kedarkantha',
    region: 'Uttarakhand',
    destination: 'Sankri, Uttarkashi',
    days: 6,
    difficulty: 'beginner',
    price: 11_500,
    categories: ['snow', 'first-trek', 'summit'],
    months: [12, 1, 2, 3, 4],
    blurb: 'A winter summit above pine forests, with camps on snowy clearings and a sunrise view of Swargarohini.',
    days_: [
      'Dehradun to Sankri',
      'Sankri to Juda ka Talab',
      'Juda ka Talab to base camp',
      'Summit and back to Hargaon',
      'Hargaon to Sankri',
      'Drive back to Dehradun',
    ],
  },
  {
    name: 'Har Ki Dun',
    region: 'Uttarakhand',
    destination: 'Sankri, Uttarkashi',
    days: 7,
    difficulty: 'beginner',
    price: 12_500,
    categories: ['culture', 'forest', 'first-trek'],
    months: [4, 5, 6, 9, 10, 11],
    blurb: 'The Valley of Gods: old wooden villages, glacial meadows and a walk beside the Supin river.',
    days_: [
      'Dehradun to Sankri',
      'Sankri to Pauni Garaat',
      'Pauni Garaat to Kalkatiyadhar',
      'Kalkatiyadhar to Har Ki Dun',
      'Explore Maninda Tal',
      'Back to Pauni Garaat',
      'Down to Sankri',
    ],
  },
  {
    name: 'Valley of Flowers',
    region: 'Uttarakhand',
    destination: 'Govindghat, Chamoli',
    days: 6,
    difficulty: 'beginner',
    price: 13_500,
    categories: ['monsoon', 'photography', 'forest'],
    months: [7, 8],
    blurb: 'A UNESCO valley in full monsoon bloom, with a climb to the glacial lake of Hemkund Sahib.',
    days_: [
      'Rishikesh to Joshimath',
      'Govindghat to Ghangaria',
      'Valley of Flowers',
      'Hemkund Sahib',
      'Ghangaria to Govindghat',
      'Drive to Rishikesh',
    ],
  },
  {
    name: 'Brahmatal',
    region: 'Uttarakhand',
    destination: 'Lohajung, Chamoli',
    days: 6,
    difficulty: 'intermediate',
    price: 12_000,
    categories: ['snow', 'lakes'],
    months: [12, 1, 2, 3],
    blurb: 'Frozen lakes and the closest views of Trishul and Nanda Ghunti a winter trek can give.',
    days_: [
      'Kathgodam to Lohajung',
      'Lohajung to Bekaltal',
      'Bekaltal to Brahmatal',
      'Summit day',
      'Back to Lohajung',
      'Drive to Kathgodam',
    ],
  },
  {
    name: 'Roopkund',
    region: 'Uttarakhand',
    destination: 'Lohajung, Chamoli',
    days: 8,
    difficulty: 'advanced',
    price: 16_500,
    categories: ['high-altitude', 'lakes'],
    months: [5, 6, 9, 10],
    blurb: 'The mystery lake at 4,800 m, through the great meadows of Ali and Bedni Bugyal.',
    days_: [
      'Kathgodam to Lohajung',
      'Didna village',
      'Ali Bugyal',
      'Bedni Bugyal',
      'Patar Nachauni',
      'Bhagwabasa',
      'Roopkund and back',
      'Return',
    ],
  },
  {
    name: 'Kuari Pass',
    region: 'Uttarakhand',
    destination: 'Joshimath, Chamoli',
    days: 6,
    difficulty: 'beginner',
    price: 10_500,
    categories: ['first-trek', 'snow', 'photography'],
    months: [12, 1, 2, 3, 4, 10, 11],
    blurb: 'Lord Curzon’s trail: oak forests and a pass facing Nanda Devi, Dronagiri and Kamet.',
    days_: [
      'Rishikesh to Joshimath',
      'Dhak to Gulling',
      'Gulling to Tali',
      'Kuari Pass',
      'Down to Dhak',
      'Back to Rishikesh',
    ],
  },
  {
    name: 'Dayara Bugyal',
    region: 'Uttarakhand',
    destination: 'Raithal, Uttarkashi',
    days: 5,
    difficulty: 'beginner',
    price: 9_000,
    categories: ['first-trek', 'family', 'snow'],
    months: [12, 1, 2, 3, 5, 10],
    blurb: 'Rolling high meadows above Raithal, gentle enough for a first Himalayan trek with children.',
    days_: [
      'Dehradun to Raithal',
      'Raithal to Gui',
      'Gui to Dayara Bugyal',
      'Bakaria Top and back to Raithal',
      'Drive back',
    ],
  },
  {
    name: 'Hampta Pass',
    region: 'Himachal Pradesh',
    destination: 'Manali, Kullu',
    days: 5,
    difficulty: 'intermediate',
    price: 10_500,
    categories: ['high-altitude', 'camping'],
    months: [6, 7, 8, 9],
    blurb: 'A crossover from the green Kullu valley to the stark desert of Lahaul, with a visit to Chandratal.',
    days_: [
      'Manali to Jobra and Chika',
      'Chika to Balu ka Ghera',
      'Over Hampta Pass to Shea Goru',
      'Chatru and Chandratal',
      'Back to Manali',
    ],
  },
  {
    name: 'Bhrigu Lake',
    region: 'Himachal Pradesh',
    destination: 'Manali, Kullu',
    days: 4,
    difficulty: 'beginner',
    price: 7_500,
    categories: ['lakes', 'weekend', 'first-trek'],
    months: [5, 6, 9, 10],
    blurb: 'A short climb above Manali to an alpine lake said never to freeze completely.',
    days_: ['Manali to Gulaba and Jonker Thatch', 'Rola Kholi', 'Bhrigu Lake and back', 'Down to Manali'],
  },
  {
    name: 'Beas Kund',
    region: 'Himachal Pradesh',
    destination: 'Solang, Kullu',
    days: 4,
    difficulty: 'beginner',
    price: 7_000,
    categories: ['family', 'first-trek', 'camping'],
    months: [5, 6, 9, 10],
    blurb: 'The source of the Beas, in a bowl under Hanuman Tibba and the Seven Sisters.',
    days_: ['Manali to Solang and Dhundi', 'Bakarthach', 'Beas Kund and back', 'Drive to Manali'],
  },
  {
    name: 'Triund',
    region: 'Himachal Pradesh',
    destination: 'McLeod Ganj, Kangra',
    days: 2,
    difficulty: 'beginner',
    price: 2_500,
    categories: ['weekend', 'family', 'camping'],
    months: [3, 4, 5, 10, 11, 12],
    blurb: 'An overnight ridge camp above Dharamshala facing the Dhauladhar wall.',
    days_: ['McLeod Ganj to Triund', 'Sunrise and descent'],
  },
  {
    name: 'Pin Parvati Pass',
    region: 'Himachal Pradesh',
    destination: 'Barsheni, Kullu',
    days: 11,
    difficulty: 'advanced',
    price: 32_000,
    categories: ['high-altitude', 'summit'],
    months: [7, 8, 9],
    blurb: 'A 5,300 m crossing from the Parvati valley to the Pin valley of Spiti, for experienced trekkers.',
    days_: [
      'Barsheni to Kheerganga',
      'Tunda Bhuj',
      'Thakur Kuan',
      'Odi Thach',
      'Mantalai',
      'Base camp',
      'Pin Parvati Pass',
      'Pin valley camp',
      'Tiya',
      'Mudh',
      'Drive to Kaza',
    ],
  },
  {
    name: 'Buran Ghati',
    region: 'Himachal Pradesh',
    destination: 'Janglik, Shimla',
    days: 7,
    difficulty: 'intermediate',
    price: 15_500,
    categories: ['high-altitude', 'culture'],
    months: [5, 6, 9, 10],
    blurb: 'Dayara meadows, the Chandranahan lake and a snow wall rappel down from the pass.',
    days_: [
      'Shimla to Janglik',
      'Dayara',
      'Litham',
      'Chandranahan Lake',
      'Dhunda',
      'Buran Ghati to Munirang',
      'Barua village and drive out',
    ],
  },
  {
    name: 'Goechala',
    region: 'Sikkim',
    destination: 'Yuksom, West Sikkim',
    days: 11,
    difficulty: 'advanced',
    price: 21_000,
    categories: ['high-altitude', 'photography', 'lakes'],
    months: [4, 5, 10, 11],
    blurb: 'Kanchenjunga at arm’s length, through rhododendron forests and the Samiti lake.',
    days_: [
      'Bagdogra to Yuksom',
      'Sachen',
      'Tshoka',
      'Dzongri',
      'Dzongri Top',
      'Thansing',
      'Lamuney',
      'Goechala viewpoint',
      'Kokchurang',
      'Tshoka',
      'Yuksom',
    ],
  },
  {
    name: 'Sandakphu',
    region: 'Sikkim',
    destination: 'Manebhanjan, Darjeeling',
    days: 6,
    difficulty: 'intermediate',
    price: 12_000,
    categories: ['photography', 'culture'],
    months: [3, 4, 5, 10, 11, 12],
    blurb: 'The sleeping Buddha: Everest, Lhotse, Makalu and Kanchenjunga in one view from the Singalila ridge.',
    days_: ['NJP to Manebhanjan', 'Tumling', 'Kalapokhri', 'Sandakphu', 'Sabargram and Phalut', 'Down to Srikhola'],
  },
  {
    name: 'Dzongri',
    region: 'Sikkim',
    destination: 'Yuksom, West Sikkim',
    days: 7,
    difficulty: 'intermediate',
    price: 14_500,
    categories: ['high-altitude', 'forest'],
    months: [4, 5, 10, 11],
    blurb: 'The shorter sister of Goechala: yak meadows and a sunrise over Kabru and Pandim.',
    days_: ['Bagdogra to Yuksom', 'Sachen', 'Tshoka', 'Dzongri', 'Dzongri Top', 'Back to Tshoka', 'Yuksom'],
  },
  {
    name: 'Markha Valley',
    region: 'Ladakh',
    destination: 'Chilling, Leh',
    days: 8,
    difficulty: 'intermediate',
    price: 19_500,
    categories: ['culture', 'high-altitude'],
    months: [6, 7, 8, 9],
    blurb: 'Village homestays, gompas and the Kongmaru La at 5,200 m in the desert light of Ladakh.',
    days_: [
      'Arrive in Leh',
      'Acclimatise in Leh',
      'Chilling to Skiu',
      'Skiu to Markha',
      'Markha to Hankar',
      'Nimaling',
      'Kongmaru La to Chokdo',
      'Back to Leh',
    ],
  },
  {
    name: 'Chadar',
    region: 'Ladakh',
    destination: 'Leh',
    days: 9,
    difficulty: 'advanced',
    price: 28_000,
    categories: ['snow', 'high-altitude'],
    months: [1, 2],
    blurb: 'Walking the frozen Zanskar river between canyon walls at minus twenty.',
    days_: [
      'Arrive in Leh',
      'Acclimatise',
      'Medical check',
      'Shingra Koma',
      'Tibb cave',
      'Nerak waterfall',
      'Back to Tibb',
      'Shingra Koma and Leh',
      'Fly out',
    ],
  },
  {
    name: 'Stok Kangri base',
    region: 'Ladakh',
    destination: 'Stok, Leh',
    days: 7,
    difficulty: 'advanced',
    price: 22_000,
    categories: ['summit', 'high-altitude'],
    months: [7, 8, 9],
    blurb: 'An approach to the 6,000 m peak above Leh, with nights at Mankorma and base camp.',
    days_: ['Arrive in Leh', 'Acclimatise', 'Stok to Chang Ma', 'Mankorma', 'Base camp', 'Training day', 'Back to Leh'],
  },
  {
    name: 'Kashmir Great Lakes',
    region: 'Kashmir',
    destination: 'Sonamarg, Ganderbal',
    days: 7,
    difficulty: 'intermediate',
    price: 17_500,
    categories: ['lakes', 'photography', 'camping'],
    months: [7, 8, 9],
    blurb: 'Seven alpine lakes in a week: Vishansar, Krishansar, Gadsar, Satsar and the twin Gangabal.',
    days_: [
      'Srinagar to Shitkadi',
      'Nichnai',
      'Vishansar',
      'Gadsar via Gadsar Pass',
      'Satsar',
      'Gangabal twin lakes',
      'Naranag and Srinagar',
    ],
  },
  {
    name: 'Tarsar Marsar',
    region: 'Kashmir',
    destination: 'Aru, Pahalgam',
    days: 7,
    difficulty: 'intermediate',
    price: 16_000,
    categories: ['lakes', 'camping'],
    months: [7, 8, 9],
    blurb: 'Two sister lakes above the Aru valley, with shepherd meadows all the way.',
    days_: ['Srinagar to Aru', 'Lidderwat', 'Shekwas', 'Tarsar', 'Sundersar and Marsar', 'Homwas', 'Aru and Srinagar'],
  },
  {
    name: 'Kudremukh',
    region: 'Western Ghats',
    destination: 'Mullodi, Chikkamagaluru',
    days: 2,
    difficulty: 'intermediate',
    price: 3_500,
    categories: ['weekend', 'forest', 'monsoon'],
    months: [9, 10, 11, 12, 1, 2],
    blurb: 'The horse-face peak of the Ghats, through shola forest and rolling green grassland.',
    days_: ['Mullodi to the summit and back', 'Waterfall walk and return'],
  },
  {
    name: 'Netravati Peak',
    region: 'Western Ghats',
    destination: 'Samse, Chikkamagaluru',
    days: 2,
    difficulty: 'beginner',
    price: 3_000,
    categories: ['weekend', 'first-trek', 'forest'],
    months: [9, 10, 11, 12, 1],
    blurb: 'A grassy summit with the Western Ghats unrolling in every direction.',
    days_: ['Samse to the summit', 'Sunrise and return'],
  },
  {
    name: 'Tadiandamol',
    region: 'Western Ghats',
    destination: 'Kakkabe, Kodagu',
    days: 2,
    difficulty: 'beginner',
    price: 2_800,
    categories: ['weekend', 'family'],
    months: [10, 11, 12, 1, 2],
    blurb: 'The highest peak of Coorg, past the Nalknad palace and coffee estates.',
    days_: ['Kakkabe to the summit', 'Estate walk and return'],
  },
  {
    name: 'Rajmachi',
    region: 'Western Ghats',
    destination: 'Lonavala, Pune',
    days: 2,
    difficulty: 'beginner',
    price: 1_800,
    categories: ['monsoon', 'weekend', 'family'],
    months: [6, 7, 8, 9],
    blurb: 'A monsoon night walk to the fireflies and twin forts of Rajmachi.',
    days_: ['Lonavala to Udhewadi', 'Forts and return'],
  },
  {
    name: 'Kalsubai',
    region: 'Western Ghats',
    destination: 'Bari, Ahmednagar',
    days: 1,
    difficulty: 'intermediate',
    price: 1_500,
    categories: ['monsoon', 'summit', 'weekend'],
    months: [6, 7, 8, 9, 10],
    blurb: 'Maharashtra’s highest point, with iron ladders over the steep sections.',
    days_: ['Bari to the summit and back'],
  },
  {
    name: 'Dzukou Valley',
    region: 'Northeast',
    destination: 'Viswema, Kohima',
    days: 3,
    difficulty: 'beginner',
    price: 6_500,
    categories: ['camping', 'photography', 'weekend'],
    months: [6, 7, 10, 11],
    blurb: 'Emerald bamboo hills on the Nagaland–Manipur border, famous for its summer lilies.',
    days_: ['Kohima to Viswema and the valley', 'Explore the valley', 'Down through Zakhama'],
  },
  {
    name: 'Living root bridges',
    region: 'Northeast',
    destination: 'Tyrna, East Khasi Hills',
    days: 3,
    difficulty: 'beginner',
    price: 5_500,
    categories: ['culture', 'monsoon', 'family'],
    months: [3, 4, 10, 11, 12],
    blurb: 'The double-decker root bridge of Nongriat and the blue pools of Rainbow Falls.',
    days_: ['Shillong to Tyrna and Nongriat', 'Rainbow Falls', 'Back to Shillong'],
  },
  {
    name: 'Tawang and Sela',
    region: 'Northeast',
    destination: 'Tawang, Arunachal Pradesh',
    days: 6,
    difficulty: 'intermediate',
    price: 18_000,
    categories: ['culture', 'lakes', 'high-altitude'],
    months: [4, 5, 10, 11],
    blurb: 'Monasteries, high lakes around Sela Pass and the villages of the Monpa.',
    days_: [
      'Guwahati to Dirang',
      'Dirang to Tawang over Sela',
      'Tawang monastery',
      'Lakes day',
      'Back to Dirang',
      'Guwahati',
    ],
  },
];

const ORGANIZERS = [
  {
    name: 'Himalayan Trails Co.',
    location: 'Dehradun',
    about: 'Small groups in Garhwal and Kumaon since 2012. Local guides from Sankri and Lohajung.',
  },
  {
    name: 'Parvati Mountain Guides',
    location: 'Manali',
    about: 'Certified guides for Kullu, Lahaul and Spiti: passes, lakes and first treks.',
  },
  {
    name: 'Kanchen Treks',
    location: 'Yuksom',
    about: 'Sikkimese team running Goechala and Dzongri the slow way, with acclimatisation days.',
  },
  {
    name: 'High Desert Expeditions',
    location: 'Leh',
    about: 'Ladakh homestay treks and winter Chadar, with oxygen and a medic on every batch.',
  },
  {
    name: 'Valley Lakes Kashmir',
    location: 'Srinagar',
    about: 'Great Lakes and Tarsar Marsar with our own horses and kitchen crew.',
  },
  {
    name: 'Sahyadri Weekenders',
    location: 'Pune',
    about: 'Monsoon and weekend treks in the Sahyadris for working people and families.',
  },
  {
    name: 'Malnad Trek Club',
    location: 'Bengaluru',
    about: 'Kudremukh, Netravati and Coorg with forest department permits sorted.',
  },
  {
    name: 'Seven Sisters Outdoors',
    location: 'Guwahati',
    about: 'Nagaland, Meghalaya and Arunachal trails with local hosts.',
  },
];

const ORG_REGIONS: Region[][] = [
  ['Uttarakhand'],
  ['Himachal Pradesh'],
  ['Sikkim'],
  ['Ladakh'],
  ['Kashmir'],
  ['Western Ghats'],
  ['Western Ghats', 'Uttarakhand'],
  ['Northeast', 'Sikkim'],
];

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
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('email', 'like', 'demo-organizer-%@trektribe.local')
    .execute();
  if (existing.length > 0) {
    console.log(`Demo data is already there (${existing.length} demo organizers). Nothing to do.`);
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
    const { id: orgId } = await db
      .insertInto('users')
      .values({
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
      })
      .returning('id')
      .executeTakeFirstOrThrow();
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
      await db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('trips')
          .values({
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
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        for (const [n, img] of images.entries()) {
          await trx
            .insertInto('trip_images')
            .values({
              trip_id: id,
              key: img.key,
              width: img.width,
              height: img.height,
              position: n,
              is_cover: n === 0 ? 1 : 0,
            })
            .execute();
        }
        // Departures on Saturdays in the trek's months over the next year, two to five of them.
        const starts: string[] = [];
        for (let d = 3; d < 365 && starts.length < 2 + (seed % 4); d += 7 + (seed % 9)) {
          const day = addDays(today, d);
          if (trek.months.includes(Number(day.slice(5, 7)))) starts.push(day);
        }
        if (starts.length === 0) starts.push(addDays(today, 10 + (seed % 30)));
        for (const s of starts) {
          const capacity = [10, 12, 15, 20][seed % 4];
          await trx
            .insertInto('departures')
            .values({ trip_id: id, start_date: s, end_date: addDays(s, trek.days - 1), capacity })
            .execute();
          departures += 1;
        }
      });
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
