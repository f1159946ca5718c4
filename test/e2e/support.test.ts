import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { openPage, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie } from '../support/factories.js';

/** The support desk on a phone (360×640): a traveler asks, an agent answers, the traveler reads it on reload. */

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
beforeAll(() => {
  deps = { db: e2e.server.db, clock: systemClock };
});

describe.each([
  ['on', true],
  ['off', false],
])('a support ticket with JavaScript %s', (label, javaScript) => {
  it('a traveler opens a ticket, an agent replies, the traveler sees the reply on reload', async () => {
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

    await traveler.page.reload();
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
