import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { cancelDepartureBookings, policyOf } from '../bookings/cancel.js';
import * as billing from '../billing/listings.js';
import * as reviews from '../reviews/service.js';
import type { Rating, ReviewView } from '../reviews/service.js';
import type { DB } from '../db.js';
import { Conflict, DomainError, NotFoundError, type FieldErrors } from '../lib/errors.js';
import { DAY } from '../lib/clock.js';
import { IMAGE_WIDTHS, removeImage, storeImage, type StoredImage } from '../lib/images.js';
import { daysBetween, istDate } from '../lib/time.js';
import { audit } from '../lib/audit.js';
import { getSetting, getSettings, type RefundRule } from '../lib/settings.js';
import { canManageTrip } from '../auth/permissions.js';
import * as q from './queries.js';
import { CATEGORY_SLUGS, MAX_RESULTS, PAGE_SIZE, type Category } from './catalog.js';
import { ftsQuery, MAX_IMAGES, type SearchQuery, type TripDraft, type TripInput } from './schemas.js';
import type { Difficulty, TripStatus } from './tables.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

const today = (deps: Pick<Deps, 'clock'>) => istDate(deps.clock.now());

// ---------------------------------------------------------------------------------------
// Domain shapes handed to views

export interface ImageRef {
  key: string;
  width: number;
  height: number;
}

export interface DepartureView {
  id: number;
  startDate: string;
  endDate: string;
  capacity: number;
  seatsLeft: number;
  status: 'open' | 'cancelled';
}

export interface TripCard {
  id: number;
  title: string;
  destination: string;
  region: string;
  difficulty: Difficulty;
  pricePaise: number;
  days: number;
  organizerName: string;
  image: ImageRef | null;
  next: DepartureView | null;
  moreDepartures: number;
  /** Its visible reviews' count and average; null before the first. */
  rating: Rating | null;
}

/** The widths a stored image exists in (see storeImage: never wider than the original). */
export const storedWidths = (width: number) => [...new Set(IMAGE_WIDTHS.map((w) => Math.min(w, width)))];

const toDeparture = (d: {
  id: number;
  start_date: string;
  end_date: string;
  capacity: number;
  seats_taken: number;
  status: 'open' | 'cancelled';
}): DepartureView => ({
  id: d.id,
  startDate: d.start_date,
  endDate: d.end_date,
  capacity: d.capacity,
  seatsLeft: Math.max(0, d.capacity - d.seats_taken),
  status: d.status,
});

const parseJson = <T>(s: string | null, fallback: T): T => {
  try {
    return s ? (JSON.parse(s) as T) : fallback;
  } catch {
    return fallback;
  }
};

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

// ---------------------------------------------------------------------------------------
// Discovery

export interface SearchResult {
  query: SearchQuery;
  cards: TripCard[];
  total: number;
  /** More matches exist than were counted. */
  capped: boolean;
  page: number;
  pages: number;
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

export interface HomeData {
  soonest: TripCard[];
  categories: { slug: Category; count: number }[];
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

export interface TripDetail {
  id: number;
  organizerId: number;
  title: string;
  description: string;
  destination: string;
  region: string;
  pricePaise: number;
  categories: string[];
  difficulty: Difficulty;
  included: string[];
  requirements: string[];
  itinerary: string;
  schedule: { day: number; title: string; activities: string }[];
  meetingPoint: string | null;
  status: TripStatus;
  images: (ImageRef & { id: number; isCover: boolean })[];
  departures: DepartureView[];
  organizer: {
    id: number;
    name: string;
    about: string | null;
    location: string | null;
    email: string;
    phone: string | null;
  };
  /** Days from start to end of the first upcoming departure (or of the day-by-day plan). */
  days: number;
  /** The cancellation tiers that apply to a booking made now. */
  refundPolicy: RefundRule[];
  /** The viewer may edit it (owner or admin). */
  canManage: boolean;
  /** Travelers can see it (owners also see non-public trips, with a notice). */
  isPublic: boolean;
  /** The trip's rating and latest visible reviews; the organizer's rating over all their trips. */
  rating: Rating | null;
  reviews: ReviewView[];
  organizerRating: Rating | null;
}

/** A trip as the public (or its owner) sees it; 404 for anything not public to this viewer. */
export async function tripPage(
  deps: Pick<Deps, 'db' | 'clock'>,
  id: number,
  viewer: Actor | null,
): Promise<TripDetail> {
  const trip = await q.findTrip(deps.db, id);
  if (!trip) throw new NotFoundError();
  const now = today(deps);
  const isPublic = await q.isTripPublic(deps.db, id, now);
  const canManage = viewer !== null && canManageTrip(viewer, trip);
  if (!isPublic && !canManage) throw new NotFoundError();
  const [images, departures, organizer, settings, tripReviews, organizerReviews] = await Promise.all([
    q.tripImages(deps.db, id),
    q.tripDepartures(deps.db, id),
    q.findOrganizer(deps.db, trip.organizer_id),
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
    canManage,
    isPublic,
    rating: tripReviews.rating,
    reviews: tripReviews.reviews,
    organizerRating: organizerReviews.rating,
  };
}

export interface OrganizerProfile {
  id: number;
  name: string;
  about: string | null;
  location: string | null;
  since: string;
  trips: TripCard[];
  /** Their stars over all their trips' visible reviews, and the latest of those. */
  rating: Rating | null;
  reviews: ReviewView[];
}

/** An organizer's public page: 404 unless the organizer is listed. */
export async function organizerPage(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<OrganizerProfile> {
  const org = await q.findOrganizer(deps.db, id);
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

// ---------------------------------------------------------------------------------------
// Organizer: managing trips

export interface ManagedTrip {
  id: number;
  title: string;
  status: TripStatus;
  destination: string;
  pricePaise: number;
  departures: number;
  capacity: number;
  taken: number;
  firstStart: string | null;
  lastStart: string | null;
}

/** The actor's trips (an admin sees everyone's). */
export async function managedTrips(deps: Pick<Deps, 'db'>, actor: Actor): Promise<ManagedTrip[]> {
  const rows = await q.managedTrips(deps.db, actor.role === 'admin' ? null : actor.id);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status,
    destination: r.destination,
    pricePaise: r.price_paise,
    departures: Number(r.departures),
    capacity: Number(r.capacity),
    taken: Number(r.taken),
    firstStart: r.first_start,
    lastStart: r.last_start,
  }));
}

/** The trip if the actor may manage it; otherwise 404 (another organizer's trip is not revealed). */
async function ownTrip(db: DB, actor: Actor, id: number) {
  const trip = await q.findTrip(db, id);
  if (!trip || !canManageTrip(actor, trip)) throw new NotFoundError();
  return trip;
}

export interface EditableTrip {
  id: number;
  status: TripStatus;
  draft: TripDraft;
  images: (ImageRef & { id: number; isCover: boolean })[];
  departures: DepartureView[];
}

/** A trip as the edit form shows it. */
export async function tripForEdit(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<EditableTrip> {
  const trip = await ownTrip(deps.db, actor, id);
  const [images, departures] = await Promise.all([q.tripImages(deps.db, id), q.tripDepartures(deps.db, id)]);
  const now = today(deps);
  const upcoming = departures.filter((d) => d.status === 'open' && d.start_date >= now);
  const schedule = parseJson<{ title: string; activities: string }[]>(trip.schedule, []);
  const draft: TripDraft = {
    title: trip.title,
    description: trip.description,
    destination: trip.destination,
    region: trip.region,
    price: trip.price_paise % 100 === 0 ? String(trip.price_paise / 100) : (trip.price_paise / 100).toFixed(2),
    categories: parseJson<string[]>(trip.categories, []),
    difficulty: trip.difficulty,
    included: parseJson<string[]>(trip.included, []).join('\n'),
    requirements: parseJson<string[]>(trip.requirements, []).join('\n'),
    itinerary: trip.itinerary,
    meeting_point: trip.meeting_point ?? '',
    schedule: schedule.length
      ? schedule.map((d) => ({ title: d.title, activities: d.activities }))
      : [{ title: '', activities: '' }],
    departures: upcoming.map((d) => ({
      id: String(d.id),
      start_date: d.start_date,
      end_date: d.end_date,
      capacity: String(d.capacity),
      remove: false,
      seats_taken: d.seats_taken,
    })),
    cover: String(images.find((i) => i.is_cover === 1)?.id ?? ''),
    remove_images: [],
    photos: [],
    remove_photos: [],
  };
  return {
    id,
    status: trip.status,
    draft,
    images: images.map((i) => ({ id: i.id, key: i.key, width: i.width, height: i.height, isCover: i.is_cover === 1 })),
    departures: departures.map(toDeparture),
  };
}

/** Stores the uploaded photos first (outside the transaction); on any later failure they are removed. */
async function storeAll(dataDir: string, files: File[]): Promise<StoredImage[]> {
  const stored: StoredImage[] = [];
  try {
    for (const f of files) stored.push(await storeImage(dataDir, f, 'images'));
  } catch (e) {
    await Promise.all(stored.map((s) => removeImage(dataDir, s.key, s.widths)));
    throw e;
  }
  return stored;
}

// ---------------------------------------------------------------------------------------
// Photos chosen on a form that is shown again
//
// Browsers never refill a file input, so photos that arrive with a request whose answer is
// the form again ("add departure", a 422) are stored at once and carried by key in hidden
// fields until the save attaches them. A key from the form is trusted only if a
// pending_photos row says this server stored it, for this same user, within a day. A table
// rather than an HMAC-signed key: the files of photos never attached must be found and
// removed anyway, which needs a record of them; the row is deleted in the transaction that
// attaches the photo, so a key is attached once; and no secret has to be configured.

/** How long a photo waits for the save; the nightly housekeeping removes older ones. */
export const PENDING_PHOTO_TTL = DAY;
const LOST_PHOTO = 'A photo chosen earlier is no longer available. Choose it again.';

const pendingSince = (deps: Pick<Deps, 'clock'>) =>
  new Date(deps.clock.now().getTime() - PENDING_PHOTO_TTL).toISOString();

export interface ChosenPhotos {
  /** In the order chosen: those from before, then the files of this request. */
  photos: ImageRef[];
  /** A message for the photo field (a bad image, too many, a key that is not this user's). */
  errors: FieldErrors;
}

/**
 * The photos a trip form carries: the pending ones it posted back (those ticked "remove"
 * are deleted at once) followed by the files it posted, run through the image pipeline and
 * kept as pending (all of them or, if one is bad, none). `room` is how many photos the trip
 * can still take.
 */
export async function keepChosenPhotos(
  deps: Ctx,
  actor: Actor,
  chosen: { keys: string[]; remove: string[]; files: File[]; room: number },
): Promise<ChosenPhotos> {
  const removed = await q.takePendingPhotos(deps.db, actor.id, chosen.remove);
  await forgetPhotoFiles(deps, removed);
  const wanted = [...new Set(chosen.keys)].filter((k) => !chosen.remove.includes(k));
  const found = new Map((await q.pendingPhotos(deps.db, actor.id, wanted, pendingSince(deps))).map((p) => [p.key, p]));
  const photos: ImageRef[] = wanted.flatMap((k) => found.get(k) ?? []);
  const errors: FieldErrors = photos.length < wanted.length ? { images: LOST_PHOTO } : {};
  if (chosen.files.length === 0) return { photos, errors };
  if (photos.length + chosen.files.length > chosen.room) {
    return {
      photos,
      errors: { images: `A trip has at most ${MAX_IMAGES} photos. Choose fewer, or remove some first.` },
    };
  }
  let stored: StoredImage[];
  try {
    stored = await storeAll(deps.config.dataDir, chosen.files);
  } catch (e) {
    if (e instanceof DomainError) return { photos, errors: { images: e.message } };
    throw e;
  }
  try {
    const now = deps.clock.now().toISOString();
    await q.insertPendingPhotos(
      deps.db,
      stored.map((s) => ({ key: s.key, owner_id: actor.id, width: s.width, height: s.height, created_at: now })),
    );
  } catch (e) {
    await Promise.all(stored.map((s) => removeImage(deps.config.dataDir, s.key, s.widths)));
    throw e;
  }
  return { photos: [...photos, ...stored.map((s) => ({ key: s.key, width: s.width, height: s.height }))], errors };
}

/** Claims the actor's pending photos for a trip being saved (inside its transaction), in the order given. */
async function takeChosenPhotos(trx: DB, deps: Pick<Deps, 'clock'>, actor: Actor, keys: string[]): Promise<ImageRef[]> {
  const taken = new Map((await q.takePendingPhotos(trx, actor.id, keys, pendingSince(deps))).map((p) => [p.key, p]));
  if (taken.size < keys.length) throw new DomainError(LOST_PHOTO, 'images');
  return keys.map((k) => taken.get(k)!);
}

async function forgetPhotoFiles(deps: Pick<Deps, 'db' | 'config'>, photos: { key: string; width: number }[]) {
  // A key some trip uses keeps its files, whatever the pending row said.
  const used = await q.attachedImageKeys(
    deps.db,
    photos.map((p) => p.key),
  );
  await Promise.all(
    photos.filter((p) => !used.has(p.key)).map((p) => removeImage(deps.config.dataDir, p.key, storedWidths(p.width))),
  );
}

/** Housekeeping: photos stored for a form that was never saved, older than a day, with their files. */
export async function forgetUnattachedPhotos(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<number> {
  const stale = await q.takeStalePendingPhotos(deps.db, pendingSince(deps));
  await forgetPhotoFiles(deps, stale);
  return stale.length;
}

function tripRow(input: TripInput) {
  return {
    title: input.title,
    description: input.description,
    destination: input.destination,
    region: input.region,
    price_paise: input.price,
    categories: JSON.stringify(input.categories),
    difficulty: input.difficulty,
    included: JSON.stringify(input.included),
    requirements: JSON.stringify(input.requirements),
    itinerary: input.itinerary,
    schedule: JSON.stringify(input.schedule),
    meeting_point: input.meeting_point || null,
  };
}

/** Creates a trip with its departures and photos (pending keys, the first one the cover); `publish` makes it active at once. */
export async function createTrip(deps: Ctx, actor: Actor, input: TripInput, publish: boolean): Promise<number> {
  if (input.photos.length > MAX_IMAGES) throw new DomainError(`Upload at most ${MAX_IMAGES} photos.`, 'images');
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    if (publish) await requireListingRoom(trx, actor, actor.id);
    const refundPolicy = await getSetting(trx, 'refundPolicy');
    const id = await q.insertTrip(trx, {
      ...tripRow(input),
      organizer_id: actor.id,
      status: publish ? 'active' : 'draft',
      refund_policy: JSON.stringify(refundPolicy),
      created_at: now,
      updated_at: now,
    });
    for (const d of input.departures)
      if (!d.remove)
        await q.insertDeparture(trx, {
          trip_id: id,
          start_date: d.start_date,
          end_date: d.end_date,
          capacity: d.capacity,
        });
    const photos = await takeChosenPhotos(trx, deps, actor, input.photos);
    for (const [i, s] of photos.entries())
      await q.insertImage(trx, {
        trip_id: id,
        key: s.key,
        width: s.width,
        height: s.height,
        position: i,
        is_cover: i === 0 ? 1 : 0,
      });
    return id;
  });
}

/** Saves the edit form: trip fields, departures (added, changed, removed) and photos. */
export async function updateTrip(
  deps: Ctx,
  actor: Actor,
  id: number,
  input: TripInput,
  publish: boolean,
): Promise<void> {
  const trip = await ownTrip(deps.db, actor, id);
  if (trip.status === 'cancelled' || trip.status === 'completed')
    throw new DomainError(`This trip is ${trip.status} and can no longer be changed.`, 'form');
  if (publish && trip.status !== 'active') requireNotModerated(trip);
  const current = await q.tripImages(deps.db, id);
  const kept = current.filter((i) => !input.remove_images.includes(i.id));
  if (kept.length + input.photos.length > MAX_IMAGES)
    throw new DomainError(`A trip has at most ${MAX_IMAGES} photos; remove some first.`, 'images');
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    if (publish && trip.status !== 'active') await requireListingRoom(trx, actor, trip.organizer_id);
    const existing = await q.tripDepartures(trx, id);
    for (const [i, d] of input.departures.entries()) {
      const field = `departures[${i}]`;
      if (d.id === null) {
        if (!d.remove)
          await q.insertDeparture(trx, {
            trip_id: id,
            start_date: d.start_date,
            end_date: d.end_date,
            capacity: d.capacity,
          });
        continue;
      }
      const before = existing.find((e) => e.id === d.id);
      if (!before) throw new DomainError('This departure no longer exists. Reload the page.', `${field}[start_date]`);
      if (d.remove) {
        if (!(await q.deleteUnbookedDeparture(trx, d.id, id))) {
          throw new DomainError(
            `${before.seats_taken} seats are booked on this departure, so it cannot be removed yet.`,
            `${field}[start_date]`,
          );
        }
      } else if (before.seats_taken > 0 && (before.start_date !== d.start_date || before.end_date !== d.end_date)) {
        throw new DomainError('Travelers have booked these dates; they cannot be moved.', `${field}[start_date]`);
      } else if (
        !(await q.updateDeparture(trx, d.id, id, {
          start_date: d.start_date,
          end_date: d.end_date,
          capacity: d.capacity,
        }))
      ) {
        throw new DomainError(
          `${before.seats_taken} seats are already booked; the capacity cannot be lower than that.`,
          `${field}[capacity]`,
        );
      }
    }
    await q.updateTrip(trx, id, {
      ...tripRow(input),
      updated_at: now,
      ...(publish ? { status: 'active' as const } : {}),
    });
    await q.deleteImages(trx, id, input.remove_images);
    const start = kept.reduce((m, i) => Math.max(m, i.position + 1), 0);
    const stored = await takeChosenPhotos(trx, deps, actor, input.photos);
    for (const [i, s] of stored.entries())
      await q.insertImage(trx, {
        trip_id: id,
        key: s.key,
        width: s.width,
        height: s.height,
        position: start + i,
        is_cover: 0,
      });
    const chosen = kept.find((i) => String(i.id) === input.cover) ?? kept.find((i) => i.is_cover === 1);
    const images = await q.tripImages(trx, id);
    await q.setCover(trx, id, chosen?.id ?? images[0]?.id ?? null);
    if (publish) await requireUpcomingDeparture(trx, id, today(deps));
    if (actor.role === 'admin' && trip.organizer_id !== actor.id)
      await audit(trx, deps.clock, { actorId: actor.id, action: 'trip.edited', targetType: 'trip', targetId: id });
  });
}

async function requireUpcomingDeparture(db: DB, id: number, now: string) {
  const deps = await q.tripDepartures(db, id);
  if (!deps.some((d) => d.status === 'open' && d.start_date >= now))
    throw new DomainError('Add an upcoming departure before publishing this trip.', 'departures');
}

/** A trip an admin deactivated (admin console moderation) comes back only when an admin reactivates it. */
function requireNotModerated(trip: { moderated_at: string | null; moderation_reason: string | null }) {
  if (trip.moderated_at)
    throw new DomainError(
      `An admin deactivated this trip: ${trip.moderation_reason}. Contact the platform to have it reactivated.`,
      'form',
    );
}

/** An organizer's plan caps their active trips (billing says how many); an admin's own trips have no plan. */
async function requireListingRoom(db: DB, actor: Actor, organizerId: number) {
  if (actor.role === 'admin' && organizerId === actor.id) return;
  await billing.ensureListingRoom(db, organizerId, await q.countActiveTrips(db, organizerId));
}

/** Makes a draft or inactive trip visible to travelers. */
export async function publishTrip(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await ownTrip(trx, actor, id);
    if (trip.status === 'active') return;
    if (trip.status !== 'draft' && trip.status !== 'inactive')
      throw new DomainError(`A ${trip.status} trip cannot be published.`);
    requireNotModerated(trip);
    await requireUpcomingDeparture(trx, id, today(deps));
    await requireListingRoom(trx, actor, trip.organizer_id);
    await q.setTripStatus(trx, id, 'active', deps.clock.now().toISOString());
  });
}

/** Hides an active trip from travelers; its bookings stay as they are. */
export async function deactivateTrip(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await ownTrip(trx, actor, id);
    if (trip.status === 'inactive' || trip.status === 'draft') return;
    if (trip.status !== 'active') throw new DomainError(`A ${trip.status} trip cannot be deactivated.`);
    await q.setTripStatus(trx, id, 'inactive', deps.clock.now().toISOString());
  });
}

/**
 * Cancels a trip and its departures. Departures with seats taken go through the bookings
 * feature first: every booking on them is cancelled with a full refund and its traveler told.
 */
export async function cancelTrip(deps: Deps, actor: Actor, id: number): Promise<void> {
  const trip = await ownTrip(deps.db, actor, id);
  if (trip.status === 'cancelled') return;
  if (trip.status === 'completed') throw new DomainError('A completed trip cannot be cancelled.');
  // The trip takes bookings until its status changes, last: a departure that was empty a moment
  // ago may have been booked while the others' bookings were being cancelled (and refunded, over
  // the network). Then its bookings go the same way, in another round.
  for (let round = 0; round < 5; round++) {
    for (const d of await q.tripDepartures(deps.db, id)) {
      if (d.status === 'open' && d.seats_taken > 0)
        await cancelDepartureBookings(deps, actor, d.id, 'The organizer cancelled this trip.');
    }
    const done = await deps.db.transaction().execute(async (trx) => {
      const open = (await q.tripDepartures(trx, id)).filter((d) => d.status === 'open');
      if (open.some((d) => d.seats_taken > 0)) return false;
      for (const d of open) await q.cancelUnbookedDeparture(trx, d.id, id);
      await q.setTripStatus(trx, id, 'cancelled', deps.clock.now().toISOString());
      await audit(trx, deps.clock, {
        actorId: actor.id,
        action: 'trip.cancelled',
        targetType: 'trip',
        targetId: id,
        before: { status: trip.status },
        after: { status: 'cancelled' },
      });
      return true;
    });
    if (done) return;
  }
  throw new Conflict('New bookings kept arriving while this trip was being cancelled. Try again.');
}

/** Cancels one departure; bookings on it are cancelled with full refunds by the bookings feature. */
export async function cancelDeparture(deps: Deps, actor: Actor, tripId: number, departureId: number): Promise<void> {
  await ownTrip(deps.db, actor, tripId);
  const dep = (await q.tripDepartures(deps.db, tripId)).find((d) => d.id === departureId);
  if (!dep) throw new NotFoundError();
  if (dep.status === 'cancelled') return;
  if (dep.seats_taken > 0) {
    await cancelDepartureBookings(deps, actor, departureId, 'The organizer cancelled this departure.');
    return;
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await q.cancelUnbookedDeparture(trx, departureId, tripId)))
      throw new Conflict('This departure changed while you were cancelling it. Try again.');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'departure.cancelled',
      targetType: 'departure',
      targetId: departureId,
    });
  });
}

/** Nightly: active trips whose every departure has ended become completed. Safe to run twice. */
export async function completeEndedTrips(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  let completed = 0;
  for (const id of await q.endedTripIds(deps.db, today(deps))) {
    if (await q.completeTrip(deps.db, id, deps.clock.now().toISOString())) completed++;
  }
  return `completed ${completed} trips`;
}

/** A new draft copy of a trip: same details and photos, its upcoming departures with no seats taken. */
export async function duplicateTrip(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const trip = await ownTrip(trx, actor, id);
    const now = deps.clock.now().toISOString();
    const { id: _id, status: _s, created_at: _c, updated_at: _u, ...rest } = trip;
    const copy = await q.insertTrip(trx, {
      ...rest,
      title: `${trip.title} (copy)`.slice(0, 120),
      status: 'draft',
      created_at: now,
      updated_at: now,
    });
    const day = today(deps);
    for (const d of await q.tripDepartures(trx, id)) {
      if (d.status === 'open' && d.start_date >= day)
        await q.insertDeparture(trx, {
          trip_id: copy,
          start_date: d.start_date,
          end_date: d.end_date,
          capacity: d.capacity,
        });
    }
    for (const i of await q.tripImages(trx, id))
      await q.insertImage(trx, {
        trip_id: copy,
        key: i.key,
        width: i.width,
        height: i.height,
        position: i.position,
        is_cover: i.is_cover,
      });
    return copy;
  });
}
