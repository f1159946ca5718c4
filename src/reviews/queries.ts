import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ReviewStatus } from './tables.js';

type Db = Kysely<Database>;

// ---------------------------------------------------------------------------------------
// Reviews

export type NewReview = Omit<
  Insertable<Database['reviews']>,
  'id' | 'status' | 'reply' | 'replied_at' | 'moderation_reason' | 'moderated_by' | 'moderated_at'
>;

/** Writes the booking's review; null when the booking already has one. */
export async function insertReview(db: Db, row: NewReview): Promise<number | null> {
  const r = await db
    .insertInto('reviews')
    .values(row)
    .onConflict((oc) => oc.column('booking_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

const reviewColumns = [
  'reviews.id',
  'reviews.booking_id',
  'reviews.trip_id',
  'reviews.organizer_id',
  'reviews.user_id',
  'reviews.trip_stars',
  'reviews.organizer_stars',
  'reviews.title',
  'reviews.comment',
  'reviews.tags',
  'reviews.verified',
  'reviews.status',
  'reviews.reply',
  'reviews.replied_at',
  'reviews.moderation_reason',
  'reviews.moderated_at',
  'reviews.created_at',
  'author.name as author_name',
  'trips.title as trip_title',
  'org.name as organizer_name',
  'org.org_display_name',
] as const;

function reviewBase(db: Db) {
  return db
    .selectFrom('reviews')
    .innerJoin('users as author', 'author.id', 'reviews.user_id')
    .innerJoin('trips', 'trips.id', 'reviews.trip_id')
    .innerJoin('users as org', 'org.id', 'reviews.organizer_id')
    .select(reviewColumns);
}

export function findReview(db: Db, id: number) {
  return reviewBase(db).where('reviews.id', '=', id).executeTakeFirst();
}
export type ReviewRow = NonNullable<Awaited<ReturnType<typeof findReview>>>;

export function reviewOfBooking(db: Db, bookingId: number) {
  return reviewBase(db).where('reviews.booking_id', '=', bookingId).executeTakeFirst();
}

/** Which of these bookings have a review. */
export async function reviewedBookingIds(db: Db, bookingIds: number[]): Promise<Set<number>> {
  if (bookingIds.length === 0) return new Set();
  const rows = await db.selectFrom('reviews').select('booking_id').where('booking_id', 'in', bookingIds).execute();
  return new Set(rows.map((r) => r.booking_id));
}

/** A trip's visible reviews, newest first. */
export function visibleReviewsOfTrip(db: Db, tripId: number, limit: number) {
  return reviewBase(db)
    .where('reviews.trip_id', '=', tripId)
    .where('reviews.status', '=', 'visible')
    .orderBy('reviews.id', 'desc')
    .limit(limit)
    .execute();
}

/** An organizer's visible reviews over all their trips, newest first. */
export function visibleReviewsOfOrganizer(db: Db, organizerId: number, limit: number) {
  return reviewBase(db)
    .where('reviews.organizer_id', '=', organizerId)
    .where('reviews.status', '=', 'visible')
    .orderBy('reviews.id', 'desc')
    .limit(limit)
    .execute();
}

/** Every review of an organizer's trips (hidden ones too), newest first: their reply page. */
export function reviewsOfOrganizer(db: Db, organizerId: number, limit: number) {
  return reviewBase(db)
    .where('reviews.organizer_id', '=', organizerId)
    .orderBy('reviews.id', 'desc')
    .limit(limit)
    .execute();
}

export function reviewsByUser(db: Db, userId: number) {
  return reviewBase(db).where('reviews.user_id', '=', userId).orderBy('reviews.id', 'desc').limit(200).execute();
}

/** Sets the organizer's reply unless there is one: true when this call wrote it. */
export async function setReply(db: Db, id: number, reply: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('reviews')
    .set({ reply, replied_at: now, updated_at: now })
    .where('id', '=', id)
    .where('replied_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Hides or shows a review unless it already is so: true when this call changed it. */
export async function setStatus(
  db: Db,
  id: number,
  status: ReviewStatus,
  m: { reason: string; by: number; now: string },
): Promise<boolean> {
  const r = await db
    .updateTable('reviews')
    .set({ status, moderation_reason: m.reason, moderated_by: m.by, moderated_at: m.now, updated_at: m.now })
    .where('id', '=', id)
    .where('status', '!=', status)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the moderator's reason on a review that stays as it is. */
export async function noteModeration(db: Db, id: number, m: { reason: string; by: number; now: string }) {
  await db
    .updateTable('reviews')
    .set({ moderation_reason: m.reason, moderated_by: m.by, moderated_at: m.now, updated_at: m.now })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------
// Reports

/** One report per user and review: false when this user had already reported it. */
export async function insertReport(
  db: Db,
  row: { review_id: number; user_id: number; reason: string; details: string; created_at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('review_reports')
    .values({ ...row, resolved_at: null })
    .onConflict((oc) => oc.columns(['review_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function resolveReports(db: Db, reviewId: number, now: string): Promise<number> {
  const r = await db
    .updateTable('review_reports')
    .set({ resolved_at: now })
    .where('review_id', '=', reviewId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Reviews with open reports (most reported first), or hidden ones (latest decision first), for admins. */
export async function moderationQueue(db: Db, show: 'reported' | 'hidden') {
  const open = db
    .selectFrom('review_reports')
    .select(['review_id', (eb) => eb.fn.countAll<number>().as('open_reports')])
    .select((eb) => eb.fn.max('created_at').as('last_report_at'))
    .where('resolved_at', 'is', null)
    .groupBy('review_id');
  let q = reviewBase(db)
    .leftJoin(open.as('o'), 'o.review_id', 'reviews.id')
    .select(['o.open_reports', 'o.last_report_at']);
  q =
    show === 'reported'
      ? q.where('o.open_reports', '>', 0).orderBy('o.open_reports', 'desc').orderBy('o.last_report_at', 'desc')
      : q.where('reviews.status', '=', 'hidden').orderBy('reviews.moderated_at', 'desc');
  return q.orderBy('reviews.id', 'desc').limit(200).execute();
}

/** The reports of some reviews, open ones first. */
export async function reportsOf(db: Db, reviewIds: number[]) {
  if (reviewIds.length === 0) return [];
  return db
    .selectFrom('review_reports')
    .innerJoin('users', 'users.id', 'review_reports.user_id')
    .select([
      'review_reports.review_id',
      'review_reports.reason',
      'review_reports.details',
      'review_reports.created_at',
      'review_reports.resolved_at',
      'users.name as reporter_name',
    ])
    .where('review_reports.review_id', 'in', reviewIds)
    .orderBy('review_reports.id')
    .execute();
}

// ---------------------------------------------------------------------------------------
// Ratings: count and star total of the visible reviews, rewritten from the reviews themselves

/** Rewrites a trip's rating from its visible reviews (inside the transaction of the change). */
export async function refreshTripRating(db: Db, tripId: number): Promise<void> {
  await sql`insert into trip_ratings (trip_id, reviews, stars_total)
    select ${tripId}, count(*), coalesce(sum(trip_stars), 0) from reviews where trip_id = ${tripId} and status = 'visible'
    on conflict (trip_id) do update set reviews = excluded.reviews, stars_total = excluded.stars_total`.execute(db);
}

export async function refreshOrganizerRating(db: Db, organizerId: number): Promise<void> {
  await sql`insert into organizer_ratings (organizer_id, reviews, stars_total)
    select ${organizerId}, count(*), coalesce(sum(organizer_stars), 0) from reviews where organizer_id = ${organizerId} and status = 'visible'
    on conflict (organizer_id) do update set reviews = excluded.reviews, stars_total = excluded.stars_total`.execute(
    db,
  );
}

export async function tripRatings(db: Db, tripIds: number[]) {
  if (tripIds.length === 0) return [];
  return db
    .selectFrom('trip_ratings')
    .select(['trip_id', 'reviews', 'stars_total'])
    .where('trip_id', 'in', tripIds)
    .where('reviews', '>', 0)
    .execute();
}

export function organizerRating(db: Db, organizerId: number) {
  return db
    .selectFrom('organizer_ratings')
    .select(['reviews', 'stars_total'])
    .where('organizer_id', '=', organizerId)
    .where('reviews', '>', 0)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------
// Invitations

/** Which of these bookings were already invited to review. */
export async function invitedBookingIds(db: Db, bookingIds: number[]): Promise<Set<number>> {
  if (bookingIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('review_invites')
    .select('booking_id')
    .where('booking_id', 'in', bookingIds)
    .execute();
  return new Set(rows.map((r) => r.booking_id));
}

/** Claims the booking's invitation: true when this call did (the message is then queued in the same transaction). */
export async function claimInvite(db: Db, bookingId: number, userId: number, now: string): Promise<boolean> {
  const r = await db
    .insertInto('review_invites')
    .values({ booking_id: bookingId, user_id: userId, sent_at: now })
    .onConflict((oc) => oc.column('booking_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

// ---------------------------------------------------------------------------------------
// Erasure

/** Replaces the free text a user wrote in reviews, replies and reports; the stars stay (they hold nothing personal). */
export async function eraseTextOf(db: Db, userId: number, now: string, removed: string): Promise<number> {
  const reviews = await db
    .updateTable('reviews')
    .set({ title: removed, comment: removed, updated_at: now })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const replies = await db
    .updateTable('reviews')
    .set({ reply: removed, updated_at: now })
    .where('organizer_id', '=', userId)
    .where('reply', 'is not', null)
    .executeTakeFirst();
  const reports = await db
    .updateTable('review_reports')
    .set({ details: '' })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(reviews.numUpdatedRows) + Number(replies.numUpdatedRows) + Number(reports.numUpdatedRows);
}
