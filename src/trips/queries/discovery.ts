import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../schema.js';
import type { Difficulty } from '../tables.js';
import type { Sort } from '../catalog.js';

type Db = Kysely<Database>;

/** Discovery's SQL: what the public may see, search, cards, the home page, an organizer's public trips. */

// ---------------------------------------------------------------------------------------
// Public visibility

/**
 * Whether the organizer of trip `t` may be shown to the public: the account is active, and
 * their subscription has not lapsed (inactive or cancelled), which hides their trips
 * everywhere the public looks. An organizer with no subscription row (not signed in since
 * billing began) stays listed.
 */
export const organizerListed = () =>
  sql<SqlBool>`exists (select 1 from users u where u.id = t.organizer_id and u.status = 'active')
    and not exists (select 1 from subscriptions s where s.organizer_id = t.organizer_id and s.status in ('inactive', 'cancelled'))`;

/** Trip `t` is public: active, its organizer listed (a departure is checked separately). */
const tripPublic = () => sql<SqlBool>`t.status = 'active' and ${organizerListed()}`;

/** Departure `alias` is upcoming: open and not started yet (IST date `today`). */
const upcoming = (alias: string, today: string) =>
  sql<SqlBool>`${sql.ref(`${alias}.status`)} = 'open' and ${sql.ref(`${alias}.start_date`)} >= ${today}`;

/** Whether the trip is public: active, listed organizer, at least one upcoming departure. */
export async function isTripPublic(db: Db, tripId: number, today: string): Promise<boolean> {
  const r = await sql<{ one: number }>`select 1 as one from trips t where t.id = ${tripId} and ${tripPublic()}
    and exists (select 1 from departures e where e.trip_id = t.id and ${upcoming('e', today)})`.execute(db);
  return r.rows.length > 0;
}

// ---------------------------------------------------------------------------------------
// Search

export interface SearchFilters {
  /** An FTS5 MATCH expression built by ftsQuery(), never the user's raw text. */
  match?: string;
  region?: string;
  category?: string;
  difficulty?: Difficulty;
  /** Departure start date range, YYYY-MM-DD; `from` is never before today. */
  from: string;
  to?: string;
  minPaise?: number;
  maxPaise?: number;
  seatsOnly?: boolean;
}

const hasTripFilters = (f: SearchFilters) =>
  Boolean(f.match || f.region || f.category || f.difficulty || f.minPaise !== undefined || f.maxPaise !== undefined);

/** Conditions on trip `t` itself (visibility, text, region, category, difficulty, price). */
function tripWhere(f: SearchFilters, byText = false): RawBuilder<SqlBool> {
  const c: RawBuilder<unknown>[] = [tripPublic()];
  // Only the trip-driven plan looks trips up by their text; the others merely check it (+t.id).
  if (f.match)
    c.push(
      byText
        ? sql`t.id in (select rowid from trips_fts where trips_fts match ${f.match})`
        : sql`+t.id in (select rowid from trips_fts where trips_fts match ${f.match})`,
    );
  if (f.region) c.push(sql`t.region = ${f.region}`);
  if (f.difficulty) c.push(sql`t.difficulty = ${f.difficulty}`);
  if (f.minPaise !== undefined) c.push(sql`t.price_paise >= ${f.minPaise}`);
  if (f.maxPaise !== undefined) c.push(sql`t.price_paise <= ${f.maxPaise}`);
  if (f.category)
    c.push(sql`exists (select 1 from trip_categories tc where tc.category = ${f.category} and tc.trip_id = t.id)`);
  return sql<SqlBool>`${sql.join(c, sql` and `)}`;
}

/** Conditions that make departure `alias` match the search. */
function departureWhere(alias: 'd' | 'e', f: SearchFilters): RawBuilder<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const parts = [sql`${col('status')} = 'open'`, sql`${col('start_date')} >= ${f.from}`];
  if (f.to) parts.push(sql`${col('start_date')} <= ${f.to}`);
  if (f.seatsOnly) parts.push(sql`${col('capacity')} > ${col('seats_taken')}`);
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

/** Trips at most this many (by their own conditions) are searched trip by trip; more are streamed by date. */
const TRIP_DRIVEN_LIMIT = 1500;

/** How many public trips satisfy the trip-level conditions, counted up to `cap`. */
export async function countCandidates(db: Db, f: SearchFilters, cap: number): Promise<number> {
  // Driven by the most selective thing at hand: the category's rows, the text's matches, or the facet index.
  const from = f.category
    ? sql`trip_categories tc cross join trips t indexed by trips_filter on t.id = tc.trip_id`
    : f.match
      ? sql`trips t indexed by trips_filter`
      : sql`trips t`;
  const categoryFirst = f.category ? sql`tc.category = ${f.category} and ` : sql``;
  const r = await sql<{
    n: number;
  }>`select count(*) as n from (select 1 from ${from} where ${categoryFirst}${tripWhere(f, true)} limit ${cap})`.execute(
    db,
  );
  return Number(r.rows[0].n);
}

/** A text matching more trips than this is never searched trip by trip. */
const BROAD_TEXT = 5000;

async function textMatches(db: Db, match: string, cap: number): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from (select rowid from trips_fts where trips_fts match ${match} limit ${cap})`.execute(db);
  return Number(r.rows[0].n);
}

/** Few candidate trips → look each one up ('trips'); many → walk an index in result order ('stream'). */
export async function choosePlan(db: Db, f: SearchFilters): Promise<SearchPlan> {
  if (!hasTripFilters(f)) return 'stream';
  if (f.match) {
    const n = await textMatches(db, f.match, BROAD_TEXT + 1);
    if (n <= TRIP_DRIVEN_LIMIT) return 'trips';
    const narrowedFurther = Boolean(
      f.region || f.category || f.difficulty || f.minPaise !== undefined || f.maxPaise !== undefined,
    );
    if (n > BROAD_TEXT || !narrowedFurther) return 'stream';
  }
  return (await countCandidates(db, f, TRIP_DRIVEN_LIMIT + 1)) <= TRIP_DRIVEN_LIMIT ? 'trips' : 'stream';
}

export interface SearchHit {
  id: number;
  next_start: string;
}

/**
 * The matching trips in order, at most `cap` of them (the caller pages through them).
 *
 * Two plans, chosen by how many trips the trip-level conditions leave: few (a specific text,
 * a narrow filter) → walk those trips and look up each one's next matching departure; many
 * (no text, a broad word) → walk upcoming departures in date order (or trips in price/age
 * order) through an index and stop once the page, or the capped count, is full. Either way
 * no query scans all departures.
 */
export async function searchTripIds(
  db: Db,
  f: SearchFilters,
  sort: Sort,
  cap: number,
): Promise<{ hits: SearchHit[]; plan: SearchPlan }> {
  const plan = await choosePlan(db, f);
  if (sort === 'rating' && plan === 'stream') {
    // Rated trips best first through the rating index, then the unrated ones by date: two walks.
    const parts = ratingStreamSql(f);
    const rated = (await sql<SearchHit>`${parts.rated} limit ${cap}`.execute(db)).rows;
    const rest =
      rated.length < cap ? (await sql<SearchHit>`${parts.unrated} limit ${cap - rated.length}`.execute(db)).rows : [];
    return { hits: [...rated, ...rest], plan };
  }
  // One query up to the cap gives both the count and every page (pages never go past the cap).
  const r = await sql<SearchHit>`${searchSql(f, sort, plan)} limit ${cap}`.execute(db);
  return { hits: r.rows, plan };
}

/** A trip with a visible review has a trip_ratings row with reviews > 0 (kept by the reviews feature). */
const isRated = (alias: string) =>
  sql<SqlBool>`exists (select 1 from trip_ratings r where r.trip_id = ${sql.ref(`${alias}.id`)} and r.reviews > 0)`;

/**
 * The "top rated" order, walked as two parts: rated trips by average (exact: stars total ÷
 * reviews), then number of reviews, then id, through trip_ratings_rank; then the trips without
 * a review, soonest departure first. The trip-driven plan sorts its few candidates the same way.
 */
export function ratingStreamSql(f: SearchFilters): { rated: RawBuilder<SearchHit>; unrated: RawBuilder<SearchHit> } {
  const nextStart = sql`(select min(e.start_date) from departures e indexed by departures_open_trip where e.trip_id = t.id and ${departureWhere('e', f)})`;
  return {
    rated: sql<SearchHit>`select t.id, ${nextStart} as next_start
      from trip_ratings r indexed by trip_ratings_rank cross join trips t on t.id = r.trip_id
      where r.reviews > 0 and ${tripWhere(f)}
        and exists (select 1 from departures e indexed by departures_open_trip where e.trip_id = t.id and ${departureWhere('e', f)})
      order by r.stars_total * 1.0 / r.reviews desc, r.reviews desc, r.trip_id`,
    unrated: soonestStreamSql(f, sql<SqlBool>`not ${isRated('t')}`),
  };
}

export type SearchPlan = 'trips' | 'stream';

/** The SQL of a search (without limit), for searchTripIds and EXPLAIN QUERY PLAN checks. */
export function searchSql(f: SearchFilters, sort: Sort, plan: SearchPlan): RawBuilder<SearchHit> {
  const nextStart = sql`(select min(e.start_date) from departures e indexed by departures_open_trip where e.trip_id = t.id and ${departureWhere('e', f)})`;
  const order = (t: string) =>
    ({
      price_asc: sql`${sql.ref(`${t}.price_paise`)} asc, ${sql.ref(`${t}.id`)} asc`,
      price_desc: sql`${sql.ref(`${t}.price_paise`)} desc, ${sql.ref(`${t}.id`)} desc`,
      newest: sql`${sql.ref(`${t}.created_at`)} desc, ${sql.ref(`${t}.id`)} desc`,
      soonest: sql`next_start asc, ${sql.ref(`${t}.id`)} asc`,
      // Rated first (average, then reviews, then id), then the rest by their next departure.
      rating: sql`(c.rv is null) asc, c.st * 1.0 / c.rv desc, c.rv desc, case when c.rv is null then null else c.id end asc, c.next_start asc, c.id asc`,
    })[sort];
  if (plan === 'trips') {
    // Trips found by their text are looked up in the narrow filter index, not the wide table.
    const from = f.match ? sql`trips t indexed by trips_filter` : sql`trips t`;
    const rating =
      sort === 'rating'
        ? {
            cols: sql`, r.reviews as rv, r.stars_total as st`,
            join: sql` left join trip_ratings r on r.trip_id = t.id and r.reviews > 0`,
          }
        : { cols: sql``, join: sql`` };
    return sql<SearchHit>`with c as materialized (select t.id, t.price_paise, t.created_at, ${nextStart} as next_start${rating.cols} from ${from}${rating.join} where ${tripWhere(f, true)})
      select c.id, c.next_start from c where c.next_start is not null order by ${order('c')}`;
  }
  if (sort === 'rating') throw new Error('the rating order is streamed in two parts: ratingStreamSql');
  if (sort !== 'soonest') {
    // Walk trips in price/age order through an index; keep those with a matching departure.
    return sql<SearchHit>`select t.id, ${nextStart} as next_start from trips t where ${tripWhere(f)}
      and exists (select 1 from departures e indexed by departures_open_trip where e.trip_id = t.id and ${departureWhere('e', f)}) order by ${order('t')}`;
  }
  return soonestStreamSql(f);
}

/**
 * Walk matching departures by date; a trip shows up at its first matching departure.
 * Each departure's trip is checked in the narrow trips_filter index. (Referring to t, not d,
 * makes SQLite check the trip before the costlier NOT EXISTS;
 * +d.trip_id keeps SQLite from turning a text match into a lookup by trip on the date index.)
 */
function soonestStreamSql(f: SearchFilters, also?: RawBuilder<SqlBool>): RawBuilder<SearchHit> {
  return sql<SearchHit>`select d.trip_id as id, d.start_date as next_start
    from departures d indexed by departures_open_start cross join trips t indexed by trips_filter on t.id = +d.trip_id
    where ${departureWhere('d', f)} and ${tripWhere(f)}${also ? sql` and ${also}` : sql``}
      and not exists (select 1 from departures e indexed by departures_open_trip where e.trip_id = t.id and ${departureWhere('e', f)}
        and (e.start_date < d.start_date or (e.start_date = d.start_date and e.id < d.id)))
    order by d.start_date, d.trip_id`;
}

/** What a trip card needs, for a page of ids. */
export async function tripCards(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('trips')
    .innerJoin('users', 'users.id', 'trips.organizer_id')
    .leftJoin('trip_images as img', (j) => j.onRef('img.trip_id', '=', 'trips.id').on('img.is_cover', '=', 1))
    .select([
      'trips.id',
      'trips.title',
      'trips.destination',
      'trips.region',
      'trips.difficulty',
      'trips.price_paise',
      'trips.status',
      'trips.schedule',
      'users.name as organizer_name',
      'users.org_display_name',
      'img.key as image_key',
      'img.width as image_width',
      'img.height as image_height',
    ])
    .where('trips.id', 'in', ids)
    .execute();
}

/** Upcoming open departures of some trips, soonest first (for cards and the trip page). */
export async function upcomingDepartures(db: Db, tripIds: number[], today: string) {
  if (tripIds.length === 0) return [];
  return db
    .selectFrom('departures')
    .selectAll()
    .where('trip_id', 'in', tripIds)
    .where('status', '=', 'open')
    .where('start_date', '>=', today)
    .orderBy('start_date')
    .orderBy('id')
    .execute();
}

/** The soonest public departures across the site (home page). */
export async function soonestPublicTrips(db: Db, today: string, limit: number) {
  const r =
    await sql<SearchHit>`${searchSql({ from: today, seatsOnly: true }, 'soonest', 'stream')} limit ${limit}`.execute(
      db,
    );
  return r.rows;
}

/** Public trip counts per category (home page). */
export async function categoryCounts(db: Db, today: string, category: string, cap: number): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from (select 1 from trip_categories tc cross join trips t on t.id = tc.trip_id
    where tc.category = ${category} and ${tripPublic()} and exists (select 1 from departures e where e.trip_id = t.id and ${upcoming('e', today)}) limit ${cap})`.execute(
    db,
  );
  return Number(r.rows[0].n);
}

/** Public trips of one organizer with their next departure. */
export async function organizerPublicTripIds(db: Db, organizerId: number, today: string): Promise<SearchHit[]> {
  const r =
    await sql<SearchHit>`select t.id, min(e.start_date) as next_start from trips t join departures e on e.trip_id = t.id
    where t.organizer_id = ${organizerId} and ${tripPublic()} and ${upcoming('e', today)} group by t.id order by next_start, t.id limit 100`.execute(
      db,
    );
  return r.rows;
}

/** Whether the organizer's profile is public (same rule as their trips). */
export async function isOrganizerListed(db: Db, organizerId: number): Promise<boolean> {
  const r = await sql`select 1 from users t0 where t0.id = ${organizerId} and t0.role in ('organizer','admin')
    and exists (select 1 from (select ${organizerId} as organizer_id) t where ${organizerListed()})`.execute(db);
  return r.rows.length > 0;
}
