import { describe, expect, it } from 'vitest';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { startTrial } from '../../src/billing/trial.js';

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

  it('an organizer on a phone sets up auto-pay through the test gateway with JavaScript on, then cancels it with JavaScript off', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const id = await createUser(deps, { role: 'organizer', name: 'Summit Seekers' });
    await startTrial(deps.db, deps.clock, id);
    const cookie = await sessionCookie(deps, id);

    const on = await openPage(e2e.browser, e2e.server.url, { javaScript: true });
    await useSession(on.context, e2e.server.url, cookie);
    await on.page.goto('/organizer/subscription');
    expect(await hasHorizontalScroll(on.page)).toBe(false);
    await on.page.getByRole('button', { name: 'Set up auto-pay' }).click();
    await on.page.waitForURL(/\/test-gateway\/checkout\//);
    await on.page.getByRole('button', { name: 'Pay (test success)' }).click();
    await on.page.waitForURL(/\/organizer\/subscription$/);
    await expect(on.page.locator('#subscription-status').textContent()).resolves.toContain('Active');
    await expect(on.page.locator('#mandate').textContent()).resolves.toMatch(
      /UPI Autopay, up to ₹2,998 a debit,\s*active/,
    );
    await expect(on.page.locator('#charges').textContent()).resolves.toContain('Auto-pay set-up: paid');
    expect(await hasHorizontalScroll(on.page)).toBe(false);
    await screenshot(on.page, 'billing-autopay');
    expect(on.errors).toEqual([]);
    await on.close();

    const off = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(off.context, e2e.server.url, cookie);
    await off.page.goto('/organizer/subscription');
    // Auto-pay paid the next period: nothing is offered to pay by hand (that would pay twice).
    expect(await off.page.getByRole('button', { name: /Pay now/ }).count()).toBe(0);
    // Cancelling: active to the end of the paid period, the mandate cancelled at the (built-in) gateway.
    await off.page.goto('/organizer/subscription');
    await off.page.getByRole('button', { name: 'Cancel subscription' }).click();
    await off.page.waitForURL(/\/organizer\/subscription$/);
    await expect(off.page.locator('#subscription-status').textContent()).resolves.toMatch(
      /Auto-pay: UPI Autopay, up to ₹2,998 a debit,\s*cancelled\..*Cancelled: your subscription stays active until/s,
    );
    const { token_status } = await e2e.server.db
      .selectFrom('subscriptions')
      .select('token_status')
      .where('organizer_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(token_status).toBe('cancelled');
    // The built-in gateway took the mandate's cancellation (the SDK's DELETE was once refused).
    expect(e2e.server.output()).not.toContain('could not cancel the mandate');
    expect(off.errors).toEqual([]);
    await off.close();
  });

  it('an organizer on a trial pays now with JavaScript off and gets a receipt', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const id = await createUser(deps, { role: 'organizer', name: 'Valley Walkers' });
    await startTrial(deps.db, deps.clock, id);
    const off = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(off.context, e2e.server.url, await sessionCookie(deps, id));
    await off.page.goto('/organizer/subscription');
    await off.page.getByRole('button', { name: /Pay now/ }).click();
    await off.page.waitForURL(/\/test-gateway\/checkout\//);
    await off.page.getByRole('button', { name: 'Pay (test success)' }).click();
    await off.page.waitForURL(/\/organizer\/subscription$/);
    await expect(off.page.locator('#charges').textContent()).resolves.toContain('Paid by you: paid');
    // Paid ahead: no second "Pay now".
    expect(await off.page.getByRole('button', { name: /Pay now/ }).count()).toBe(0);
    await off.page.locator('#charges a').first().click();
    await expect(off.page.locator('#receipt h1').textContent()).resolves.toMatch(/^Receipt TT-SUB-\d{6}$/);
    expect(await hasHorizontalScroll(off.page)).toBe(false);
    await screenshot(off.page, 'billing-receipt');
    expect(off.errors).toEqual([]);
    await off.close();
  });
});
