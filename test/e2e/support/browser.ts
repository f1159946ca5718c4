import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../../src/lib/assets.js';
import { layoutProblems } from './layout.js';
import { axeProblems } from './a11y.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Requests to any host other than the app's. */
  offHost: string[];
  /** Breaches of the phone layout rules (./layout.ts) on the pages loaded so far, each with its path. */
  layout: string[];
  /** Serious or critical axe-core violations on the pages loaded so far (JavaScript on), each with its path. */
  a11y: string[];
  /** Checks the layout (and, JavaScript on, the accessibility) of the page as it is now (after an htmx swap, say). */
  check(): Promise<void>;
  /** Closes the context, failing the test if any page it loaded broke the layout rules or had a serious axe violation. */
  close(): Promise<void>;
}

/**
 * A phone-sized page (360×640) that records console errors and off-host requests, and checks
 * the layout rules on every page it loads and, with JavaScript on, runs axe-core on it (./a11y.ts):
 * end the test with `close()`, which fails on any breach or serious/critical violation.
 */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  o: { javaScript?: boolean } = {},
): Promise<WatchedPage> {
  const javaScript = o.javaScript ?? true;
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: javaScript,
    baseURL: baseUrl,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const offHost: string[] = [];
  const host = new URL(baseUrl).host;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.host !== host) offHost.push(r.url());
  });
  const layout = new Set<string>();
  const a11y = new Set<string>();
  let checks = Promise.resolve();
  const check = () => {
    checks = checks.then(async () => {
      const url = page.url();
      if (!url.startsWith(baseUrl)) return;
      try {
        const problems = await layoutProblems(page);
        const violations = javaScript ? await axeProblems(page) : [];
        // A page left while it was measured is measured again on its own load.
        if (page.url() !== url) return;
        const where = url.slice(baseUrl.length) || '/';
        for (const p of problems) layout.add(`${where}: ${p}`);
        for (const v of violations) a11y.add(`${where}: ${v}`);
      } catch {
        // navigated away mid-check
      }
    });
    return checks;
  };
  page.on('load', () => void check());
  return {
    context,
    page,
    errors,
    offHost,
    get layout() {
      return [...layout];
    },
    get a11y() {
      return [...a11y];
    },
    check,
    async close() {
      await checks;
      await context.close();
      if (layout.size) throw new Error(`phone layout rules broken at 360×640:\n${[...layout].join('\n')}`);
      if (a11y.size)
        throw new Error(`serious or critical accessibility violations (axe-core):\n${[...a11y].join('\n')}`);
    },
  };
}

/** Signs a browser context in with a session token (as the cookie the app sets). */
export async function useSession(context: BrowserContext, baseUrl: string, cookie: string): Promise<void> {
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(projectRoot(), 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** True when the page scrolls sideways at its current viewport. */
export const hasHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
