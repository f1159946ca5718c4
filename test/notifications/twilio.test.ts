import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeTwilio, TEST_TWILIO, type FakeTwilio } from '../support/fake-twilio.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue } from '../../src/notifications/delivery.js';

let fake: FakeTwilio;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeTwilio();
  t = await makeTestApp({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

const row = (id: number) => t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('SMS and WhatsApp through the real twilio SDK', () => {
  it('an SMS reaches the Messages API with To, From and Body as form fields', async () => {
    fake.requests.length = 0;
    const id = await t.db.transaction().execute((trx) =>
      enqueue(trx, t, {
        channel: 'sms',
        to: '+919812345678',
        template: 'otp',
        text: 'Your TrekTribe code is 482913. It expires in 10 minutes.',
      }),
    );

    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req.accountSid).toBe(TEST_TWILIO.TWILIO_ACCOUNT_SID);
    expect(req.auth).toBe(`${TEST_TWILIO.TWILIO_ACCOUNT_SID}:${TEST_TWILIO.TWILIO_AUTH_TOKEN}`);
    expect(req.form).toEqual({
      To: '+919812345678',
      From: '+14155550100',
      Body: 'Your TrekTribe code is 482913. It expires in 10 minutes.',
    });
    const r = await row(id);
    expect(r.status).toBe('sent');
    expect(r.provider_id).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('a WhatsApp message goes from and to whatsapp: addresses', async () => {
    fake.requests.length = 0;
    const id = await t.db.transaction().execute((trx) =>
      enqueue(trx, t, {
        channel: 'whatsapp',
        to: '+919812345678',
        template: 'booking-confirmed',
        text: 'Booking TT-7KQ2 for Hampta Pass is confirmed.',
      }),
    );

    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');

    expect(fake.requests.map((r) => r.form)).toEqual([
      {
        To: 'whatsapp:+919812345678',
        From: 'whatsapp:+14155550111',
        Body: 'Booking TT-7KQ2 for Hampta Pass is confirmed.',
      },
    ]);
    expect((await row(id)).status).toBe('sent');
  });

  it('a number Twilio refuses is failed at once with its error; a server error is retried', async () => {
    fake.requests.length = 0;
    fake.failNext(400, 21211, "The 'To' number +91000 is not a valid phone number.");
    const bad = await t.db
      .transaction()
      .execute((trx) => enqueue(trx, t, { channel: 'sms', to: '+91000', template: 'otp', text: 'code' }));
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 1');
    const b = await row(bad);
    expect(b.status).toBe('failed');
    expect(b.attempts).toBe(1);
    expect(b.last_error).toContain('is not a valid phone number');

    fake.failNext(503, 20500, 'Service unavailable');
    const later = await t.db
      .transaction()
      .execute((trx) => enqueue(trx, t, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'code 2' }));
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 1, failed 0');
    expect((await row(later)).status).toBe('pending');
    t.clock.advance(60_000);
    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');
    expect((await row(later)).status).toBe('sent');
    expect(fake.requests.filter((r) => r.form.Body === 'code 2')).toHaveLength(2);
  });
});
