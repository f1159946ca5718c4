import type { Generated } from 'kysely';

export type ReviewStatus = 'visible' | 'hidden';

/** One per booking, written by its traveler after the trip (see migration 0054). */
export interface ReviewsTable {
  id: Generated<number>;
  booking_id: number;
  trip_id: number;
  organizer_id: number;
  user_id: number;
  trip_stars: number;
  organizer_stars: number;
  title: string;
  comment: string;
  /** JSON string[] of REVIEW_TAGS slugs. */
  tags: Generated<string>;
  /** 1: written from a completed booking of the reviewer's own. */
  verified: Generated<number>;
  status: Generated<ReviewStatus>;
  /** The organizer's one reply. */
  reply: string | null;
  replied_at: string | null;
  moderation_reason: string | null;
  moderated_by: number | null;
  moderated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReviewReportsTable {
  id: Generated<number>;
  review_id: number;
  user_id: number;
  reason: string;
  details: Generated<string>;
  created_at: string;
  /** When an admin decided on the review (hid or restored it); null while open. */
  resolved_at: string | null;
}

/** Count and star total of the visible reviews, rewritten with every change to them. */
export interface TripRatingsTable {
  trip_id: number;
  reviews: number;
  stars_total: number;
}

export interface OrganizerRatingsTable {
  organizer_id: number;
  reviews: number;
  stars_total: number;
}

/** The review invitation sent after the trip, once per booking. */
export interface ReviewInvitesTable {
  booking_id: number;
  user_id: number;
  sent_at: string;
}

export interface ReviewTables {
  reviews: ReviewsTable;
  review_reports: ReviewReportsTable;
  trip_ratings: TripRatingsTable;
  organizer_ratings: OrganizerRatingsTable;
  review_invites: ReviewInvitesTable;
}
