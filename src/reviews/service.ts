import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { can, type Actor } from '../auth/permissions.js';
import { completedBookingsOf, recentlyCompletedBookings, reviewableBooking } from '../bookings/lookups.js';
import type { ModerationItem, Rating, ReviewableBooking, ReviewView } from './types.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { breathe } from '../lib/jobs.js';
import { tx } from '../lib/transaction.js';
import { enqueue } from '../notifications/outbox.js';
import { inviteEmail } from '../../views/reviews/emails.js';
import * as q from './queries.js';
import { REVIEW_TAGS, type ReportReason, type ReviewInput, type ReviewTag } from './schemas.js';
import type { ReviewStatus } from './tables.js';

// trips takes the ratings and reviews it shows from here (views take them from types.ts).

const shortName = (name: string) => {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts[0]} ${parts[parts.length - 1][0]}.` : parts[0] || 'A traveler';
};

const parseTags = (json: string): ReviewTag[] => {
  try {
    return (JSON.parse(json) as string[]).filter((t): t is ReviewTag => t in REVIEW_TAGS);
  } catch {
    return [];
  }
};

const toView = (r: q.ReviewRow): ReviewView => ({
  id: r.id,
  bookingId: r.booking_id,
  tripId: r.trip_id,
  tripTitle: r.trip_title,
  organizerId: r.organizer_id,
  organizerName: r.org_display_name ?? r.organizer_name,
  authorName: shortName(r.author_name),
  tripStars: r.trip_stars,
  organizerStars: r.organizer_stars,
  title: r.title,
  comment: r.comment,
  tags: parseTags(r.tags),
  verified: r.verified === 1,
  status: r.status,
  reply: r.reply,
  repliedAt: r.replied_at,
  createdAt: r.created_at,
});

const toRating = (r: { reviews: number; stars_total: number } | undefined): Rating | null =>
  r && r.reviews > 0 ? { count: r.reviews, average: r.stars_total / r.reviews } : null;

/** Every change to a review's visibility or stars rewrites both ratings it counts in, in its transaction. */
async function refreshRatings(trx: Kysely<Database>, r: { trip_id: number; organizer_id: number }) {
  await q.refreshTripRating(trx, r.trip_id);
  await q.refreshOrganizerRating(trx, r.organizer_id);
}

// ---------------------------------------------------------------------------------------
// Writing a review

/** The booking the review form is about; a Conflict when it cannot be reviewed (or already was). */
export async function reviewForm(deps: Deps, actor: Actor, bookingId: number): Promise<ReviewableBooking> {
  const booking = await reviewableBooking(deps, actor, bookingId);
  if (await q.reviewOfBooking(deps.db, booking.id))
    throw new Conflict('You have already reviewed this trip.').withLink(`/trips/${booking.tripId}`, 'See the trip');
  return booking;
}

/**
 * The traveler reviews their completed booking's trip and organizer, once: the booking's UNIQUE
 * review row decides between two posts at once. The ratings are rewritten in the same transaction.
 */
export async function createReview(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  input: ReviewInput,
): Promise<{ id: number; tripId: number }> {
  const b = await reviewableBooking(deps, actor, bookingId);
  const now = isoNow(deps.clock);
  const id = await tx(deps.db, async (trx) => {
    const id = await q.insertReview(trx, {
      booking_id: b.id,
      trip_id: b.tripId,
      organizer_id: b.organizerId,
      user_id: actor.id,
      trip_stars: input.trip_stars,
      organizer_stars: input.organizer_stars,
      title: input.title,
      comment: input.comment,
      tags: JSON.stringify([...new Set(input.tags)]),
      verified: 1,
      created_at: now,
      updated_at: now,
    });
    if (id !== null) await refreshRatings(trx, { trip_id: b.tripId, organizer_id: b.organizerId });
    return id;
  });
  if (id === null)
    throw new Conflict('You have already reviewed this trip.').withLink(`/trips/${b.tripId}`, 'See the trip');
  return { id, tripId: b.tripId };
}

// ---------------------------------------------------------------------------------------
// Replies and reports

/** A review the actor may reply to: one of their own trips' (anyone else gets a 404). */
export async function reviewToReply(deps: Deps, actor: Actor, reviewId: number): Promise<ReviewView> {
  const r = await q.findReview(deps.db, reviewId);
  if (!r || r.organizer_id !== actor.id) throw new NotFoundError();
  return toView(r);
}

/** The organizer answers a review of their trip, once. */
export async function replyToReview(deps: Deps, actor: Actor, reviewId: number, reply: string): Promise<ReviewView> {
  const r = await reviewToReply(deps, actor, reviewId);
  const done = await q.setReply(deps.db, r.id, reply, isoNow(deps.clock));
  if (!done) throw new Conflict('You have already replied to this review.', 'reply');
  return r;
}

async function visibleReview(deps: Deps, reviewId: number) {
  const r = await q.findReview(deps.db, reviewId);
  if (!r || r.status !== 'visible') throw new NotFoundError();
  return r;
}

/** A visible review anyone signed in may report; a 404 for a hidden or missing one. */
export async function reviewToReport(deps: Deps, reviewId: number): Promise<ReviewView> {
  return toView(await visibleReview(deps, reviewId));
}

/** Anyone signed in reports a review for an admin to look at, once each (never their own). */
export async function reportReview(
  deps: Deps,
  actor: Actor,
  reviewId: number,
  report: { reason: ReportReason; details: string },
): Promise<ReviewView> {
  const r = await visibleReview(deps, reviewId);
  if (r.user_id === actor.id) throw new Conflict('This is your own review: you cannot report it.', 'reason');
  const done = await q.insertReport(deps.db, {
    review_id: r.id,
    user_id: actor.id,
    reason: report.reason,
    details: report.details,
    created_at: isoNow(deps.clock),
  });
  if (!done) throw new Conflict('You have already reported this review. An admin will look at it.', 'reason');
  return toView(r);
}

// ---------------------------------------------------------------------------------------
// Moderation (admins)

function requireModerator(actor: Actor) {
  if (!can(actor.role, 'reviews:moderate')) throw new ForbiddenError();
}

/**
 * An admin hides a review (it leaves the pages and the averages) or restores it (back in both;
 * on a visible one this keeps it and closes its reports). Either way its open reports are
 * resolved, the ratings rewritten and the decision audited with its reason, in one transaction.
 */
export async function moderateReview(
  deps: Deps,
  actor: Actor,
  reviewId: number,
  to: ReviewStatus,
  reason: string,
): Promise<'hidden' | 'restored' | 'kept'> {
  requireModerator(actor);
  return tx(deps.db, async (trx) => {
    const r = await q.findReview(trx, reviewId);
    if (!r) throw new NotFoundError();
    const now = isoNow(deps.clock);
    const m = { reason, by: actor.id, now };
    const changed = await q.setStatus(trx, r.id, to, m);
    if (!changed && to === 'hidden') throw new Conflict('This review is already hidden.');
    if (!changed) await q.noteModeration(trx, r.id, m);
    const resolved = await q.resolveReports(trx, r.id, now);
    if (!changed && resolved === 0) throw new Conflict('This review is visible and has no open reports.');
    if (changed) await refreshRatings(trx, r);
    const outcome = to === 'hidden' ? 'hidden' : changed ? 'restored' : 'kept';
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: `review.${outcome}`,
      targetType: 'review',
      targetId: r.id,
      before: { status: r.status },
      after: { status: to, reason, reports_resolved: resolved },
    });
    return outcome;
  });
}

export async function moderationQueue(
  deps: Deps,
  actor: Actor,
  show: 'reported' | 'hidden',
): Promise<ModerationItem[]> {
  requireModerator(actor);
  const rows = await q.moderationQueue(deps.db, show);
  const reports = await q.reportsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...toView(r),
    openReports: Number(r.open_reports ?? 0),
    moderationReason: r.moderation_reason,
    moderatedAt: r.moderated_at,
    reports: reports
      .filter((x) => x.review_id === r.id)
      .map((x) => ({
        reason: x.reason as ReportReason,
        details: x.details,
        reporterName: x.reporter_name,
        createdAt: x.created_at,
        open: x.resolved_at === null,
      })),
  }));
}

// ---------------------------------------------------------------------------------------
// Reading: pages, cards, dashboards

/** A trip's rating and its latest visible reviews (the trip page). */
export async function tripReviews(
  deps: Pick<Deps, 'db'>,
  tripId: number,
  limit = 20,
): Promise<{ rating: Rating | null; reviews: ReviewView[] }> {
  const [ratings, rows] = await Promise.all([
    q.tripRatings(deps.db, [tripId]),
    q.visibleReviewsOfTrip(deps.db, tripId, limit),
  ]);
  return { rating: toRating(ratings[0]), reviews: rows.map(toView) };
}

/** Ratings of trips, by trip id (cards); a trip with no visible review is absent. */
export async function ratingsOfTrips(deps: Pick<Deps, 'db'>, tripIds: number[]): Promise<Map<number, Rating>> {
  const rows = await q.tripRatings(deps.db, tripIds);
  return new Map(rows.map((r) => [r.trip_id, toRating(r)!]));
}

/** An organizer's rating (their stars over all their trips) and latest visible reviews. */
export async function organizerReviews(
  deps: Pick<Deps, 'db'>,
  organizerId: number,
  limit = 10,
): Promise<{ rating: Rating | null; reviews: ReviewView[] }> {
  const [rating, rows] = await Promise.all([
    q.organizerRating(deps.db, organizerId),
    q.visibleReviewsOfOrganizer(deps.db, organizerId, limit),
  ]);
  return { rating: toRating(rating), reviews: rows.map(toView) };
}

/** The traveler's completed bookings still awaiting their review, latest trip first (the dashboard). */
export async function reviewInvites(deps: Pick<Deps, 'db'>, userId: number): Promise<ReviewableBooking[]> {
  const done = await completedBookingsOf(deps, userId);
  const reviewed = await q.reviewedBookingIds(
    deps.db,
    done.map((b) => b.id),
  );
  return done.filter((b) => !reviewed.has(b.id));
}

/** The traveler's own page: trips awaiting a review, and the reviews they wrote. */
export async function myReviews(deps: Deps, actor: Actor) {
  const [awaiting, written] = await Promise.all([reviewInvites(deps, actor.id), q.reviewsByUser(deps.db, actor.id)]);
  return { awaiting, written: written.map(toView) };
}

/** The reviews of the actor's own trips, for replying (only a trip's organizer replies; admins moderate at /admin/reviews). */
export async function organizerInbox(deps: Deps, actor: Actor): Promise<ReviewView[]> {
  const rows = await q.reviewsOfOrganizer(deps.db, actor.id, 200);
  return rows.map(toView);
}

// ---------------------------------------------------------------------------------------
// The invitation after the trip

/** Trips that ended this many days ago at most are still asked about. */
export const INVITE_WINDOW_DAYS = 14;

/**
 * Daily: each booking completed recently, not reviewed and not yet invited, gets one email
 * asking for a review. The invite row and the message are written in one transaction, and the
 * row's primary key is the booking: a second run (or two at once) sends nothing more.
 */
export async function sendReviewInvites(deps: Deps): Promise<string> {
  const recent = await recentlyCompletedBookings(deps, INVITE_WINDOW_DAYS);
  const ids = recent.map((b) => b.id);
  const [invited, reviewed] = await Promise.all([
    q.invitedBookingIds(deps.db, ids),
    q.reviewedBookingIds(deps.db, ids),
  ]);
  let sent = 0;
  for (const b of recent) {
    if (invited.has(b.id) || reviewed.has(b.id)) continue;
    const done = await tx(deps.db, async (trx) => {
      if (!(await q.claimInvite(trx, b.id, b.userId, isoNow(deps.clock)))) return false;
      const m = inviteEmail({
        name: b.travelerName,
        title: b.title,
        organizerName: b.organizerName,
        link: `${deps.config.publicUrl}/bookings/${b.id}/review`,
      });
      await enqueue(trx, deps, { channel: 'email', to: b.travelerEmail, template: 'review-invite', ...m });
      return true;
    });
    if (done) sent++;
    await breathe();
  }
  return `invited ${sent}`;
}

// ---------------------------------------------------------------------------------------
// Erasure (for the admin's "delete with erasure")

export const ERASED_TEXT = '(removed at the author’s request)';

/**
 * Erases what a user wrote in reviews (title, comment), in replies to reviews and in report
 * details, inside the caller's transaction; stars and counts stay, so the ratings do not move.
 */
export async function eraseReviewText(trx: Kysely<Database>, clock: Deps['clock'], userId: number): Promise<number> {
  return q.eraseTextOf(trx, userId, clock.now().toISOString(), ERASED_TEXT);
}
