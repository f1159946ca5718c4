import { describe, expect, it } from 'vitest';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { startTrial } from '../../src/billing/service.js';

const e2e = serverAndBrowser();

describe('subscription (Chromium, 360×640)', () => {
  it('an organizer on a phone reads their trial, plan and payments, with JavaScript off', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const id = await createUser(deps, { role: 'organizer', name: 'Ridge Walkers' });
    await startTrial(deps.db, deps.clock, id);
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, id));
    const res = await w.page.goto('/organizer/subscription');
    expect(res?.status()).toBe(200);
    await expect(w.page.locator('#subscription-status').textContent()).resolves.toContain('60 days left');
    await expect(w.page.locator('#plan-terms').textContent()).resolves.toContain('₹1,499 per 60 days');
    await expect(w.page.locator('#charges').textContent()).resolves.toContain('No payments yet.');
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await screenshot(w.page, 'billing-subscription');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
