import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { migrateToLatest, openDatabase } from '../../src/db.js';
import type { Deps } from '../../src/deps.js';
import { loadAssets } from '../../src/lib/assets.js';
import { FakeClock } from './clock.js';
import { createGateway } from '../../src/payments/gateway.js';

const assets = loadAssets();

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  db: Deps['db'];
  clock: FakeClock;
  config: Config;
  dir: string;
  /** app.request with a same-origin Origin header (as a browser sends on forms). */
  request(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  /** POST a form (urlencoded) as a browser would. */
  post(
    path: string,
    form: Record<string, string | string[]>,
    cookie?: string,
    headers?: Record<string, string>,
  ): Promise<Response>;
  close(): Promise<void>;
}

export const ORIGIN = 'http://localhost:3000';

/** A fresh app on a fresh, migrated SQLite file. */
export async function makeTestApp(env: Record<string, string> = {}, overrides: Partial<Deps> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-test-'));
  // ALLOW_HTTP: the test origin is plain http, also when a test runs as production.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    PUBLIC_URL: ORIGIN,
    ALLOW_HTTP: 'on',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  const clock = new FakeClock();
  const deps: Deps = {
    config,
    db,
    clock,
    log: pino({ level: 'silent' }),
    assets,
    payments: createGateway(config),
    ...overrides,
  };
  const app = createApp(deps);
  const request = async (path: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (!headers.has('Origin')) headers.set('Origin', ORIGIN);
    if (init.cookie) headers.set('Cookie', init.cookie);
    return app.request(ORIGIN + path, { ...init, headers });
  };
  return {
    app,
    deps,
    db,
    clock,
    config,
    dir,
    request,
    post(path, form, cookie, headers = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      return request(path, {
        method: 'POST',
        body,
        cookie,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      });
    },
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
