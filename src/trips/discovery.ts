import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { policyOf } from '../bookings/cancel.js';
import * as reviews from '../reviews/service.js';
import type { DB } from '../db.js';
import { NotFoundError } from '../lib/errors.js';
import { daysBetween } from '../lib/time.js';
import { getSettings } from '../lib/settings.js';
import { canManageTrip } from '../auth/permissions.js';
import * as q from './queries/discovery.js';
import { findOrganizer, findTrip, tripDepartures } from './queries/trips.js';
import { tripImages } from './queries/photos.js';
import { CATEGORY_SLUGS, MAX_RESULTS, PAGE_SIZE } from './catalog.js';
import { ftsQuery, type SearchQuery } from './schemas.js';
import { parseJson, toDeparture, today } from './rows.js';
import type { HomeData, OrganizerProfile, SearchResult, TripCard, TripDetail } from './types.js';

/** Discovery: the home page, search, a trip's page and an organizer's page, as the public sees them. */

/** Cards for trips in the given order, each with its first departure on/after `from`. */
async function cardsFor(
  db: DB,
  hits: { id: number; next_start: string }[],
  from: string,
  seatsOnly = false,
): Promise<TripCard[]> {
  const ids = hits.map((h) => h.id);
  const [rows, deps, ratings] = await Promise.all([
    q.tripCards(db, ids),
    q.upcomingDepartures(db, ids, from),
    reviews.ratingsOfTrips({ db }, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits.flatMap((h) => {
    const r = byId.get(h.id);
    if (!r) return [];
    const mine = deps.filter((d) => d.trip_id === h.id);
    const next =
      mine.find((d) => d.start_date === h.next_start && (!seatsOnly || d.capacity > d.seats_taken)) ?? mine[0];
    return [
      {
        id: r.id,
        title: r.title,
        destination: r.destination,
        region: r.region,
        difficulty: r.difficulty,
        pricePaise: r.price_paise,
        days: next ? daysBetween(next.start_date, next.end_date) + 1 : parseJson<unknown[]>(r.schedule, []).length,
        organizerName: r.org_display_name ?? r.organizer_name,
        image: r.image_key ? { key: r.image_key, width: r.image_width!, height: r.image_height! } : null,
        next: next ? toDeparture(next) : null,
        moreDepartures: Math.max(0, mine.length - 1),
        rating: ratings.get(r.id) ?? null,
      },
    ];
  });
}

/** Public trips matching a search, one page of them. */
export async function searchTrips(deps: Pick<Deps, 'db' | 'clock'>, query: SearchQuery): Promise<SearchResult> {
  const now = today(deps);
  const from = query.from && query.from > now ? query.from : now;
  const match = ftsQuery(query.q);
  if (query.q && !match) return { query, cards: [], total: 0, capped: false, page: 1, pages: 0 };
  const filters: q.SearchFilters = {
    match: match ?? undefined,
    region: query.region,
    category: query.category,
    difficulty: query.difficulty,
    from,
    to: query.to,
    minPaise: query.min !== undefined ? query.min * 100 : undefined,
    maxPaise: query.max !== undefined ? query.max * 100 : undefined,
    seatsOnly: query.seats === '1',
  };
  const { hits } = await q.searchTripIds(deps.db, filters, query.sort, MAX_RESULTS + 1);
  const capped = hits.length > MAX_RESULTS;
  const total = Math.min(hits.length, MAX_RESULTS);
  const pages = Math.ceil(total / PAGE_SIZE);
  const page = Math.max(1, Math.min(query.page, pages));
  const shown = hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return { query, cards: await cardsFor(deps.db, shown, from, filters.seatsOnly), total, capped, page, pages };
}

/** What the home page shows: departures leaving soon and the categories that have treks. */
export async function homePage(deps: Pick<Deps, 'db' | 'clock'>): Promise<HomeData> {
  const now = today(deps);
  const hits = await q.soonestPublicTrips(deps.db, now, 6);
  const counts = await Promise.all(
    CATEGORY_SLUGS.map(async (slug) => ({ slug, count: await q.categoryCounts(deps.db, now, slug, 100) })),
  );
  return { soonest: await cardsFor(deps.db, hits, now, true), categories: counts.filter((c) => c.count > 0) };
}

/** A trip as the public (or its owner) sees it; 404 for anything not public to this viewer. */
export async function tripPage(
  deps: Pick<Deps, 'db' | 'clock'>,
  id: number,
  viewer: Actor | null,
): Promise<TripDetail> {
  const trip = await findTrip(deps.db, id);
  if (!trip) throw new NotFoundError();
  const now = today(deps);
  const isPublic = await q.isTripPublic(deps.db, id, now);
  const canManage = viewer !== null && canManageTrip(viewer, trip);
  if (!isPublic && !canManage) throw new NotFoundError();
  const [images, departures, organizer, settings, tripReviews, organizerReviews] = await Promise.all([
    tripImages(deps.db, id),
    tripDepartures(deps.db, id),
    findOrganizer(deps.db, trip.organizer_id),
    getSettings(deps.db),
    reviews.tripReviews(deps, id),
    reviews.organizerReviews(deps, trip.organizer_id, 0),
  ]);
  const upcoming = departures.filter((d) => d.status === 'open' && d.start_date >= now).map(toDeparture);
  const schedule = parseJson<TripDetail['schedule']>(trip.schedule, []);
  return {
    id: trip.id,
    organizerId: trip.organizer_id,
    title: trip.title,
    description: trip.description,
    destination: trip.destination,
    region: trip.region,
    pricePaise: trip.price_paise,
    categories: parseJson<string[]>(trip.categories, []),
    difficulty: trip.difficulty,
    included: parseJson<string[]>(trip.included, []),
    requirements: parseJson<string[]>(trip.requirements, []),
    itinerary: trip.itinerary,
    schedule,
    meetingPoint: trip.meeting_point,
    status: trip.status,
    images: images.map((i) => ({ id: i.id, key: i.key, width: i.width, height: i.height, isCover: i.is_cover === 1 })),
    departures: upcoming,
    organizer: {
      id: organizer!.id,
      name: organizer!.org_display_name ?? organizer!.name,
      about: organizer!.org_about ?? organizer!.bio,
      location: organizer!.location,
      email: organizer!.email,
      phone: organizer!.phone,
    },
    days: upcoming[0] ? daysBetween(upcoming[0].startDate, upcoming[0].endDate) + 1 : schedule.length,
    refundPolicy: policyOf(trip.refund_policy, settings.refundPolicy),
    deposit:
      trip.deposit_kind && trip.deposit_value && trip.balance_due_days
        ? { kind: trip.deposit_kind, value: trip.deposit_value, dueDays: trip.balance_due_days }
        : null,
    canManage,
    isPublic,
    rating: tripReviews.rating,
    reviews: tripReviews.reviews,
    organizerRating: organizerReviews.rating,
  };
}

/** An organizer's public page: 404 unless the organizer is listed. */
export async function organizerPage(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<OrganizerProfile> {
  const org = await findOrganizer(deps.db, id);
  if (!org || !(await q.isOrganizerListed(deps.db, id))) throw new NotFoundError();
  const now = today(deps);
  const hits = await q.organizerPublicTripIds(deps.db, id, now);
  const { rating, reviews: latest } = await reviews.organizerReviews(deps, id);
  return {
    id: org.id,
    name: org.org_display_name ?? org.name,
    about: org.org_about ?? org.bio,
    location: org.location,
    since: org.created_at,
    trips: await cardsFor(deps.db, hits, now),
    rating,
    reviews: latest,
  };
}
