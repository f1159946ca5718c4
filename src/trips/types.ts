import type { Rating, ReviewView } from '../reviews/types.js';
import type { FieldErrors } from '../lib/errors.js';
import type { RefundRule } from '../lib/settings.js';
import type { Category } from './catalog.js';
import type { SearchQuery, TripDraft } from './schemas.js';
import type { Difficulty, TripStatus } from './tables.js';

/** The trips feature's domain shapes, as services hand them to views. */

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

export interface SearchResult {
  query: SearchQuery;
  cards: TripCard[];
  total: number;
  /** More matches exist than were counted. */
  capped: boolean;
  page: number;
  pages: number;
}

export interface HomeData {
  soonest: TripCard[];
  categories: { slug: Category; count: number }[];
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
  /** The deposit a booking may pay first (a percentage, or paise per guest) and the balance's days before the start; null: paid in full. */
  deposit: { kind: 'percent' | 'amount'; value: number; dueDays: number } | null;
  /** The viewer may edit it (owner or admin). */
  canManage: boolean;
  /** Travelers can see it (owners also see non-public trips, with a notice). */
  isPublic: boolean;
  /** The trip's rating and latest visible reviews; the organizer's rating over all their trips. */
  rating: Rating | null;
  reviews: ReviewView[];
  organizerRating: Rating | null;
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
  /** Its departures with seats taken, soonest first: each has a participants list to download. */
  booked: { id: number; startDate: string; taken: number }[];
}

export interface EditableTrip {
  id: number;
  status: TripStatus;
  draft: TripDraft;
  images: (ImageRef & { id: number; isCover: boolean })[];
  departures: DepartureView[];
}

export interface ChosenPhotos {
  /** In the order chosen: those from before, then the files of this request. */
  photos: ImageRef[];
  /** A message for the photo field (a bad image, too many, a key that is not this user's). */
  errors: FieldErrors;
}
