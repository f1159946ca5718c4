import type { Deps } from '../deps.js';
import { istDate } from '../lib/time.js';
import type { DepartureView } from './types.js';

/** Today's date in India, the day departures are counted from. */
export const today = (deps: Pick<Deps, 'clock'>) => istDate(deps.clock.now());

export const toDeparture = (d: {
  id: number;
  start_date: string;
  end_date: string;
  capacity: number;
  seats_taken: number;
  status: 'open' | 'cancelled';
}): DepartureView => ({
  id: d.id,
  startDate: d.start_date,
  endDate: d.end_date,
  capacity: d.capacity,
  seatsLeft: Math.max(0, d.capacity - d.seats_taken),
  status: d.status,
});

export const parseJson = <T>(s: string | null, fallback: T): T => {
  try {
    return s ? (JSON.parse(s) as T) : fallback;
  } catch {
    return fallback;
  }
};
