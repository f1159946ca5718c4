import type { Generated } from 'kysely';

export type DepositKind = 'percent' | 'amount';
export type Difficulty = 'beginner' | 'intermediate' | 'advanced';
export type TripStatus = 'draft' | 'active' | 'inactive' | 'cancelled' | 'completed';
export type DepartureStatus = 'open' | 'cancelled';

export interface TripsTable {
  id: Generated<number>;
  organizer_id: number;
  title: string;
  description: string;
  destination: string;
  region: string;
  price_paise: number;
  /** JSON string[] */
  categories: string;
  difficulty: Difficulty;
  /** JSON string[] */
  included: string;
  /** JSON string[] */
  requirements: string;
  itinerary: string;
  /** JSON { day: number, title: string, activities: string }[] */
  schedule: string;
  meeting_point: string | null;
  status: Generated<TripStatus>;
  /** JSON { days: number, percent: number }[]; null means the platform default. */
  refund_policy: string | null;
  /** A deposit asked when booking: a percentage of the price, or an amount per guest; null: paid in full. */
  deposit_kind: Generated<DepositKind | null>;
  /** The percentage (1–99) or the paise per guest. */
  deposit_value: Generated<number | null>;
  /** Days before the start that the balance is due. */
  balance_due_days: Generated<number | null>;
  /** Set while an admin keeps the trip deactivated (moderation); the organizer cannot publish it. */
  moderated_at: Generated<string | null>;
  moderation_reason: Generated<string | null>;
  /** A traveler may move a booking to another departure (and edit its participants) until this many days before the start. */
  move_cutoff_days: Generated<number>;
  /** What a traveler's move to another departure costs, per booking; 0: free. */
  move_fee_paise: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface TripImagesTable {
  id: Generated<number>;
  trip_id: number;
  /** Upload key; the files are key-<width>.webp under uploads. */
  key: string;
  width: number;
  height: number;
  position: number;
  is_cover: Generated<number>;
}

export interface DeparturesTable {
  id: Generated<number>;
  trip_id: number;
  /** Calendar dates in India, YYYY-MM-DD. */
  start_date: string;
  end_date: string;
  capacity: number;
  /**
   * Seats held by pending bookings plus seats of confirmed ones. Only the booking service
   * writes it, in the same statement/transaction as the booking it accounts for.
   */
  seats_taken: Generated<number>;
  status: Generated<DepartureStatus>;
}

/**
 * A photo stored while the trip form was shown again, not yet attached to a trip. The
 * files are uploads/<key>-<width>.webp, as for trip_images.
 */
export interface PendingPhotosTable {
  key: string;
  owner_id: number;
  width: number;
  height: number;
  created_at: string;
}

/** One row per category of a trip; written by triggers from trips.categories. */
export interface TripCategoriesTable {
  trip_id: number;
  category: string;
}

export interface TripTables {
  trips: TripsTable;
  trip_categories: TripCategoriesTable;
  trip_images: TripImagesTable;
  departures: DeparturesTable;
  pending_photos: PendingPhotosTable;
}
