import type { Context } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { channel } from './service.js';

/** What a page keeps live: the topics its stream asks for, and the pieces (by id) it fetches again on an event. */
export interface LivePage {
  topics?: string[];
  /**
   * `from`: where the piece is fetched from, when not the page itself (a dashboard widget's own URL
   * is lighter); `also`: another element (by id) taken from the same response; `swap: 'data'`: the
   * event carries the piece itself, swapped in as it comes (nothing is fetched).
   */
  pieces: { event: string; target: string; from?: string; also?: string; swap?: 'data' }[];
}

/** A dashboard widget kept live: fetched alone from /dashboard/<role>/<widget> on the event. */
const widget = (role: string, name: string, event: string) => ({
  event,
  target: `#widget-${name}`,
  from: `/dashboard/${role}/${name}`,
});

const id = (c: Context<AppEnv>) => Number(c.req.param('id'));

/**
 * The live pieces of each page, by its route: the routes and views stay as they are (a piece is
 * an element with an id the page already renders). Each event is published by the feature
 * whose change it is, after its commit (see `bookingChanged` and friends in service.ts).
 */
const PAGES: Record<string, (c: Context<AppEnv>) => LivePage> = {
  // The traveler's (or organizer's) booking: status and next step.
  '/bookings/:id': (c) => ({
    topics: [channel.booking(id(c))],
    pieces: [{ event: 'booking', target: '#booking-live' }],
  }),
  // Seats left on each departure.
  '/trips/:id': (c) => ({ topics: [channel.trip(id(c))], pieces: [{ event: 'seats', target: '#departures' }] }),
  // The organizer's queue and bookings list: a new booking or a UPI proof arrives (their own channel).
  '/organizer/verifications': () => ({ pieces: [{ event: 'queue', target: '#verification-queue' }] }),
  '/organizer/bookings': () => ({ pieces: [{ event: 'queue', target: '#organizer-bookings' }] }),
  // A support ticket's thread and status line, on the customer's page and the agent's: a reply or a
  // status change (`thread`), the other side opening the thread (its "Seen" mark), and the other
  // side's "typing…" mark, which the event carries (src/support/typing.tsx).
  '/support/:id': (c) => ({
    topics: [channel.ticket(id(c))],
    pieces: [
      ...['thread', 'seen-by-agent'].map((event) => ({ event, target: `#thread-${id(c)}`, also: '#ticket-status' })),
      { event: 'typing-agent', target: `#typing-${id(c)}`, swap: 'data' as const },
    ],
  }),
  '/agent/tickets/:id': (c) => ({
    topics: [channel.ticket(id(c))],
    pieces: [
      ...['thread', 'seen-by-customer'].map((event) => ({ event, target: `#thread-${id(c)}`, also: '#ticket-status' })),
      { event: 'typing-customer', target: `#typing-${id(c)}`, swap: 'data' as const },
    ],
  }),
  // The organizer's dashboard: a booking made, a UPI proof sent or decided (their own channel), a subscription change.
  '/dashboard/organizer': () => ({
    pieces: [
      ...['newBookings', 'departures', 'verifications', 'alerts'].map((n) => widget('organizer', n, 'queue')),
      widget('organizer', 'subscription', 'subscription'),
    ],
  }),
  // The traveler's waitlists: a place that moved up, an offer made, ended or closed (their own channel).
  '/waitlist': () => ({ pieces: [{ event: 'waitlist', target: '#my-waitlist' }] }),
  '/organizer/subscription': () => ({ pieces: [{ event: 'subscription', target: '#subscription-status' }] }),
};

/** The live pieces of a role's dashboard, wherever it is served (/dashboard or /dashboard/ROLE). */
export const liveDashboardOf = (c: Context<AppEnv>, role: string): LivePage | undefined =>
  PAGES[`/dashboard/${role}`]?.(c);

export function livePageOf(c: Context<AppEnv>): LivePage | undefined {
  return PAGES[c.req.routePath]?.(c);
}
