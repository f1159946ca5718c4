import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, migrateToLatest } from './db.js';
import { createApp } from './app.js';
import { createLogger } from './lib/logger.js';
import { loadAssets } from './lib/assets.js';
import { systemClock } from './lib/clock.js';
import { startScheduler } from './scheduler.js';
import type { Deps } from './deps.js';
import { createGateway } from './payments/gateway.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

const config = configOrExit();
const log = createLogger(config.logLevel);
const { db, sqlite } = openDatabase(join(config.dataDir, 'trektribe.db'));
await migrateToLatest(db);

const deps: Deps = { config, db, clock: systemClock, log, assets: loadAssets(), payments: createGateway(config) };
const app = createApp(deps);
const scheduler = startScheduler(deps);

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  log.info({ port: info.port }, 'listening');
  // The test gateway is served by this process: its SDK calls and webhooks come back here.
  if (deps.payments.mode === 'test') deps.payments.useApiBase(`http://${/^(0\.0\.0\.0|::|)$/.test(config.host) ? '127.0.0.1' : config.host}:${info.port}/test-gateway`);
  console.log(`TrekTribe is running at ${config.publicUrl} (listening on ${config.host}:${info.port})`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  scheduler.stop();
  // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  const bounded = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([closed, bounded]);
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await db.destroy();
  if (sqlite.open) sqlite.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
