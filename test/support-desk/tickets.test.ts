import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn } from '../support/factories.js';
import { jpeg, postMultipart } from '../trips/support.js';
import { DAY, MINUTE } from '../../src/lib/clock.js';
import { closeStaleTickets } from '../../src/support/jobs.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const ticketIdFrom = (res: Response) => Number(/\/support\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);
const ticket = (id: number) =>
  t.db.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxFor = (to: string) =>
  t.db.selectFrom('outbox').selectAll().where('recipient', '=', to).orderBy('id').execute();

async function traveler(email?: string) {
  return signedIn(t.deps, { role: 'traveler', email });
}

async function openTicket(cookie: string, form: Record<string, string> = {}) {
  const res = await t.post(
    '/support',
    { subject: 'Where is my pass?', body: 'I paid but see no pass.', ...form },
    cookie,
  );
  expect(res.status).toBe(303);
  return ticketIdFrom(res);
}

describe('a customer opens a ticket', () => {
  it('with text, about one of their bookings, and up to 3 images through the image pipeline', async () => {
    const me = await traveler();
    const trip = await makeTrip(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: me.id, status: 'confirmed' });
    const res = await postMultipart(
      t,
      '/support',
      { subject: 'Pickup time', body: 'When is the pickup?', booking: String(bookingId) },
      [
        { name: 'images', file: await jpeg(800, 600, 'a.jpg') },
        { name: 'images', file: await jpeg(640, 480, 'b.jpg') },
      ],
      me.cookie,
    );
    expect(res.status).toBe(303);
    const id = ticketIdFrom(res);
    const row = await ticket(id);
    expect(row).toMatchObject({ customer_id: me.id, booking_id: bookingId, status: 'open', subject: 'Pickup time' });
    const [msg] = await t.db.selectFrom('support_messages').selectAll().where('ticket_id', '=', id).execute();
    const images = JSON.parse(msg.images) as { key: string; widths: number[] }[];
    expect(images).toHaveLength(2);

    const page = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(page).toContain('When is the pickup?');
    const url = `/support/${id}/images/${images[0].key}-${images[0].widths[0]}.webp`;
    expect(page).toContain(url);
    const img = await t.request(url, { cookie: me.cookie });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/webp');
    // Private: never under the public /uploads/ route.
    expect((await t.request(`/uploads/${images[0].key}-${images[0].widths[0]}.webp`)).status).toBe(404);
    const list = await (await t.request('/support', { cookie: me.cookie })).text();
    expect(list).toContain(`/support/${id}`);
  });

  it('refuses a fourth image, an empty message and someone else’s booking, with the message next to the field and nothing stored', async () => {
    const me = await traveler();
    const other = await traveler();
    const trip = await makeTrip(t.deps);
    const theirs = await makeBooking(t.deps, { trip, userId: other.id });
    const before = (await t.db.selectFrom('support_tickets').select('id').execute()).length;
    const four = await Promise.all([1, 2, 3, 4].map((i) => jpeg(100, 100, `${i}.jpg`)));
    const res = await postMultipart(
      t,
      '/support',
      { subject: 'Photos', body: 'see' },
      four.map((file) => ({ name: 'images', file })),
      me.cookie,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Attach at most 3 images.');
    const empty = await t.post('/support', { subject: 'Hi there', body: '  ' }, me.cookie);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Write your message.');
    const notMine = await t.post('/support', { subject: 'Hi there', body: 'x', booking: String(theirs) }, me.cookie);
    expect(notMine.status).toBe(422);
    expect(await notMine.text()).toContain('Choose one of your own bookings.');
    expect((await t.db.selectFrom('support_tickets').select('id').execute()).length).toBe(before);
  });
});

describe('privacy', () => {
  it('customers cannot read, reply to, rate or see the images of each other’s tickets', async () => {
    const asha = await traveler();
    const ravi = await traveler();
    const res = await postMultipart(
      t,
      '/support',
      { subject: 'Refund', body: 'Asha’s secret' },
      [{ name: 'images', file: await jpeg(300, 200) }],
      asha.cookie,
    );
    const id = ticketIdFrom(res);
    const [msg] = await t.db.selectFrom('support_messages').selectAll().where('ticket_id', '=', id).execute();
    const img = JSON.parse(msg.images)[0] as { key: string; widths: number[] };

    expect((await t.request(`/support/${id}`, { cookie: ravi.cookie })).status).toBe(404);
    expect((await t.post(`/support/${id}/reply`, { body: 'hijack' }, ravi.cookie)).status).toBe(404);
    expect((await t.post(`/support/${id}/rate`, { rating: '1' }, ravi.cookie)).status).toBe(404);
    expect(
      (await t.request(`/support/${id}/images/${img.key}-${img.widths[0]}.webp`, { cookie: ravi.cookie })).status,
    ).toBe(404);
    expect((await t.request('/support', { cookie: ravi.cookie }).then((r) => r.text())).includes('Refund')).toBe(false);
    const msgs = await t.db.selectFrom('support_messages').select('body').where('ticket_id', '=', id).execute();
    expect(msgs.map((m) => m.body)).toEqual(['Asha’s secret']);
  });

  it('the customer never sees internal notes, on the page or its htmx fragment; agents do', async () => {
    const me = await traveler();
    const agent = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(me.cookie);
    expect(
      (await t.post(`/agent/tickets/${id}/note`, { body: 'Customer is a VIP, refund quietly' }, agent.cookie)).status,
    ).toBe(303);
    const page = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(page).not.toContain('VIP');
    const fragment = await (
      await t.request(`/support/${id}`, { cookie: me.cookie, headers: { 'HX-Request': 'true' } })
    ).text();
    expect(fragment).toContain(`id="thread-${id}"`);
    expect(fragment).not.toContain('VIP');
    expect(fragment).not.toContain('<html');
    const agentPage = await (await t.request(`/agent/tickets/${id}`, { cookie: agent.cookie })).text();
    expect(agentPage).toContain('Customer is a VIP, refund quietly');
    // A note sends the customer nothing.
    const email = (await t.db.selectFrom('users').select('email').where('id', '=', me.id).executeTakeFirstOrThrow())
      .email;
    expect(await outboxFor(email)).toEqual([]);
  });

  it('agents cannot reach admin pages', async () => {
    const agent = await signedIn(t.deps, { role: 'agent' });
    for (const path of ['/admin/users', '/admin/settings', '/admin/jobs', '/admin/outbox']) {
      const res = await t.request(path, { cookie: agent.cookie });
      expect(res.status, path).toBe(403);
    }
  });
});

describe('the agents’ desk', () => {
  it('an agent assigns a ticket to themselves, replies (emailed to the customer) and the customer replies by web', async () => {
    const me = await traveler('asha.support@example.test');
    const agent = await signedIn(t.deps, { role: 'agent', name: 'Meera Iyer' });
    const id = await openTicket(me.cookie);
    expect((await t.post(`/agent/tickets/${id}/assign`, {}, agent.cookie)).status).toBe(303);
    expect((await ticket(id)).assignee_id).toBe(agent.id);

    const res = await t.post(
      `/agent/tickets/${id}/reply`,
      { body: 'Your pass is on the booking page.', status: 'waiting' },
      agent.cookie,
    );
    expect(res.status).toBe(303);
    const row = await ticket(id);
    expect(row.status).toBe('waiting');
    expect(row.waiting_since).toBe(t.clock.now().toISOString());
    expect(row.first_responder_id).toBe(agent.id);
    const mails = await outboxFor('asha.support@example.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].template).toBe('support-reply');
    const payload = JSON.parse(mails[0].payload) as { subject: string; text: string };
    expect(payload.subject).toBe(`Re: Where is my pass? [ticket #${id}]`);
    expect(payload.text).toContain('Meera from TrekTribe support replied');
    expect(payload.text).toContain('Your pass is on the booking page.');
    expect(payload.text).toContain(`http://localhost:3000/support/${id}`);

    const page = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(page).toContain('Your pass is on the booking page.');
    expect((await t.post(`/support/${id}/reply`, { body: 'Found it, thanks' }, me.cookie)).status).toBe(303);
    expect((await ticket(id)).status).toBe('open');
  });

  it("the platform's own support account signs as 'TrekTribe support', a person by their first name (never 'TrekTribe (TrekTribe)')", async () => {
    const me = await traveler('ravi.words@example.test');
    const house = await signedIn(t.deps, { role: 'agent', name: 'TrekTribe Support' });
    const meera = await signedIn(t.deps, { role: 'agent', name: 'Meera Iyer' });
    const id = await openTicket(me.cookie);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'Looking into it.', status: 'in_progress' }, house.cookie);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'Found it.', status: 'in_progress' }, meera.cookie);
    const texts = (await outboxFor('ravi.words@example.test')).map((m) => JSON.parse(m.payload).text as string);
    expect(texts[0]).toContain('TrekTribe support replied to your ticket');
    expect(texts[1]).toContain('Meera from TrekTribe support replied');
    for (const text of texts) expect(text).not.toContain('TrekTribe from TrekTribe');
    const page = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(page).toContain('TrekTribe support');
    expect(page).toContain('Meera (TrekTribe support)');
    expect(page).not.toContain('TrekTribe (TrekTribe');
  });

  it('the queue filters by status, unassigned, mine, age and booking', async () => {
    const me = await traveler();
    const agent = await signedIn(t.deps, { role: 'agent' });
    const trip = await makeTrip(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: me.id });
    t.clock.advance(-10 * DAY);
    const old = await openTicket(me.cookie, { subject: 'Old question one' });
    t.clock.advance(10 * DAY);
    const aboutBooking = await openTicket(me.cookie, { subject: 'Booking question two', booking: String(bookingId) });
    const mine = await openTicket(me.cookie, { subject: 'Mine question three' });
    await t.post(`/agent/tickets/${mine}/assign`, {}, agent.cookie);
    const resolved = await openTicket(me.cookie, { subject: 'Resolved question four' });
    await t.post(`/agent/tickets/${resolved}/status`, { status: 'resolved' }, agent.cookie);

    const q = async (query: string) => {
      const html = await (await t.request(`/agent/tickets?${query}`, { cookie: agent.cookie })).text();
      return [old, aboutBooking, mine, resolved].filter((id) => html.includes(`href="/agent/tickets/${id}"`));
    };
    expect(await q('')).toEqual([old, aboutBooking, mine]);
    expect(await q('status=resolved')).toEqual([resolved]);
    expect(await q('assignee=mine')).toEqual([mine]);
    expect(await q('assignee=unassigned')).toEqual([old, aboutBooking]);
    expect(await q('age=7')).toEqual([old]);
    expect(await q('booking=yes')).toEqual([aboutBooking]);
    expect(await q('status=all&booking=yes')).toEqual([aboutBooking]);
  });

  it('saved replies are managed by agents and start a reply', async () => {
    const agent = await signedIn(t.deps, { role: 'agent' });
    const me = await traveler();
    const id = await openTicket(me.cookie);
    expect(
      (await t.post('/agent/replies', { title: 'Pass', body: 'Open Bookings, then Pass.' }, agent.cookie)).status,
    ).toBe(303);
    const bad = await t.post('/agent/replies', { title: 'x', body: '' }, agent.cookie);
    expect(bad.status).toBe(422);
    const { id: replyId } = await t.db
      .selectFrom('saved_replies')
      .select('id')
      .where('title', '=', 'Pass')
      .executeTakeFirstOrThrow();
    const page = await (await t.request(`/agent/tickets/${id}?reply=${replyId}`, { cookie: agent.cookie })).text();
    expect(page).toMatch(/<textarea[^>]*>Open Bookings, then Pass\.<\/textarea>/);
    await t.post(`/agent/replies/${replyId}`, { title: 'Pass v2', body: 'Bookings → Pass.' }, agent.cookie);
    expect(
      (await t.db.selectFrom('saved_replies').select('title').where('id', '=', replyId).executeTakeFirstOrThrow())
        .title,
    ).toBe('Pass v2');
    await t.post(`/agent/replies/${replyId}/delete`, {}, agent.cookie);
    expect(await t.db.selectFrom('saved_replies').select('id').where('id', '=', replyId).execute()).toEqual([]);
  });

  it('admins can do what agents can', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const me = await traveler();
    const id = await openTicket(me.cookie);
    expect(
      (await t.post(`/agent/tickets/${id}/reply`, { body: 'Admin here.', status: 'in_progress' }, admin.cookie)).status,
    ).toBe(303);
    expect((await ticket(id)).status).toBe('in_progress');
  });
});

describe('resolving and rating', () => {
  it('a resolved ticket asks the customer for a rating, which they give once', async () => {
    const me = await traveler('rate.me@example.test');
    const agent = await signedIn(t.deps, { role: 'agent' });
    const id = await openTicket(me.cookie);
    expect((await t.post(`/support/${id}/rate`, { rating: '5' }, me.cookie)).status).toBe(409);
    await t.post(`/agent/tickets/${id}/reply`, { body: 'Done.', status: 'resolved' }, agent.cookie);
    const templates = (await outboxFor('rate.me@example.test')).map((m) => m.template);
    expect(templates).toEqual(['support-reply', 'support-resolved']);
    const page = await (await t.request(`/support/${id}`, { cookie: me.cookie })).text();
    expect(page).toContain('id="rate"');
    expect((await t.post(`/support/${id}/rate`, { rating: '9' }, me.cookie)).status).toBe(422);
    expect((await t.post(`/support/${id}/rate`, { rating: '4' }, me.cookie)).status).toBe(303);
    const again = await t.post(`/support/${id}/rate`, { rating: '1' }, me.cookie);
    expect(again.status).toBe(409);
    expect((await ticket(id)).rating).toBe(4);
    expect(await (await t.request(`/support/${id}`, { cookie: me.cookie })).text()).toContain(
      'You rated this help 4 of 5',
    );
  });
});

describe('the auto-close job', () => {
  it('closes a ticket waiting on the customer for 7 days, once, and leaves the others', async () => {
    const me = await traveler('slow.reply@example.test');
    const agent = await signedIn(t.deps, { role: 'agent' });
    const waiting = await openTicket(me.cookie, { subject: 'Waiting one' });
    await t.post(`/agent/tickets/${waiting}/reply`, { body: 'Which date?', status: 'waiting' }, agent.cookie);
    t.clock.advance(3 * DAY);
    const recent = await openTicket(me.cookie, { subject: 'Waiting two' });
    await t.post(`/agent/tickets/${recent}/reply`, { body: 'Which trek?', status: 'waiting' }, agent.cookie);
    const open = await openTicket(me.cookie, { subject: 'Open three' });

    t.clock.advance(4 * DAY - 1000);
    await closeStaleTickets(t.deps);
    expect((await ticket(waiting)).status).toBe('waiting');

    t.clock.advance(1000);
    expect(await closeStaleTickets(t.deps)).toBe('closed 1');
    expect(await closeStaleTickets(t.deps)).toBe('closed 0');
    expect((await ticket(waiting)).status).toBe('closed');
    expect((await ticket(waiting)).closed_at).toBe(t.clock.now().toISOString());
    expect((await ticket(recent)).status).toBe('waiting');
    expect((await ticket(open)).status).toBe('open');
    const closedMails = (await outboxFor('slow.reply@example.test')).filter(
      (m) => m.template === 'support-auto-closed',
    );
    expect(closedMails).toHaveLength(1);
    // A closed ticket takes no reply.
    const res = await t.post(`/support/${waiting}/reply`, { body: 'Sorry, late' }, me.cookie);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This ticket is closed.');
  });
});

describe('agent stats', () => {
  it('count each agent’s open tickets, tickets resolved this week and the median minutes to a first reply', async () => {
    const me = await traveler();
    const agent = await signedIn(t.deps, { role: 'agent', name: 'Stats Agent' });
    const a = await openTicket(me.cookie, { subject: 'Stats one' });
    t.clock.advance(30 * MINUTE);
    await t.post(`/agent/tickets/${a}/reply`, { body: 'On it.', status: 'in_progress' }, agent.cookie);
    const b = await openTicket(me.cookie, { subject: 'Stats two' });
    t.clock.advance(90 * MINUTE);
    await t.post(`/agent/tickets/${b}/reply`, { body: 'Fixed.', status: 'resolved' }, agent.cookie);
    const html = await (await t.request('/agent/tickets', { cookie: agent.cookie })).text();
    const line = new RegExp(`<li data-agent="${agent.id}">(.*?)</li>`).exec(html)?.[1] ?? '';
    expect(line.replace(/<[^>]+>/g, '')).toBe(
      'Stats Agent: 1 open · 1 resolved this week · median first reply 1 h (30 days)',
    );
  });
});
