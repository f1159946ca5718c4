import { describe, expect, it } from 'vitest';
import { openPage, screenshot, hasHorizontalScroll } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';

const e2e = serverAndBrowser();

describe('smoke (Chromium, 360×640)', () => {
  it('the home page renders with no console errors and nothing from another host', async () => {
    const w = await openPage(e2e.browser, e2e.server.url);
    const res = await w.page.goto('/');
    expect(res?.status()).toBe(200);
    await expect(w.page.locator('h1').textContent()).resolves.toContain('Find your next trek');
    // htmx loaded from our own hashed bundle, so JS really ran
    expect(await w.page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    const file = await screenshot(w.page, 'smoke-home');
    expect(file).toMatch(/smoke-home\.png$/);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  it('an unknown page answers the 404 page', async () => {
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    const res = await w.page.goto('/no-such-page');
    expect(res?.status()).toBe(404);
    await expect(w.page.locator('h1').textContent()).resolves.toBe('Page not found');
    await w.close();
  });
});
