import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import type { Page } from 'playwright-core';
import { openPage, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie } from '../support/factories.js';

/**
 * The support desk on a phone (360×640): a traveler asks, an agent answers, the traveler reads it
 * (live with JavaScript, on reload without); the "typing…" and "Seen" marks, live.
 */

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(() => {
  deps = { db: e2e.server.db, clock: systemClock };
});

/** Waits until the page's live stream is open, then marks this very document: a reload or a navigation would lose the mark. */
async function stayOnThisDocument(page: Page) {
  await page.waitForFunction(
    () => {
      const live = document.getElementById('live') as (HTMLElement & Record<string, unknown>) | null;
      const data = live?.['htmx-internal-data'] as { sseEventSource?: EventSource } | undefined;
      return data?.sseEventSource?.readyState === EventSource.OPEN;
    },
    null,
    { timeout: 5000 },
  );
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
}
const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);

describe.each([
  ['on', true],
  ['off', false],
])('a support ticket with JavaScript %s', (label, javaScript) => {
  it('a traveler opens a ticket, an agent replies, the traveler sees the reply (live with JavaScript, on reload without)', async () => {
    const travelerId = await createUser(deps, { role: 'traveler', name: `Asha ${label}` });
    const agentId = await createUser(deps, { role: 'agent', name: `Meera ${label}` });
    const traveler = await openPage(e2e.browser, e2e.server.url, { javaScript });
    await useSession(traveler.context, e2e.server.url, await sessionCookie(deps, travelerId));
    const agent = await openPage(e2e.browser, e2e.server.url, { javaScript });
    await useSession(agent.context, e2e.server.url, await sessionCookie(deps, agentId));

    await traveler.page.goto('/support');
    await traveler.page.getByLabel('Subject').fill(`Pickup point (${label})`);
    await traveler.page.getByLabel('Your message').fill('Where do we meet on day one?');
    await Promise.all([
      traveler.page.waitForURL(/\/support\/\d+$/),
      traveler.page.getByRole('button', { name: 'Send to support' }).click(),
    ]);
    const ticketUrl = traveler.page.url();
    const id = Number(/\/support\/(\d+)$/.exec(ticketUrl)![1]);
    await expect(traveler.page.locator('.flash').textContent()).resolves.toContain(
      'Your ticket is with our support team',
    );
    await expect(traveler.page.locator(`#thread-${id}`).textContent()).resolves.toContain(
      'Where do we meet on day one?',
    );

    if (javaScript) await stayOnThisDocument(traveler.page);

    await agent.page.goto('/agent/tickets?assignee=unassigned');
    await Promise.all([
      agent.page.waitForURL(new RegExp(`/agent/tickets/${id}$`)),
      agent.page.locator(`a[href="/agent/tickets/${id}"]`).click(),
    ]);
    await agent.page.getByLabel('Reply to the customer (emailed to them)').fill('Dehradun railway station, 6 AM.');
    await Promise.all([
      agent.page.waitForURL(new RegExp(`/agent/tickets/${id}$`)),
      agent.page.getByRole('button', { name: 'Send reply' }).click(),
    ]);
    await expect(agent.page.locator('.flash').textContent()).resolves.toContain('Reply sent');
    await expect(agent.page.locator('#ticket-status').textContent()).resolves.toContain('Waiting on customer');
    await screenshot(agent.page, `support-agent-ticket-js-${label}`);

    if (javaScript) {
      // The open page shows the reply and the new status by itself: no reload, no navigation.
      await traveler.page.waitForFunction(
        (id) => document.getElementById(`thread-${id}`)?.textContent?.includes('Dehradun railway station, 6 AM.'),
        id,
        { timeout: 5000 },
      );
      await traveler.page.waitForFunction(
        () => document.getElementById('ticket-status')?.textContent?.includes('Waiting on customer'),
        null,
        { timeout: 5000 },
      );
      expect(await stayed(traveler.page)).toBe(true);
    } else await traveler.page.reload();
    await expect(traveler.page.locator(`#thread-${id}`).textContent()).resolves.toContain(
      'Dehradun railway station, 6 AM.',
    );
    await expect(traveler.page.locator('#ticket-status').textContent()).resolves.toContain('Waiting on customer');
    await screenshot(traveler.page, `support-ticket-js-${label}`);

    // The agent finds the traveler in the CRM and reads their page (its layout is checked on close).
    await agent.page.goto(`/agent/customers?q=${encodeURIComponent(`Asha ${label}`)}`);
    await Promise.all([
      agent.page.waitForURL(new RegExp(`/agent/customers/${travelerId}$`)),
      agent.page.locator(`a[href="/agent/customers/${travelerId}"]`).click(),
    ]);
    await expect(agent.page.locator('#tickets').textContent()).resolves.toContain(`Pickup point (${label})`);
    await expect(agent.page.locator('#timeline').textContent()).resolves.toContain(`Re: Pickup point (${label})`);
    await expect(agent.page.locator('#whatsapp-window').textContent()).resolves.toContain(
      'No WhatsApp template is configured',
    );
    await screenshot(agent.page, `support-crm-customer-js-${label}`);

    expect(traveler.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
    await traveler.close();
    await agent.close();
  });
});

describe('the live marks of a support thread (JavaScript on, 360×640)', () => {
  it('the traveler sees "Seen" and the agent’s "typing…" come and go, then the reply, without a reload; the agent sees "Seen" when the traveler opens the thread', async () => {
    const travelerId = await createUser(deps, { role: 'traveler', name: 'Kavya Marks' });
    const agentId = await createUser(deps, { role: 'agent', name: 'Ravi Desk' });
    const traveler = await openPage(e2e.browser, e2e.server.url);
    await useSession(traveler.context, e2e.server.url, await sessionCookie(deps, travelerId));
    const agent = await openPage(e2e.browser, e2e.server.url);
    await useSession(agent.context, e2e.server.url, await sessionCookie(deps, agentId));

    await traveler.page.goto('/support');
    await traveler.page.getByLabel('Subject').fill('Rain gear');
    await traveler.page.getByLabel('Your message').fill('Do I need a poncho?');
    await Promise.all([
      traveler.page.waitForURL(/\/support\/\d+$/),
      traveler.page.getByRole('button', { name: 'Send to support' }).click(),
    ]);
    const id = Number(/\/support\/(\d+)$/.exec(traveler.page.url())![1]);
    await stayOnThisDocument(traveler.page);
    await expect(traveler.page.locator(`#seen-${id}`).count()).resolves.toBe(0);

    // The agent opens the thread: the traveler's open page shows "Seen" under their message.
    await agent.page.goto(`/agent/tickets/${id}`);
    await traveler.page.locator(`#seen-${id}`).waitFor({ state: 'visible', timeout: 5000 });
    await expect(traveler.page.locator(`#seen-${id}`).textContent()).resolves.toMatch(/^Seen \d{1,2}:\d{2} [ap]m$/);

    // The agent types: "typing…" shows on the traveler's page within 1.5 s, and goes away on its own.
    await stayOnThisDocument(agent.page);
    const box = agent.page.getByLabel('Reply to the customer (emailed to them)');
    const typing = traveler.page.locator(`#typing-${id}`);
    await expect(typing.isVisible()).resolves.toBe(false);
    const typedAt = Date.now();
    await box.pressSequentially('Yes,', { delay: 40 });
    await typing.getByText('Ravi (TrekTribe support) is typing…').waitFor({ state: 'visible', timeout: 1500 });
    const shownAfterMs = Date.now() - typedAt;
    await screenshot(traveler.page, 'support-typing');
    await typing.waitFor({ state: 'hidden', timeout: 8000 });
    const goneAfterMs = Date.now() - typedAt;
    expect(goneAfterMs).toBeGreaterThan(5000);
    console.log(`typing… shown ${shownAfterMs} ms after the first key, gone ${goneAfterMs} ms after`);

    // The agent sends: the reply and the new status appear on the traveler's page, which never reloaded.
    await box.pressSequentially(' a light poncho.', { delay: 10 });
    await Promise.all([
      agent.page.waitForURL(new RegExp(`/agent/tickets/${id}$`)),
      agent.page.getByRole('button', { name: 'Send reply' }).click(),
    ]);
    await traveler.page
      .locator(`#thread-${id}`)
      .getByText('Yes, a light poncho.')
      .waitFor({ state: 'visible', timeout: 5000 });
    await traveler.page.locator('#ticket-status', { hasText: 'Waiting on customer' }).waitFor({ timeout: 5000 });
    expect(await stayed(traveler.page)).toBe(true);
    await expect(typing.isVisible()).resolves.toBe(false);

    // The traveler leaves; a second reply comes (from the agent's other tab) and shows on the agent's open page.
    await traveler.page.goto('/support');
    await stayOnThisDocument(agent.page);
    const second = await agent.context.request.post(`${e2e.server.url}/agent/tickets/${id}/reply`, {
      form: { body: 'Also waterproof shoes.', status: 'waiting' },
      headers: { Origin: e2e.server.url },
      maxRedirects: 0,
    });
    expect(second.status()).toBe(303);
    const lastReply = agent.page.locator(`#thread-${id} article`).last();
    await lastReply.getByText('Also waterproof shoes.').waitFor({ timeout: 5000 });
    // Not seen yet: the mark (if any) sits under an earlier message.
    await expect(agent.page.locator(`#thread-${id} article:last-of-type + p.seen`).count()).resolves.toBe(0);

    // The traveler opens the thread: the agent's open page shows "Seen" under that reply, with no reload.
    await traveler.page.goto(`/support/${id}`);
    const seen = agent.page.locator(`#thread-${id} article:last-of-type + #seen-${id}`);
    await seen.waitFor({ state: 'visible', timeout: 5000 });
    await expect(seen.textContent()).resolves.toMatch(/^Seen \d{1,2}:\d{2} [ap]m$/);
    expect(await stayed(agent.page)).toBe(true);
    await screenshot(agent.page, 'support-agent-seen');

    expect(traveler.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
    await traveler.close();
    await agent.close();
  });
});
