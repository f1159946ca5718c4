import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { fastHub, openStream, type OpenStream } from '../live/support.js';
import { DAY, MINUTE } from '../../src/lib/clock.js';

/** A thread's "Seen" and "typing…" marks (issue 30, item 3), over HTTP against a real database. */

let t: TestApp;
const open: OpenStream[] = [];
beforeAll(async () => {
  t = await makeTestApp();
  fastHub(t);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  t.deps.live?.stop();
  await t.close();
});

const listen = async (cookie: string, id: number) => {
  const s = await openStream(t, cookie, { topics: [`ticket:${id}`] });
  open.push(s);
  await s.waitFor((f) => f.retry !== undefined);
  return s;
};

async function openTicket(cookie: string) {
  const res = await t.post('/support', { subject: 'Pickup point', body: 'Where do we meet?' }, cookie);
  expect(res.status).toBe(303);
  return Number(/\/support\/(\d+)$/.exec(res.headers.get('location') ?? '')![1]);
}

const messageIds = async (id: number) =>
  (await t.db.selectFrom('support_messages').select('id').where('ticket_id', '=', id).orderBy('id').execute()).map(
    (m) => m.id,
  );
const events = (id: number, event: string) =>
  t.db
    .selectFrom('live_events')
    .select(['data'])
    .where('channel', '=', `ticket:${id}`)
    .where('event', '=', event)
    .orderBy('id')
    .execute();
const page = async (path: string, cookie: string) => (await t.request(path, { cookie })).text();
/** The "Seen" mark right under message `m`, if it is there. */
const seenUnder = (html: string, id: number, m: number) =>
  new RegExp(`id="m-${m}"[\\s\\S]*?</article><p id="seen-${id}" class="seen"><small>(Seen [^<]+)</small>`).exec(
    html,
  )?.[1] ?? null;

describe('the "Seen" mark of a support thread', () => {
  it('each side sees "Seen" with the time (India) under its newest message the other side has opened, on page load', async () => {
    t.clock.set('2026-11-25T06:30:00Z'); // 12:00 pm in India
    const asha = await signedIn(t.deps, { role: 'traveler', name: 'Asha Rao' });
    const meera = await signedIn(t.deps, { role: 'agent', name: 'Meera Iyer' });
    const id = await openTicket(asha.cookie);
    const [question] = await messageIds(id);
    expect(await page(`/support/${id}`, asha.cookie)).not.toContain('Seen ');

    t.clock.advance(5 * MINUTE);
    expect(await page(`/agent/tickets/${id}`, meera.cookie)).not.toContain('Seen ');
    expect(seenUnder(await page(`/support/${id}`, asha.cookie), id, question)).toBe('Seen 12:05 pm');

    t.clock.advance(5 * MINUTE);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'Railway station, 6 AM.', status: 'waiting' }, meera.cookie);
    const [, reply] = await messageIds(id);
    // The customer has not opened it since the reply: no mark under it yet.
    expect(await page(`/agent/tickets/${id}`, meera.cookie)).not.toContain(`<p id="seen-${id}"`);
    t.clock.advance(10 * MINUTE);
    await page(`/support/${id}`, asha.cookie);
    expect(seenUnder(await page(`/agent/tickets/${id}`, meera.cookie), id, reply)).toBe('Seen 12:20 pm');
    // The desk's internal note is never "seen" by the customer: the mark stays under the reply.
    await t.post(`/agent/tickets/${id}/note`, { body: 'Asked about the pickup.' }, meera.cookie);
    expect(seenUnder(await page(`/agent/tickets/${id}`, meera.cookie), id, reply)).toBe('Seen 12:20 pm');

    // On another day the mark says which day.
    t.clock.advance(DAY);
    expect(seenUnder(await page(`/agent/tickets/${id}`, meera.cookie), id, reply)).toBe('Seen 25 Nov, 12:20 pm');
    // The htmx fragment a live update fetches carries the mark and the status line too.
    const fragment = await (
      await t.request(`/agent/tickets/${id}`, { cookie: meera.cookie, headers: { 'HX-Request': 'true' } })
    ).text();
    expect(fragment).not.toContain('<html');
    expect(fragment).toContain('id="ticket-status"');
    expect(seenUnder(fragment, id, reply)).toBe('Seen 25 Nov, 12:20 pm');
  });

  it("opening the thread tells the other side's open page once, only when it shows a reply not seen before", async () => {
    const asha = await signedIn(t.deps, { role: 'traveler', name: 'Asha Rao' });
    const meera = await signedIn(t.deps, { role: 'agent', name: 'Meera Iyer' });
    const id = await openTicket(asha.cookie);
    const desk = await listen(meera.cookie, id);
    const customer = await listen(asha.cookie, id);

    await page(`/agent/tickets/${id}`, meera.cookie);
    await customer.waitFor((f) => f.event === 'seen-by-agent');
    await page(`/agent/tickets/${id}`, meera.cookie);
    expect(await events(id, 'seen-by-agent')).toHaveLength(1);

    t.clock.advance(MINUTE);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'Railway station, 6 AM.', status: 'waiting' }, meera.cookie);
    expect(await events(id, 'seen-by-customer')).toHaveLength(0);
    t.clock.advance(MINUTE);
    await page(`/support/${id}`, asha.cookie);
    await desk.waitFor((f) => f.event === 'seen-by-customer');
    // The desk's page fetches the thread again on that event: it shows nothing new, so it tells no one.
    await page(`/agent/tickets/${id}`, meera.cookie);
    await page(`/support/${id}`, asha.cookie);
    expect(await events(id, 'seen-by-customer')).toHaveLength(1);
    expect(await events(id, 'seen-by-agent')).toHaveLength(1);
  });

  it('both thread pages listen for the other side opening it and for its typing mark', async () => {
    const asha = await signedIn(t.deps, { role: 'traveler' });
    const meera = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(asha.cookie);
    const mine = await page(`/support/${id}`, asha.cookie);
    expect(mine).toContain(`hx-trigger="sse:seen-by-agent" hx-get="/support/${id}" hx-select="#thread-${id}"`);
    expect(mine).toContain(`sse-swap="typing-agent" hx-target="#typing-${id}"`);
    expect(mine).toContain(`data-typing="/support/${id}/typing"`);
    const desk = await page(`/agent/tickets/${id}`, meera.cookie);
    expect(desk).toContain(`hx-trigger="sse:seen-by-customer" hx-get="/agent/tickets/${id}" hx-select="#thread-${id}"`);
    expect(desk).toContain(`sse-swap="typing-customer" hx-target="#typing-${id}"`);
    // Only the reply box signals typing, never the internal note.
    expect(desk.match(/data-typing="/g)).toHaveLength(1);
    expect(desk).toMatch(new RegExp(`<form id="agent-reply"[^>]*>[\\s\\S]*?data-typing="/agent/tickets/${id}/typing"`));
  });
});

describe('the typing signal', () => {
  it("an agent's signal reaches the customer's open page as \"Meera (TrekTribe support) is typing…\", and the customer's reaches the desk", async () => {
    const asha = await signedIn(t.deps, { role: 'traveler', name: 'Asha Rao' });
    const meera = await signedIn(t.deps, { role: 'agent', name: 'Meera Iyer' });
    const id = await openTicket(asha.cookie);
    const customer = await listen(asha.cookie, id);
    const desk = await listen(meera.cookie, id);

    const res = await t.post(`/agent/tickets/${id}/typing`, {}, meera.cookie);
    expect(res.status).toBe(204);
    const f = await customer.waitFor((x) => x.event === 'typing-agent');
    expect(f.data).toBe(`<p id="typing-${id}" class="typing"><small>Meera (TrekTribe support) is typing…</small></p>`);

    expect((await t.post(`/support/${id}/typing`, {}, asha.cookie)).status).toBe(204);
    const g = await desk.waitFor((x) => x.event === 'typing-customer');
    expect(g.data).toContain('Asha is typing…');
  });

  it('only the thread’s customer and staff may signal: another customer gets a 404, a traveler on the desk’s URL a 403, and nothing is published', async () => {
    const asha = await signedIn(t.deps, { role: 'traveler' });
    const ravi = await signedIn(t.deps, { role: 'traveler' });
    const meera = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(asha.cookie);
    expect((await t.post(`/support/${id}/typing`, {}, ravi.cookie)).status).toBe(404);
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, ravi.cookie)).status).toBe(403);
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, asha.cookie)).status).toBe(403);
    // Staff type on the desk's page, not as the customer.
    expect((await t.post(`/support/${id}/typing`, {}, meera.cookie)).status).toBe(404);
    expect((await t.post('/support/999999/typing', {}, asha.cookie)).status).toBe(404);
    const anon = await t.post(`/support/${id}/typing`, {});
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/^\/login\?next=/);
    expect([...(await events(id, 'typing-customer')), ...(await events(id, 'typing-agent'))]).toEqual([]);
  });

  it('a signal sent from another site is refused (403) and publishes nothing', async () => {
    const asha = await signedIn(t.deps, { role: 'traveler' });
    const meera = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(asha.cookie);
    for (const [path, cookie] of [
      [`/support/${id}/typing`, asha.cookie],
      [`/agent/tickets/${id}/typing`, meera.cookie],
    ]) {
      const res = await t.request(path, { method: 'POST', cookie, headers: { Origin: 'https://evil.example' } });
      expect(res.status).toBe(403);
      const site = await t.request(path, { method: 'POST', cookie, headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(site.status).toBe(403);
    }
    expect([...(await events(id, 'typing-customer')), ...(await events(id, 'typing-agent'))]).toEqual([]);
  });

  it('one signal per person and ticket every 2 seconds: a quicker one is refused (429) and publishes nothing', async () => {
    const asha = await signedIn(t.deps, { role: 'traveler' });
    const meera = await signedIn(t.deps, { role: 'agent' });
    const rahul = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(asha.cookie);
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, meera.cookie)).status).toBe(204);
    const again = await t.post(`/agent/tickets/${id}/typing`, {}, meera.cookie);
    expect(again.status).toBe(429);
    expect(await again.text()).toContain('Typing signals come at most one every 2 seconds.');
    // Another agent, and the customer, are counted on their own.
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, rahul.cookie)).status).toBe(204);
    expect((await t.post(`/support/${id}/typing`, {}, asha.cookie)).status).toBe(204);
    expect(await events(id, 'typing-agent')).toHaveLength(2);

    t.clock.advance(1_999);
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, meera.cookie)).status).toBe(429);
    t.clock.advance(1);
    expect((await t.post(`/agent/tickets/${id}/typing`, {}, meera.cookie)).status).toBe(204);
    expect(await events(id, 'typing-agent')).toHaveLength(3);
    expect(await events(id, 'typing-customer')).toHaveLength(1);
  });

  it('a closed ticket takes no typing from its customer (409)', async () => {
    const asha = await signedIn(t.deps, { role: 'traveler' });
    const meera = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(asha.cookie);
    await t.post(`/agent/tickets/${id}/status`, { status: 'closed' }, meera.cookie);
    expect((await t.post(`/support/${id}/typing`, {}, asha.cookie)).status).toBe(409);
    expect(await events(id, 'typing-customer')).toEqual([]);
  });
});
