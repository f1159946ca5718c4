import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { Conflict } from '../lib/errors.js';
import { getSettings } from '../lib/settings.js';
import { SUBSCRIPTION_PAGE } from './plan.js';
import * as q from './queries.js';
import type { SubscriptionStatus } from './tables.js';

type Db = Kysely<Database>;

/** The organizer's trips are shown to travelers in these states (past due: while charges are retried). */
const GOOD_STANDING: readonly SubscriptionStatus[] = ['trial', 'active', 'past_due'];

/**
 * Refuses one more active trip beyond what the organizer's running period includes, and
 * any while their subscription is not in good standing. `activeTrips` is how many they have
 * active now (the trips feature counts its own). Without a subscription (signed in before
 * billing existed), the plan's listings apply.
 */
export async function ensureListingRoom(db: Db, organizerId: number, activeTrips: number): Promise<void> {
  const sub = await q.findSubscription(db, organizerId);
  if (sub && !GOOD_STANDING.includes(sub.status)) {
    throw new Conflict(
      'Your subscription is not active, so travelers cannot see your trips and no trip can be published.',
    ).withLink(SUBSCRIPTION_PAGE, 'See your subscription');
  }
  const included = sub ? sub.listings : (await getSettings(db)).planListings;
  if (activeTrips >= included) {
    throw new Conflict(
      `Your plan includes ${included} active ${included === 1 ? 'trip' : 'trips'} and you have ${activeTrips}. Deactivate one first to publish this one.`,
    ).withLink(SUBSCRIPTION_PAGE, 'See your plan');
  }
}

/** How many active trips the organizer's running period includes (the plan's, without a subscription). */
export async function listingsIncluded(db: Db, organizerId: number): Promise<number> {
  const sub = await q.findSubscription(db, organizerId);
  return sub ? sub.listings : (await getSettings(db)).planListings;
}
