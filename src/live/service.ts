import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { Role } from '../auth/tables.js';
import type { Clock } from '../lib/clock.js';
import { DAY } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { insertEvents, pruneEvents } from './queries.js';

/**
 * Who hears an event. Every stream listens on its user's channel, its role's, `all` and its
 * session's; a page adds topics (`booking:12`, `trip:5`, `dashboard:organizer`), each one
 * checked against what the user may see when the stream opens (`allowedTopics`).
 */
export const channel = {
  all: 'all',
  user: (id: number) => `user:${id}`,
  role: (role: Role) => `role:${role}`,
  session: (sessionId: string) => `session:${sessionId}`,
  booking: (id: number) => `booking:${id}`,
  trip: (id: number) => `trip:${id}`,
  ticket: (id: number) => `ticket:${id}`,
  dashboard: (name: Role) => `dashboard:${name}`,
};

/** What publishing needs; without a logger, a failure to publish goes unlogged (it never throws). */
export type PublishDeps = Pick<Deps, 'db' | 'clock'> & Partial<Pick<Deps, 'log'>>;

export interface LiveEvent {
  /** One channel or several (the organizer and the traveler of a booking, say). */
  to: string | string[];
  /** The SSE event name the page listens for (`sse-swap="bell"`, `hx-trigger="sse:booking"`). */
  event: string;
  /** An HTML fragment to swap in, or nothing when the page refetches its own piece. */
  data?: string;
}

/** Events are kept a day: long enough for any reconnect, and the table stays small. */
export const KEEP_EVENTS_MS = DAY;
/** The largest event we send: a live update is a small piece of a page. */
export const MAX_EVENT_DATA = 4096;

const rowsOf = (clock: Clock, events: LiveEvent[]) => {
  const created_at = clock.now().toISOString();
  return events.flatMap((e) => {
    if ((e.data ?? '').length > MAX_EVENT_DATA)
      throw new Error(`live event ${e.event} is over ${MAX_EVENT_DATA} bytes`);
    return (Array.isArray(e.to) ? e.to : [e.to]).map((to) => ({
      channel: to,
      event: e.event,
      data: e.data ?? '',
      created_at,
    }));
  });
};

/**
 * Publishes events: call it after your transaction has committed, with `deps.db`. The event is
 * a row every server process's hub reads within a poll (250 ms), so a browser connected to
 * another process hears it too. A failure to publish is logged, never thrown: the change
 * itself has happened, and the page shows it on the next load.
 */
export async function publish(deps: PublishDeps, ...events: LiveEvent[]): Promise<void> {
  try {
    const rows = rowsOf(deps.clock, events);
    await tx(deps.db, (trx) => insertEvents(trx, rows));
  } catch (err) {
    deps.log?.error({ err, events: events.map((e) => e.event) }, 'could not publish a live event');
  }
}

/**
 * The same, written in the caller's transaction: for an event that is part of the change itself
 * (a new notification's bell count). The row is invisible to every hub until the commit, so it
 * is delivered exactly when (and only if) the change is; in memory it would go out at once.
 */
export async function publishWith(trx: Kysely<Database>, clock: Clock, ...events: LiveEvent[]): Promise<void> {
  await insertEvents(trx, rowsOf(clock, events));
}

/** Housekeeping: events older than a day (nobody reconnects that late; the page has them). */
export async function forgetOldEvents(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  return pruneEvents(deps.db, new Date(deps.clock.now().getTime() - KEEP_EVENTS_MS).toISOString());
}

/**
 * A booking changed (made, paid, verified, rejected, cancelled, released): its page, the seats
 * left on its trip and its organizer's queue and list are fetched again by whoever shows them.
 * Call it after the commit.
 */
export async function bookingChanged(deps: PublishDeps, b: ChangedBooking): Promise<void> {
  await publish(deps, ...bookingEvents(b));
}

/**
 * The same, written in the booking's own transaction (publishWith): delivered exactly when it
 * commits. Making a booking uses it, so the hot path writes once instead of twice.
 */
export async function bookingChangedWith(trx: Kysely<Database>, clock: Clock, b: ChangedBooking): Promise<void> {
  await publishWith(trx, clock, ...bookingEvents(b));
}

interface ChangedBooking {
  id: number;
  trip_id: number;
  organizer_id: number;
}

const bookingEvents = (b: ChangedBooking): LiveEvent[] => [
  { to: channel.booking(b.id), event: 'booking' },
  { to: channel.trip(b.trip_id), event: 'seats' },
  { to: channel.user(b.organizer_id), event: 'queue' },
];

/** A support ticket's thread has a new reply or status: both sides' open pages fetch it again. Call it after the commit. */
export async function ticketChanged(deps: PublishDeps, ticketId: number): Promise<void> {
  await publish(deps, { to: channel.ticket(ticketId), event: 'thread' });
}

/** An organizer's subscription changed status: their subscription page shows it. Call it after the commit. */
export async function subscriptionChanged(deps: PublishDeps, organizerId: number): Promise<void> {
  await publish(deps, { to: channel.user(organizerId), event: 'subscription' });
}
