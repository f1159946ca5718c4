import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { recordingDb } from '../support/sql-log.js';
import { buildDataset, type Dataset } from './dataset.js';
import { adminBoard, agentBoard, organizerBoard, travelerBoard } from '../../src/dashboards/service.js';

let t: TestApp;
let d: Dataset;
beforeAll(async () => {
  t = await makeTestApp();
  d = await buildDataset(t);
});
afterAll(() => t.close());

/** SQLite's plan of each statement, one line per step. */
function plans(sqlite: ReturnType<typeof recordingDb>['sqlite'], seen: string[]) {
  return seen.map((q) => ({
    q,
    steps: (
      sqlite.prepare(`explain query plan ${q}`).all(...Array((q.match(/\?/g) ?? []).length).fill(null)) as {
        detail: string;
      }[]
    ).map((p) => p.detail),
  }));
}

/** Tables that grow with the business (not job_runs: pruneJobRuns keeps it to recent runs). */
const BIG =
  /^(SCAN|SEARCH) (bookings|payments|refunds|upi_proofs|users|trips|departures|outbox|subscription_charges)\b/;

/**
 * Partial indexes of rows that wait on someone (undecided UPI proofs): few at any time, however
 * many bookings there are, so walking the whole index is fine.
 */
const WAITING = /^SCAN \w+ USING COVERING INDEX upi_proofs_pending$/;

describe('dashboard query plans', () => {
  it('an organizer’s and a traveler’s widgets only seek by index: no table or index scan of what grows', async () => {
    const { db, sqlite, seen } = recordingDb(join(t.dir, 'trektribe.db'));
    try {
      const deps = { db, clock: t.clock };
      await organizerBoard.all(deps, { id: d.ids.orgA, role: 'organizer' });
      await travelerBoard.all(deps, { id: d.ids.tenzing, role: 'traveler' });
      const ours = plans(sqlite, seen).filter((p) => p.steps.some((s) => BIG.test(s)));
      expect(ours.length).toBeGreaterThanOrEqual(10);
      for (const { q, steps } of ours)
        for (const s of steps.filter((x) => BIG.test(x) && !WAITING.test(x)))
          expect(s, `${q}\n${steps.join('\n')}`).toMatch(
            /^SEARCH \w+ USING (COVERING )?(INDEX \w+|INTEGER PRIMARY KEY) \(/,
          );
    } finally {
      await db.destroy();
    }
  });

  it('the admin’s totals read covering indexes (or seek by one), never the tables themselves', async () => {
    const { db, sqlite, seen } = recordingDb(join(t.dir, 'trektribe.db'));
    try {
      const deps = { db, clock: t.clock };
      await adminBoard.all(deps, { id: d.ids.admin, role: 'admin' });
      await agentBoard.all(deps, { id: d.ids.agent, role: 'agent' });
      const ours = plans(sqlite, seen).filter((p) => p.steps.some((s) => BIG.test(s)));
      expect(ours.length).toBeGreaterThanOrEqual(8);
      for (const { q, steps } of ours)
        for (const s of steps.filter((x) => BIG.test(x)))
          expect(s, `${q}\n${steps.join('\n')}`).toMatch(/USING (COVERING INDEX|INDEX \w+ \(|INTEGER PRIMARY KEY)/);
    } finally {
      await db.destroy();
    }
  });
});
