import type { Line, Section } from './support.js';
import { runBookingsBench } from './bookings.js';

/**
 * The bookings budgets in `npm run bench`. The section runs its own app process on its
 * own database (bench/bookings.ts): seat races and booking bursts would otherwise disturb
 * the shared app the other sections measure.
 */
const section: Section = async () => {
  const notes: string[] = [];
  const results = await runBookingsBench((s) => notes.push(s));
  return results.map((r): Line => {
    const unit: Line['unit'] = r.unit === 'ms' || r.unit === 'KB' || r.unit === '%' ? r.unit : '';
    const exact = r.budget.startsWith('=');
    const n = Number(r.budget.replace(/[^\d.]/g, ''));
    const budget = !r.budget
      ? undefined
      : exact
        ? { min: n, max: n }
        : r.budget.startsWith('≥')
          ? { min: n }
          : { max: n };
    const noteOf: [string, string][] = [
      ['booking creation p95 (', 'booking creation:'],
      ['booking creation p95 inside', 'booking creation inside'],
      ['booking creation p95 at', 'booking creation at'],
      ['bare node:http', 'machine: a bare'],
    ];
    const prefix = noteOf.find(([name]) => r.name.startsWith(name))?.[1];
    const note = prefix ? notes.find((s) => s.startsWith(prefix)) : undefined;
    return { measure: `${r.name}${unit ? '' : ` (${r.unit})`}`, value: r.value, unit, budget, note };
  });
};

export default section;
