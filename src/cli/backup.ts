import { join } from 'node:path';
import { configOrExit } from '../config.js';
import { openDatabase } from '../db.js';
import type { Deps } from '../deps.js';
import { createLogger } from '../lib/logger.js';
import { loadAssets } from '../lib/assets.js';
import { systemClock } from '../lib/clock.js';
import { recordedRun } from '../lib/jobs.js';
import { createGateway } from '../payments/gateway.js';
import { SCHEDULE } from '../scheduler.js';

/**
 * `npm run backup`: the nightly backup, now, whether or not the server is running (the copy is
 * online; a running server goes on serving). Recorded on /admin/jobs like a scheduled run.
 */
const config = configOrExit();
const { db, sqlite } = openDatabase(join(config.dataDir, 'trektribe.db'));
// A failure is printed below in one line; the logger would repeat it with a stack.
const log = createLogger('silent');
const deps: Deps = { config, db, clock: systemClock, log, assets: loadAssets(), payments: createGateway(config) };
const scheduled = SCHEDULE.find((j) => j.name === 'backups.nightly')!;
let said = '';
// The scheduled job itself, recorded the same way; we keep its line (or its error) to print.
const job = {
  ...scheduled,
  run: async (d: Deps) => {
    try {
      return (said = (await scheduled.run(d)) ?? '');
    } catch (err) {
      said = err instanceof Error ? err.message : String(err);
      throw err;
    }
  },
};
let outcome = 'failed';
try {
  outcome = await recordedRun(deps, job, new Set());
  console.log(`backup ${outcome === 'ok' ? 'done' : outcome}: ${said}`);
} finally {
  await db.destroy();
  if (sqlite.open) sqlite.close();
}
process.exit(outcome === 'ok' ? 0 : 1);
