/** Reviews and ratings as the views get them. */
import type { ReviewableBooking } from '../bookings/types.js';
import type { ReportReason, ReviewTag } from './schemas.js';
import type { ReviewStatus } from './tables.js';

export type { ReviewableBooking };

/** The visible reviews' count and exact average (stars total ÷ count). */
export interface Rating {
  count: number;
  average: number;
}

export interface ReviewView {
  id: number;
  bookingId: number;
  tripId: number;
  tripTitle: string;
  organizerId: number;
  organizerName: string;
  /** First name and the initial of the last: "Asha R." */
  authorName: string;
  tripStars: number;
  organizerStars: number;
  title: string;
  comment: string;
  tags: ReviewTag[];
  /** Written from a completed booking of the reviewer's own. */
  verified: boolean;
  status: ReviewStatus;
  reply: string | null;
  repliedAt: string | null;
  createdAt: string;
}

export interface ReportView {
  reason: ReportReason;
  details: string;
  reporterName: string;
  createdAt: string;
  open: boolean;
}

/** A review as the admin's queue shows it. */
export interface ModerationItem extends ReviewView {
  openReports: number;
  moderationReason: string | null;
  moderatedAt: string | null;
  reports: ReportView[];
}
