import type { Kysely } from 'kysely';
import type { Actor } from '../auth/permissions.js';
import { canManageTrip } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { audit } from '../lib/audit.js';
import { addMs, HOUR, isoNow } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { breathe } from '../lib/jobs.js';
import { getSetting } from '../lib/settings.js';
import { formatDay, istDate } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import { channel, publish, publishWith } from '../live/service.js';
import { MAX_GUESTS } from './schemas.js';
import { sendWaitlistMessage } from './messages.js';
import * as q from './queries.js';
import * as qw from './queries-waitlist.js';
import type { DepartureWaitlist, WaitlistPlace } from './types.js';

/**
 * The waitlist of a full departure. Seats that come free are offered, in the order travelers
 * joined, to the first entry whose group fits (a larger group that does not fit keeps its
 * place): the offer takes them off sale at once (`departures.seats_taken` counts them, so the
 * departure page never shows them free and nobody else can book them) until it expires
 * (`waitlistOfferHours`), when they go to the next entry. Booking that departure with an offer
 * open turns its seats into the booking's (`useOffer`, inside createBooking's transaction).
 */

type Db = Kysely<Database>;

/**
 * The traveler's /waitlist page is live (src/live/pages.ts): everyone still on this departure's
 * waitlist (whose place may have moved) and `also` (who just left it) fetch it again. Written in
 * the changing transaction, so it is heard exactly when the change commits.
 */
async function tellWaitlist(trx: Db, deps: Pick<Deps, 'clock'>, departureId: number, also: number[] = []) {
  const users = new Set([...(await qw.liveUsersOf(trx, [departureId])), ...also]);
  if (users.size > 0) await publishWith(trx, deps.clock, { to: [...users].map(channel.user), event: WAITLIST_EVENT });
}

/** The SSE event on which a traveler's /waitlist page fetches its list again. */
export const WAITLIST_EVENT = 'waitlist';

/** Joins the waitlist of a departure that has fewer seats left than `guests`. */
export async function joinWaitlist(
  deps: Deps,
  actor: Actor,
  tripId: number,
  input: { departureId: number; guests: number },
): Promise<{ id: number }> {
  if (input.guests < 1 || input.guests > MAX_GUESTS)
    throw new DomainError(`Join for 1 to ${MAX_GUESTS} guests.`, 'guests');
  return tx(deps.db, async (trx) => {
    const d = await qw.departureSeats(trx, input.departureId);
    const today = istDate(deps.clock.now());
    if (!d || d.trip_id !== tripId || d.trip_status !== 'active') throw new NotFoundError();
    if (d.status !== 'open' || d.start_date <= today)
      throw new DomainError('This departure is no longer taking bookings. Choose another date.', 'departure');
    if (d.organizer_id === actor.id) throw new DomainError('You cannot book your own trip.', 'departure');
    const left = d.capacity - d.seats_taken;
    if (left >= input.guests)
      throw new DomainError(
        `${left} seat${left === 1 ? ' is' : 's are'} free on this date: book them instead of waiting.`,
        'guests',
      );
    const now = isoNow(deps.clock);
    const row = await qw.insertEntry(trx, { departureId: d.id, userId: actor.id, guests: input.guests, now });
    if (!row) throw new Conflict('You are already on the waitlist of this date.', 'departure');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'waitlist.joined',
      targetType: 'departure',
      targetId: d.id,
      after: { entry: row.id, guests: input.guests },
    });
    return { id: row.id };
  });
}

/** The traveler leaves a waitlist; seats offered to them go to the next entry at once. */
export async function leaveWaitlist(deps: Deps, actor: Actor, entryId: number): Promise<void> {
  await tx(deps.db, async (trx) => {
    const e = await qw.findEntry(trx, entryId);
    if (!e || (e.user_id !== actor.id && actor.role !== 'admin')) throw new NotFoundError();
    const now = isoNow(deps.clock);
    if (!(await qw.moveEntry(trx, e.id, ['waiting', 'offered'], 'left', now)))
      throw new Conflict('You are no longer on this waitlist.');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'waitlist.left',
      targetType: 'departure',
      targetId: e.departure_id,
      before: { entry: e.id, status: e.status, guests: e.guests },
    });
    if (e.status === 'offered') {
      await q.releaseSeats(trx, e.departure_id, e.guests);
      await offerFreedSeats(trx, deps, e.departure_id);
    }
    await tellWaitlist(trx, deps, e.departure_id, [e.user_id]);
  });
}

/** The traveler's places on waitlists (1 = next in line), with any open offer. */
export async function myWaitlist(deps: Deps, actor: Actor): Promise<WaitlistPlace[]> {
  const rows = await qw.entriesOfTraveler(deps.db, actor.id);
  return rows.map((r) => ({
    id: r.id,
    tripId: r.trip_id,
    title: r.title,
    departureId: r.departure_id,
    startDate: r.start_date,
    guests: r.guests,
    place: Number(r.place),
    offerExpiresAt: r.status === 'offered' ? r.offer_expires_at : null,
    free: r.price_paise === 0,
  }));
}

/** A departure's waitlist for its organizer (or an admin); 404 for anyone else. */
export async function departureWaitlist(deps: Deps, actor: Actor, departureId: number): Promise<DepartureWaitlist> {
  const d = await qw.departureOfOrganizer(deps.db, departureId);
  if (!d || !canManageTrip(actor, d)) throw new NotFoundError();
  const rows = await qw.entriesOfDeparture(deps.db, departureId);
  return {
    departureId: d.id,
    tripId: d.trip_id,
    title: d.title,
    startDate: d.start_date,
    seatsLeft: Math.max(0, d.capacity - d.seats_taken),
    entries: rows.map((r, i) => ({
      place: i + 1,
      name: r.name,
      email: r.email,
      phone: r.phone,
      guests: r.guests,
      joinedAt: r.created_at,
      offerExpiresAt: r.status === 'offered' ? r.offer_expires_at : null,
    })),
  };
}

/**
 * An offer's link: where its booking form is, while the offer is open for this traveler. A trip
 * paused or a date closed since the offer ends it here: the offer is closed, its seats go back
 * (and to nobody else while the date takes no bookings), and the traveler is told why (409).
 */
export async function openOffer(
  deps: Deps,
  actor: Actor,
  entryId: number,
): Promise<{ tripId: number; departureId: number; guests: number }> {
  const e = await qw.findEntry(deps.db, entryId);
  if (!e || e.user_id !== actor.id) throw new NotFoundError();
  if (e.status === 'closed') throw new Conflict(CLOSED);
  if (e.status !== 'offered' || !e.offer_expires_at || e.offer_expires_at <= isoNow(deps.clock))
    throw new Conflict('This offer has ended: its seats went to the next traveler on the waitlist.', 'offer');
  const closed = await closeOfferOnClosedDate(deps, actor, e.departure_id);
  if (closed) throw new Conflict(closed);
  const d = (await qw.departureSeats(deps.db, e.departure_id))!;
  return { tripId: d.trip_id, departureId: e.departure_id, guests: e.guests };
}

const CLOSED =
  'This date no longer takes bookings (the organizer paused or cancelled it), so your place on its waitlist is closed.';

/**
 * A booking (or a free trip's join) refused because its date stopped taking bookings: an open
 * offer of this traveler's on that date is closed and its seats released; returns why, to tell
 * them in a 409 page (null when they held no offer there, or the date still takes bookings).
 */
export async function closeOfferOnClosedDate(deps: Deps, actor: Actor, departureId: number): Promise<string | null> {
  const e = await qw.liveEntryOf(deps.db, actor.id, departureId);
  if (!e || e.status !== 'offered') return null;
  const d = await qw.departureSeats(deps.db, departureId);
  if (!d || (d.trip_status === 'active' && d.status === 'open' && d.start_date > istDate(deps.clock.now())))
    return null;
  await closeOffer(deps, actor, e);
  return `${d.title}, ${formatDay(d.start_date)}: ${CLOSED[0]!.toLowerCase()}${CLOSED.slice(1)}`;
}

/** An offer on a date that no longer takes bookings: closed, its seats given back. */
async function closeOffer(deps: Deps, actor: Actor, e: { id: number; departure_id: number; guests: number }) {
  await tx(deps.db, async (trx) => {
    if (!(await qw.moveEntry(trx, e.id, ['offered'], 'closed', isoNow(deps.clock)))) return;
    await q.releaseSeats(trx, e.departure_id, e.guests);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'waitlist.offer_closed',
      targetType: 'departure',
      targetId: e.departure_id,
      before: { entry: e.id, guests: e.guests, status: 'offered' },
    });
    await tellWaitlist(trx, deps, e.departure_id, [actor.id]);
  });
}

/** Seats held for this traveler by an open offer on the departure (0 when none): the booking form counts them as theirs. */
export async function offeredSeatsFor(db: Db, userId: number, departureId: number, now: string): Promise<number> {
  const e = await qw.liveEntryOf(db, userId, departureId);
  return e && e.status === 'offered' && e.offer_expires_at && e.offer_expires_at > now ? e.guests : 0;
}

/**
 * Inside createBooking's transaction, before its seats are taken: an open offer to this
 * traveler on this departure gives its seats back to the pool the booking takes from, so the
 * booking (of any size that fits) takes them. `done(bookingId)` marks the offer accepted; what
 * the booking did not need is offered on. When the booking fails, the transaction undoes all.
 */
export async function useOffer(
  trx: Db,
  deps: Deps,
  userId: number,
  departureId: number,
): Promise<((bookingId: number) => Promise<void>) | null> {
  const now = isoNow(deps.clock);
  const e = await qw.liveEntryOf(trx, userId, departureId);
  if (!e || e.status !== 'offered' || !e.offer_expires_at || e.offer_expires_at <= now) return null;
  await q.releaseSeats(trx, departureId, e.guests);
  return async (bookingId) => {
    await qw.moveEntry(trx, e.id, ['offered'], 'accepted', now, bookingId);
    await audit(trx, deps.clock, {
      actorId: userId,
      action: 'waitlist.accepted',
      targetType: 'booking',
      targetId: bookingId,
      after: { entry: e.id, departure_id: departureId, offered: e.guests },
    });
    await offerFreedSeats(trx, deps, departureId);
    await tellWaitlist(trx, deps, departureId, [userId]);
  };
}

/**
 * Offers a departure's free seats to its waitlist, in order, to each entry whose group fits:
 * their seats are taken off sale, the offer goes by email and SMS. Call it in the transaction
 * that freed the seats (a cancellation, a released hold, a rejected proof, a larger capacity,
 * a move to another batch), so the seats are never on sale in between. Returns the offers made.
 */
export async function offerFreedSeats(
  trx: Db,
  deps: Pick<Deps, 'clock' | 'config'>,
  departureId: number,
): Promise<number> {
  const d = await qw.departureSeats(trx, departureId);
  if (!d || d.status !== 'open' || d.trip_status !== 'active' || d.start_date <= istDate(deps.clock.now())) return 0;
  let free = d.capacity - d.seats_taken;
  if (free <= 0) return 0;
  const now = deps.clock.now();
  const until = addMs(now, (await getSetting(trx, 'waitlistOfferHours')) * HOUR).toISOString();
  const offeredTo: number[] = [];
  while (free > 0) {
    const [e] = await qw.waitingThatFit(trx, departureId, free, 1);
    if (!e) break;
    if ((await q.takeSeats(trx, departureId, e.guests)) === 0) break;
    await qw.markOffered(trx, e.id, now.toISOString(), until);
    free -= e.guests;
    offeredTo.push(e.user_id);
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'waitlist.offered',
      targetType: 'departure',
      targetId: departureId,
      after: { entry: e.id, user: e.user_id, guests: e.guests, until },
    });
    await sendWaitlistMessage(trx, deps, 'waitlist-offer', e, {
      entryId: e.id,
      tripId: d.trip_id,
      title: d.title,
      startDate: d.start_date,
      guests: e.guests,
      name: e.name,
      until,
    });
  }
  // Only the travelers offered seats see their page change: an offer keeps everyone's place.
  if (offeredTo.length > 0)
    await publishWith(trx, deps.clock, { to: offeredTo.map(channel.user), event: WAITLIST_EVENT });
  return offeredTo.length;
}

/**
 * The departure was cancelled: its waitlist closes, seats offered go back with it, and everyone
 * waiting is told. In the cancelling transaction.
 */
export async function closeWaitlist(
  trx: Db,
  deps: Pick<Deps, 'clock' | 'config'>,
  departureId: number,
): Promise<number> {
  const d = await qw.departureSeats(trx, departureId);
  if (!d) return 0;
  const now = isoNow(deps.clock);
  const closed: number[] = [];
  for (const e of await qw.liveEntriesToTell(trx, departureId)) {
    if (!(await qw.moveEntry(trx, e.id, ['waiting', 'offered'], 'closed', now))) continue;
    if (e.status === 'offered') await q.releaseSeats(trx, departureId, e.guests);
    closed.push(e.user_id);
    await sendWaitlistMessage(
      trx,
      deps,
      'waitlist-closed',
      { email: e.email, phone: e.phone },
      {
        entryId: e.id,
        tripId: d.trip_id,
        title: d.title,
        startDate: d.start_date,
        guests: e.guests,
        name: e.name,
      },
    );
  }
  if (closed.length > 0) {
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'waitlist.closed',
      targetType: 'departure',
      targetId: departureId,
      after: { entries: closed.length },
    });
    await publishWith(trx, deps.clock, { to: closed.map(channel.user), event: WAITLIST_EVENT });
  }
  return closed.length;
}

const OFFERS_PER_TRANSACTION = 4;

/** The job: offers past their time end, their seats go to the next entries. Safe to run twice. */
export async function expireWaitlistOffers(deps: Deps): Promise<string> {
  let expired = 0;
  let offered = 0;
  const trips = new Set<number>();
  const departures = new Set<number>();
  const lapsedUsers = new Set<number>();
  for (;;) {
    const due = await qw.expiredOffers(deps.db, isoNow(deps.clock), 200);
    if (due.length === 0) break;
    // One transaction per departure: its lapsed offers end together, then its freed seats are offered once.
    // At most OFFERS_PER_TRANSACTION at a time, so the write lock (and the event loop) is never held long.
    const byDeparture: [number, typeof due][] = [];
    for (const e of due) {
      const last = byDeparture.at(-1);
      if (last && last[0] === e.departure_id && last[1].length < OFFERS_PER_TRANSACTION) last[1].push(e);
      else byDeparture.push([e.departure_id, [e]]);
    }
    for (const [departureId, lapsed] of byDeparture) {
      const done = await tx(deps.db, async (trx) => {
        const now = isoNow(deps.clock);
        let ended = 0;
        for (const e of lapsed) {
          if (!(await qw.moveEntry(trx, e.id, ['offered'], 'expired', now))) continue;
          await q.releaseSeats(trx, departureId, e.guests);
          await audit(trx, deps.clock, {
            actorId: null,
            action: 'waitlist.offer_expired',
            targetType: 'departure',
            targetId: departureId,
            before: { entry: e.id, user: e.user_id, guests: e.guests },
          });
          await sendWaitlistMessage(
            trx,
            deps,
            'waitlist-offer-expired',
            { email: e.email, phone: e.phone },
            {
              entryId: e.id,
              tripId: e.trip_id,
              title: e.title,
              startDate: e.start_date,
              guests: e.guests,
              name: e.name,
            },
          );
          ended++;
        }
        return { ended, made: ended > 0 ? await offerFreedSeats(trx, deps, departureId) : 0 };
      });
      expired += done.ended;
      offered += done.made;
      if (done.ended > 0) {
        trips.add(lapsed[0]!.trip_id);
        departures.add(departureId);
        for (const e of lapsed) lapsedUsers.add(e.user_id);
      }
      await breathe();
    }
    // Once committed, one event per trip and per traveler and batch: the trip pages' seats left,
    // and the /waitlist page of everyone whose offer ended or whose place moved up.
    const travelers = new Set([...lapsedUsers, ...(await qw.liveUsersOf(deps.db, [...departures]))]);
    const events = [
      ...[...trips].map((id) => ({ to: channel.trip(id), event: 'seats' })),
      ...(travelers.size > 0 ? [{ to: [...travelers].map(channel.user), event: WAITLIST_EVENT }] : []),
    ];
    if (events.length > 0) await publish(deps, ...events);
    trips.clear();
    departures.clear();
    lapsedUsers.clear();
  }
  return `${expired} offers expired, ${offered} made`;
}
