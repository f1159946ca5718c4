import type { Line, Section } from './support.js';
import { benchTrips } from './trips.js';

/**
 * The trips section of `npm run bench`. It builds its own scratch database of 100,000 trips
 * and 300,000 departures (the shared app's database stays small), see bench/trips.ts.
 */
const trips: Section = async () => {
  const lines = await benchTrips();
  return lines.map((l): Line => ({
    measure: l.label,
    value: l.metric?.value ?? NaN,
    unit: l.metric?.unit ?? '',
    budget:
      l.metric && (l.metric.max !== undefined || l.metric.min !== undefined)
        ? { max: l.metric.max, min: l.metric.min }
        : undefined,
    note: l.value,
  }));
};

export default trips;
