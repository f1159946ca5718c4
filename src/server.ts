import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { configOrExit } from './config.js';
import { openDatabase, migrateToLatest } from './db.js';
import { createApp } from './app.js';
import { createLogger } from './lib/logger.js';
import { loadAssets } from './lib/assets.js';
import { systemClock } from './lib/clock.js';
import { scheduleFor, startScheduler } from './scheduler.js';
import { getSettings } from './lib/settings.js';
import { transportsFromConfig } from './notifications/transports.js';
import type { Deps } from './deps.js';
import { createGateway } from './payments/gateway.js';
import { startCheckpointer } from './lib/checkpointer.js';
import { beyondLoopbackNotice } from './lib/exposure.js';
import { addMissingPhotoWidths } from './trips/photos.js';

const config = configOrExit();
const log = createLogger(config.logLevel);
const { db, sqlite } = openDatabase(join(config.dataDir, 'trektribe.db'));
await migrateToLatest(db);
const checkpointer = startCheckpointer(sqlite, log);

const transports = transportsFromConfig(config);
const stopping = new AbortController();
const deps: Deps = {
  config,
  db,
  clock: systemClock,
  log,
  assets: loadAssets(),
  transports,
  stopping: stopping.signal,
  payments: createGateway(config),
};
// Before the first page offers them: the photo widths added since a photo was stored.
const widened = await addMissingPhotoWidths(deps);
if (widened > 0) log.info({ files: widened }, 'photo widths added');
const scheduler = startScheduler(deps, scheduleFor(await getSettings(db)));
deps.runJob = (name) => scheduler.runNow(name);
const app = createApp(deps);
log.info(
  { email: transports.email.name, sms: transports.sms.name, whatsapp: transports.whatsapp.name },
  'message transports',
);
if (config.production && !config.devMailbox && (!config.mail.smtpUrl || !config.twilio)) {
  log.warn(
    'no SMTP_URL or TWILIO_* in production: those messages are only stored in the dev_messages table, nobody receives them',
  );
}

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  log.info({ port: info.port }, 'listening');
  // The test gateway is served by this process: its SDK calls and webhooks come back here.
  if (deps.payments.mode === 'test')
    deps.payments.useApiBase(
      `http://${/^(0\.0\.0\.0|::|)$/.test(config.host) ? '127.0.0.1' : config.host}:${info.port}/test-gateway`,
    );
  console.log(`TrekTribe is running at ${config.publicUrl} (listening on ${config.host}:${info.port})`);
  const notice = beyondLoopbackNotice(config);
  if (notice) console.log(notice);
});
server.on('error', (err: NodeJS.ErrnoException) => {
  // Port taken or not ours to bind: one plain line, not a stack trace.
  console.error(`Cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message} (set PORT or HOST)`);
  process.exit(1);
});

async function shutdown(signal: string) {
  if (stopping.signal.aborted) return;
  log.info({ signal }, 'shutting down');
  // Endless responses (SSE streams) listen for this and end, so their sockets free up.
  stopping.abort();
  // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets go idle as their last response ends: close them as they do.
  const closeIdle = () => (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  closeIdle();
  const idleSweep = setInterval(closeIdle, 100);
  // Under Docker's default 10 s stop timeout, with time left to close the database.
  const bounded = new Promise<void>((resolve) => setTimeout(resolve, 8_000).unref());
  // Jobs stop starting; a run in progress may finish (it is safe to cut, but finishing is tidier).
  await Promise.race([Promise.all([closed, scheduler.stop()]), bounded]);
  clearInterval(idleSweep);
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await checkpointer.stop();
  await db.destroy();
  if (sqlite.open) sqlite.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
