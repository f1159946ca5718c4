import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { DB } from './db.js';
import type { Clock } from './lib/clock.js';
import type { Assets } from './lib/assets.js';
import type { Transports } from './notifications/transports.js';
import type { PaymentGateway } from './payments/gateway.js';
import type { LiveHub } from './live/hub.js';

/**
 * What the app needs from the outside world, chosen once at start (server.ts) or by a
 * test. Features add their providers here (mail transports, payment gateway, SSE hub).
 */
export interface Deps {
  config: Config;
  db: DB;
  clock: Clock;
  log: Logger;
  assets: Assets;
  /** Email/SMS/WhatsApp senders; chosen from config on first use when not given. */
  transports?: Transports;
  /** Runs a scheduled job now, recorded like a scheduled run (the admin "run now" button). */
  runJob?(name: string): Promise<'ok' | 'failed' | 'skipped'>;
  /** Aborted when the process starts shutting down: long-lived responses (SSE) end on it. */
  stopping?: AbortSignal;
  /** Traveler payments: Razorpay, the built-in test gateway, or off (src/payments/gateway.ts). */
  payments: PaymentGateway;
  /** This process's SSE streams (src/live/hub.ts); made on first use when not given. */
  live?: LiveHub;
}
