import type { Line, Section } from './support.js';
import { runSseBench } from './sse.js';

/** The live-updates budgets in `npm run bench`: its own app process and database (bench/sse.ts). */
const section: Section = async () =>
  (await runSseBench(() => {})).map((r): Line => ({
    measure: r.name,
    value: r.value,
    unit: r.unit === 'MB' ? '' : r.unit,
    budget: r.budget,
    note: r.unit === 'MB' ? `MB; ${r.note ?? ''}` : r.note,
  }));

export default section;
