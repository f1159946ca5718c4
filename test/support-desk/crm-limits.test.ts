import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, signedIn } from '../support/factories.js';
import { rawRequest, serveOnLoopback } from '../support/http.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';

/** Issue 28, item 10: agents' SMS and WhatsApp sends are limited per customer and per agent. */
let t: TestApp;
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  t = await makeTestApp();
  ({ url, close: stop } = await serveOnLoopback(t));
});
afterAll(async () => {
  await stop();
  await t.close();
});

let phoneSeq = 0;
const customer = async () => {
  const phone = `+9198123${String(40_000 + ++phoneSeq).padStart(5, '0')}`;
  return { id: await createUser(t.deps, { phone }), phone };
};

const send = (agentCookie: string, customerId: number, channel: 'sms' | 'whatsapp', text: string) =>
  rawRequest(`${url}/agent/customers/${customerId}/${channel}`, {
    method: 'POST',
    headers: { Cookie: agentCookie, Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(channel === 'sms' ? { text } : { mode: 'text', text }).toString(),
  });

const queuedTo = async (phone: string) =>
  (await t.db.selectFrom('outbox').select('id').where('recipient', '=', phone).execute()).length;
const auditedSends = async (agentId: number) =>
  (
    await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('actor_id', '=', agentId)
      .where('action', 'in', ['crm.sms_sent', 'crm.whatsapp_sent'])
      .execute()
  ).length;

describe('rate limits on messages from the CRM', () => {
  it('a sixth message to one customer within the hour is refused on the customer page (429), by any agent, and nothing is queued; an hour later it goes', async () => {
    const agent = await signedIn(t.deps, { role: 'agent' });
    const other = await signedIn(t.deps, { role: 'agent' });
    const c = await customer();
    const channels = ['sms', 'whatsapp', 'sms', 'whatsapp', 'sms'] as const;
    for (const [i, channel] of channels.entries())
      expect((await send(agent.cookie, c.id, channel, `Message ${i + 1}`)).status, `send ${i + 1}`).toBe(303);
    expect(await queuedTo(c.phone)).toBe(5);

    const refused = await send(agent.cookie, c.id, 'sms', 'Sixth, too many');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    // The customer page again, the message beside the SMS form, what was typed kept.
    expect(refused.text).toContain('id="send-sms"');
    expect(refused.text).toContain(
      'This customer has already had 5 messages from us in the last hour; nothing was sent.',
    );
    expect(refused.text).toMatch(/Try again in \d+ (minutes?|hours?)\./);
    expect(refused.text).toContain('Sixth, too many');
    const byWhatsapp = await send(other.cookie, c.id, 'whatsapp', 'From another agent');
    expect(byWhatsapp.status).toBe(429);
    expect(byWhatsapp.text).toContain('This customer has already had 5 messages');
    expect(await queuedTo(c.phone)).toBe(5);
    expect(await auditedSends(agent.id)).toBe(5);
    expect(await auditedSends(other.id)).toBe(0);

    t.clock.advance(HOUR + MINUTE);
    expect((await send(other.cookie, c.id, 'sms', 'A new hour')).status).toBe(303);
    expect(await queuedTo(c.phone)).toBe(6);
  });

  it('an agent may send 30 messages an hour in all; the 31st is refused and queues nothing, while another agent still sends', async () => {
    const agent = await signedIn(t.deps, { role: 'agent' });
    const customers = [];
    for (let i = 0; i < 7; i++) customers.push(await customer());
    for (const c of customers.slice(0, 6))
      for (let i = 0; i < 5; i++)
        expect((await send(agent.cookie, c.id, i % 2 ? 'whatsapp' : 'sms', `Hello ${i}`)).status).toBe(303);
    expect(await auditedSends(agent.id)).toBe(30);

    const last = customers[6];
    const refused = await send(agent.cookie, last.id, 'whatsapp', 'Thirty-first');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('id="send-whatsapp"');
    expect(refused.text).toContain('You have sent 30 messages in the last hour; nothing was sent.');
    expect(refused.text).toContain('Thirty-first');
    expect(await queuedTo(last.phone)).toBe(0);
    expect(await auditedSends(agent.id)).toBe(30);

    // The refusal counted nothing against the customer: another agent's message goes.
    const other = await signedIn(t.deps, { role: 'agent' });
    expect((await send(other.cookie, last.id, 'sms', 'From a colleague')).status).toBe(303);
    expect(await queuedTo(last.phone)).toBe(1);
  });

  it('a message refused for another reason (no text) counts against no limit', async () => {
    const agent = await signedIn(t.deps, { role: 'agent' });
    const c = await customer();
    for (let i = 0; i < 6; i++) expect((await send(agent.cookie, c.id, 'sms', '   ')).status).toBe(422);
    for (let i = 0; i < 5; i++) expect((await send(agent.cookie, c.id, 'sms', `Real ${i}`)).status).toBe(303);
    expect(await queuedTo(c.phone)).toBe(5);
  });
});
