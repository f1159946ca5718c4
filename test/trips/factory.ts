import type { Deps } from '../../src/deps.js';
import type { Difficulty, TripStatus } from '../../src/trips/tables.js';

let seq = 0;

export interface TripSpec {
  title?: string;
  description?: string;
  destination?: string;
  region?: string;
  pricePaise?: number;
  categories?: string[];
  difficulty?: Difficulty;
  status?: TripStatus;
  createdAt?: string;
  departures?: { start: string; end?: string; capacity?: number; taken?: number; status?: 'open' | 'cancelled' }[];
}

/** Inserts a trip (active, one departure in a month by default) straight into the database. */
export async function makeTrip(deps: Pick<Deps, 'db' | 'clock'>, organizerId: number, s: TripSpec = {}): Promise<number> {
  seq += 1;
  const now = s.createdAt ?? deps.clock.now().toISOString();
  const { id } = await deps.db
    .insertInto('trips')
    .values({
      organizer_id: organizerId,
      title: s.title ?? `Test trek ${seq}`,
      description: s.description ?? 'A pleasant walk through forests and meadows with a friendly group.',
      destination: s.destination ?? 'Somewhere, Himachal',
      region: s.region ?? 'Himachal Pradesh',
      price_paise: s.pricePaise ?? 10_000_00,
      categories: JSON.stringify(s.categories ?? []),
      difficulty: s.difficulty ?? 'beginner',
      included: '[]',
      requirements: '[]',
      itinerary: '',
      schedule: '[]',
      meeting_point: null,
      status: s.status ?? 'active',
      refund_policy: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const d of s.departures ?? [{ start: '2026-12-26' }]) {
    await deps.db
      .insertInto('departures')
      .values({ trip_id: id, start_date: d.start, end_date: d.end ?? d.start, capacity: d.capacity ?? 12, seats_taken: d.taken ?? 0, status: d.status ?? 'open' })
      .execute();
  }
  return id;
}
