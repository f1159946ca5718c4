import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeBooking, makeTrip, signedIn, createUser } from '../support/factories.js';
import { startFakeTwilio, TEST_TWILIO, type FakeTwilio } from '../support/fake-twilio.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { searchExpression } from '../../src/crm/service.js';
import { recordUpiPayment } from '../../src/payments/orders.js';

const TEMPLATE_SID = 'HX' + 'abcdef0123456789'.repeat(2);

let fake: FakeTwilio;
let t: TestApp;
let plain: TestApp;
let agent: { id: number; cookie: string };

beforeAll(async () => {
  fake = await startFakeTwilio();
  t = await makeTestApp({
    ...TEST_TWILIO,
    TWILIO_API_BASE: fake.url,
    TWILIO_WHATSAPP_TEMPLATE_SID: TEMPLATE_SID,
    TWILIO_WHATSAPP_TEMPLATE_VARIABLES: 'Customer name,Booking code',
  });
  plain = await makeTestApp({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url });
  agent = await signedIn(t.deps, { role: 'agent' });
});
afterAll(async () => {
  await t.close();
  await plain.close();
  await fake.stop();
});
beforeEach(async () => {
  // Whatever an earlier test queued goes out first, so each test sees only its own requests.
  await deliverDue(t.deps);
  fake.requests.length = 0;
});

const search = async (q: string, app = t, cookie = agent.cookie) =>
  (await app.request(`/agent/customers?q=${encodeURIComponent(q)}`, { cookie })).text();

describe('customer search', () => {
  it('finds a customer by name (any word, by prefix), email, phone in any form, and booking code', async () => {
    const id = await createUser(t.deps, {
      name: 'Asha Kulkarni',
      email: 'asha.k@trekmail.test',
      phone: '+919876501234',
    });
    const trip = await makeTrip(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: id });
    const { code } = await t.db
      .selectFrom('bookings')
      .select('code')
      .where('id', '=', bookingId)
      .executeTakeFirstOrThrow();
    expect(code).toMatch(/^[A-Z2-9]{8}$/); // a real code, as travelers quote it
    const link = `href="/agent/customers/${id}"`;
    for (const q of [
      'Asha',
      'kulk',
      'asha kul',
      'asha.k@trekmail.test',
      'asha.k@trek',
      '98765',
      '+91 98765 01234',
      '9876501234',
      code,
      code.toLowerCase(),
      ` ${code} `,
    ])
      expect(await search(q), q).toContain(link);
    for (const q of ['Ravi', 'sha', '12345', 'TT-NONE', 'ZZZZZZZZ']) expect(await search(q), q).not.toContain(link);
  });

  it('follows a rename at once (the index is kept by triggers on users)', async () => {
    const id = await createUser(t.deps, { name: 'Old Name' });
    await t.db.updateTable('users').set({ name: 'Zubin Mehta' }).where('id', '=', id).execute();
    expect(await search('zubin')).toContain(`href="/agent/customers/${id}"`);
    expect(await search('Old Name')).not.toContain(`href="/agent/customers/${id}"`);
  });

  it('quotes what was typed, so FTS syntax is only ever text', () => {
    expect(searchExpression('a"b OR c*')).toBe('"a"* AND "b"* AND "or"* AND "c"*');
    expect(searchExpression('x')).toBeNull();
    expect(searchExpression('+91-98')).toBe('phone : "9198"*');
  });
});

describe('the customer page', () => {
  it('shows profile, bookings and payments, tickets and every message sent to them', async () => {
    const cust = await signedIn(t.deps, { name: 'Kavya Rao', email: 'kavya@example.test', phone: '+919812300001' });
    const trip = await makeTrip(t.deps, { title: 'Hampta Pass' });
    const bookingId = await makeBooking(t.deps, { trip, userId: cust.id, code: 'TT-KAV1' });
    await recordUpiPayment(
      t.db,
      { owner: 'booking', id: bookingId },
      { amount: 1_200_000, utr: '123456789012', at: t.clock.now().toISOString() },
    );
    await t.post('/support', { subject: 'Shoe size', body: 'Rentals?' }, cust.cookie);
    await t.post(`/agent/customers/${cust.id}/sms`, { text: 'Hello Kavya' }, agent.cookie);
    const html = await (await t.request(`/agent/customers/${cust.id}`, { cookie: agent.cookie })).text();
    expect(html).toContain('kavya@example.test');
    expect(html).toContain('TT-KAV1');
    expect(html).toContain('Hampta Pass');
    expect(html).toContain('UTR 123456789012');
    expect(html).toContain('Shoe size');
    expect(html).toContain('Hello Kavya');
  });
});

describe('SMS and WhatsApp from the CRM', () => {
  it('an SMS reaches the fake Twilio API with the right body and shows on the timeline as sent', async () => {
    const id = await createUser(t.deps, { phone: '+919812300002' });
    const res = await t.post(`/agent/customers/${id}/sms`, { text: 'Your refund is on its way.' }, agent.cookie);
    expect(res.status).toBe(303);
    await deliverDue(t.deps);
    expect(fake.requests.map((r) => r.form)).toEqual([
      { To: '+919812300002', From: TEST_TWILIO.TWILIO_SMS_FROM, Body: 'Your refund is on its way.' },
    ]);
    const html = await (await t.request(`/agent/customers/${id}`, { cookie: agent.cookie })).text();
    expect(html).toMatch(/<strong>SMS<\/strong> · SMS from an agent · [^<]* ·\s+sent/);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'crm.sms_sent')
      .where('target_id', '=', String(id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(agent.id);
  });

  it('free-text WhatsApp goes from and to whatsapp: addresses with the body', async () => {
    const id = await createUser(t.deps, { phone: '+919812300003' });
    await t.post(
      `/agent/customers/${id}/whatsapp`,
      { mode: 'text', text: 'Namaste! Your pass is ready.' },
      agent.cookie,
    );
    await deliverDue(t.deps);
    expect(fake.requests.map((r) => r.form)).toEqual([
      {
        To: 'whatsapp:+919812300003',
        From: `whatsapp:${TEST_TWILIO.TWILIO_WHATSAPP_FROM}`,
        Body: 'Namaste! Your pass is ready.',
      },
    ]);
  });

  it('a template message carries its Content SID and variables, and no free-text body', async () => {
    const id = await createUser(t.deps, { phone: '+919812300004' });
    const page = await (await t.request(`/agent/customers/${id}`, { cookie: agent.cookie })).text();
    expect(page).toContain('send the approved template');
    expect(page).toContain('Customer name {{1}}');
    const missing = await t.post(
      `/agent/customers/${id}/whatsapp`,
      { mode: 'template', var1: 'Asha', var2: '' },
      agent.cookie,
    );
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Fill in “Booking code”.');
    const res = await t.post(
      `/agent/customers/${id}/whatsapp`,
      { mode: 'template', var1: 'Asha', var2: 'TT-7KQ2' },
      agent.cookie,
    );
    expect(res.status).toBe(303);
    await deliverDue(t.deps);
    expect(fake.requests).toHaveLength(1);
    const form = fake.requests[0].form;
    expect(form).toEqual({
      To: 'whatsapp:+919812300004',
      From: `whatsapp:${TEST_TWILIO.TWILIO_WHATSAPP_FROM}`,
      ContentSid: TEMPLATE_SID,
      ContentVariables: JSON.stringify({ 1: 'Asha', 2: 'TT-7KQ2' }),
    });
    const after = await (await t.request(`/agent/customers/${id}`, { cookie: agent.cookie })).text();
    expect(after).toContain(`Template ${TEMPLATE_SID}: Customer name: Asha; Booking code: TT-7KQ2`);
  });

  it('without a configured template the page says so plainly, and a template send is refused', async () => {
    const a = await signedIn(plain.deps, { role: 'agent' });
    const id = await createUser(plain.deps, { phone: '+919812300005' });
    const page = await (await plain.request(`/agent/customers/${id}`, { cookie: a.cookie })).text();
    expect(page).toContain('No WhatsApp template is configured.');
    // Plain words for an agent: no setting names.
    expect(page).not.toContain('TWILIO_');
    expect(page).not.toContain('value="template"');
    const res = await plain.post(`/agent/customers/${id}/whatsapp`, { mode: 'template', var1: 'x' }, a.cookie);
    expect(res.status).toBe(422);
    expect(await plain.db.selectFrom('outbox').select('id').where('recipient', '=', '+919812300005').execute()).toEqual(
      [],
    );
  });

  it('an empty message is refused next to its field and nothing is queued; travelers cannot send at all', async () => {
    const id = await createUser(t.deps, { phone: '+919812300006' });
    const res = await t.post(`/agent/customers/${id}/sms`, { text: '  ' }, agent.cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Write the message.');
    const traveler = await signedIn(t.deps, { role: 'traveler' });
    expect((await t.post(`/agent/customers/${id}/sms`, { text: 'spam' }, traveler.cookie)).status).toBe(403);
    expect(await t.db.selectFrom('outbox').select('id').where('recipient', '=', '+919812300006').execute()).toEqual([]);
  });
});

describe('config', () => {
  it('checks the template SID at start and names the variable', () => {
    expect(() => loadConfig({ TWILIO_WHATSAPP_TEMPLATE_SID: 'nope' })).toThrow(ConfigError);
    expect(() => loadConfig({ TWILIO_WHATSAPP_TEMPLATE_SID: 'nope' })).toThrow(/TWILIO_WHATSAPP_TEMPLATE_SID/);
    expect(loadConfig({ TWILIO_WHATSAPP_TEMPLATE_SID: TEMPLATE_SID }).whatsappTemplate).toEqual({
      sid: TEMPLATE_SID,
      variables: ['Message'],
    });
    expect(loadConfig({}).whatsappTemplate).toBeUndefined();
  });
});

describe('plain words on the customer page', () => {
  it('says what the customer, their bookings, payments and messages are, with no stored codes, gateway names or payment ids', async () => {
    const id = await createUser(t.deps, { name: 'Kavya Rao', phone: '+919812300077' });
    const trip = await makeTrip(t.deps);
    const bookingId = await makeBooking(t.deps, { trip, userId: id, amountPaise: 3_540_000 });
    const now = t.clock.now().toISOString();
    await t.db
      .insertInto('payments')
      .values({
        booking_id: bookingId,
        method: 'razorpay',
        amount_paise: 3_540_000,
        status: 'failed',
        razorpay_order_id: 'order_words1',
        razorpay_payment_id: 'pay_words1',
        utr: null,
        paid_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const html = await (await t.request(`/agent/customers/${id}`, { cookie: agent.cookie })).text();
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Traveler · active');
    expect(text).toContain('₹35,400 · Waiting for payment');
    expect(text).toContain('Online ₹35,400, failed');
    expect(html).not.toContain('pay_words1');
    expect(text).not.toMatch(/razorpay|· pending\b|traveler ·/);
  });
});
