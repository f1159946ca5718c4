/**
 * Starts the app on DATA_DIR's database on 127.0.0.1, a random port, and prints
 * "PORT=<n>". The race test runs two of these on one database file.
 */
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db.js';
import { loadAssets } from '../../src/lib/assets.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { createGateway } from '../../src/payments/gateway.js';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const { db } = openDatabase(join(config.dataDir, 'trektribe.db'));
const deps = {
  config,
  db,
  clock: systemClock,
  log: createLogger('silent'),
  assets: loadAssets(),
  payments: createGateway(config),
};
const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`PORT=${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
