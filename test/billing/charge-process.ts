/**
 * Runs the billing charge job once on DATA_DIR's database, at the instant CLOCK, with the
 * real SDK pointed at RAZORPAY_API_BASE, and prints its note. With KILL_AFTER_DEBIT=1 it
 * kills itself (SIGKILL) right after Razorpay accepted the first debit, before the answer is
 * recorded. The process tests run these as child processes.
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db.js';
import { loadAssets } from '../../src/lib/assets.js';
import { createLogger } from '../../src/lib/logger.js';
import { createGateway } from '../../src/payments/gateway.js';
import { chargeDueSubscriptions } from '../../src/billing/charges.js';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const { db } = openDatabase(join(config.dataDir, 'trektribe.db'));
const at = new Date(process.env.CLOCK!);
const payments = createGateway(config);
if (process.env.KILL_AFTER_DEBIT === '1') {
  const ask = payments.createRecurringPayment;
  payments.createRecurringPayment = async (d) => {
    const r = await ask(d);
    process.kill(process.pid, 'SIGKILL');
    return r;
  };
}
const deps = { config, db, clock: { now: () => at }, log: createLogger('silent'), assets: loadAssets(), payments };
const note = await chargeDueSubscriptions(deps);
process.stdout.write(`${note}\n`);
await db.destroy();
