import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { DomainError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { getSetting } from '../lib/settings.js';
import * as q from './queries/trips.js';
import { deleteImages, insertImage, setCover, tripImages } from './queries/photos.js';
import { MAX_IMAGES, type TripDraft, type TripInput } from './schemas.js';
import { parseJson, toDeparture, today } from './rows.js';
import { ownTrip, requireListingRoom, requireNotModerated, requireUpcomingDeparture } from './rules.js';
import { attachChosenPhotos } from './photos.js';
import { offerFreedSeats } from '../bookings/waitlist.js';
import type { EditableTrip, ManagedTrip } from './types.js';

/** The organizer's trips: the list, the trip form (create, edit) and a copy of a trip. */

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

/** The actor's trips (an admin sees everyone's). */
export async function managedTrips(deps: Pick<Deps, 'db'>, actor: Actor): Promise<ManagedTrip[]> {
  const rows = await q.managedTrips(deps.db, actor.role === 'admin' ? null : actor.id);
  const booked = await q.bookedDepartures(
    deps.db,
    rows.map((r) => r.id),
  );
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
    booked: booked
      .filter((d) => d.trip_id === r.id)
      .map((d) => ({ id: d.id, startDate: d.start_date, taken: d.seats_taken })),
  }));
}

/** A trip as the edit form shows it. */
export async function tripForEdit(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: number): Promise<EditableTrip> {
  const trip = await ownTrip(deps.db, actor, id);
  const [images, departures] = await Promise.all([tripImages(deps.db, id), q.tripDepartures(deps.db, id)]);
  const now = today(deps);
  const upcoming = departures.filter((d) => d.status === 'open' && d.start_date >= now);
  const schedule = parseJson<{ title: string; activities: string }[]>(trip.schedule, []);
  const draft: TripDraft = {
    title: trip.title,
    description: trip.description,
    destination: trip.destination,
    region: trip.region,
    price: trip.price_paise % 100 === 0 ? String(trip.price_paise / 100) : (trip.price_paise / 100).toFixed(2),
    move_cutoff_days: String(trip.move_cutoff_days),
    move_fee:
      trip.move_fee_paise % 100 === 0 ? String(trip.move_fee_paise / 100) : (trip.move_fee_paise / 100).toFixed(2),
    categories: parseJson<string[]>(trip.categories, []),
    difficulty: trip.difficulty,
    included: parseJson<string[]>(trip.included, []).join('\n'),
    requirements: parseJson<string[]>(trip.requirements, []).join('\n'),
    itinerary: trip.itinerary,
    meeting_point: trip.meeting_point ?? '',
    deposit_kind: trip.deposit_kind ?? '',
    deposit_value:
      trip.deposit_value === null
        ? ''
        : trip.deposit_kind === 'amount'
          ? String(trip.deposit_value / 100)
          : String(trip.deposit_value),
    balance_due_days: trip.balance_due_days === null ? '' : String(trip.balance_due_days),
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

function tripRow(input: TripInput) {
  return {
    title: input.title,
    description: input.description,
    destination: input.destination,
    region: input.region,
    price_paise: input.price,
    move_cutoff_days: input.move_cutoff_days,
    move_fee_paise: input.move_fee,
    categories: JSON.stringify(input.categories),
    difficulty: input.difficulty,
    included: JSON.stringify(input.included),
    requirements: JSON.stringify(input.requirements),
    itinerary: input.itinerary,
    schedule: JSON.stringify(input.schedule),
    meeting_point: input.meeting_point || null,
    ...input.deposit,
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
    await attachChosenPhotos(trx, deps, actor, id, input.photos, 0, true);
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
  const current = await tripImages(deps.db, id);
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
    // A larger capacity frees seats: the departure's waitlist is offered them first.
    for (const d of input.departures) {
      const before = existing.find((e) => e.id === d.id);
      if (before && !d.remove && d.capacity > before.capacity) await offerFreedSeats(trx, deps, before.id);
    }
    await deleteImages(trx, id, input.remove_images);
    const start = kept.reduce((m, i) => Math.max(m, i.position + 1), 0);
    await attachChosenPhotos(trx, deps, actor, id, input.photos, start, false);
    const chosen = kept.find((i) => String(i.id) === input.cover) ?? kept.find((i) => i.is_cover === 1);
    const images = await tripImages(trx, id);
    await setCover(trx, id, chosen?.id ?? images[0]?.id ?? null);
    if (publish) await requireUpcomingDeparture(trx, id, today(deps));
    if (actor.role === 'admin' && trip.organizer_id !== actor.id)
      await audit(trx, deps.clock, { actorId: actor.id, action: 'trip.edited', targetType: 'trip', targetId: id });
  });
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
    for (const i of await tripImages(trx, id))
      await insertImage(trx, {
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
