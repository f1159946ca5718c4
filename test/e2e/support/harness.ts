import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';

export interface Harness {
  server: RunningServer;
  browser: Browser;
}

/**
 * The real server and Chromium for one test file: started before its tests (beforeAll), both
 * stopped after them. Read `server` and `browser` from the returned object inside tests and
 * later hooks; they are set once the first hook has run.
 */
export function serverAndBrowser(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    h.server = await startServer(env);
    h.browser = await launchBrowser();
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.server?.stop();
  });
  return h;
}
