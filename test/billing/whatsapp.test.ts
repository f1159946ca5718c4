import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { startFakeTwilio, TEST_TWILIO, type FakeTwilio } from '../support/fake-twilio.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { sendTrialNotices } from '../../src/billing/trial.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { deliver, lastMessageId, messagesTo, organizerWithTrip, setUpAutopay } from './autopay-support.js';

const NOTICE_SID = 'HX' + '0123456789abcdef'.repeat(2);

let twilio: FakeTwilio;
let rzp: FakeRazorpayServer;
let t: TestApp;
beforeAll(async () => {
  twilio = await startFakeTwilio();
});
afterAll(() => twilio.stop());
beforeEach(async () => {
  rzp = await startFakeRazorpay();
  t = await makeTestApp({
    ...rzp.env,
    ...TEST_TWILIO,
    TWILIO_API_BASE: twilio.url,
    TWILIO_WHATSAPP_NOTICE_SID: NOTICE_SID,
  });
  twilio.requests.length = 0;
});
afterEach(async () => {
  await t.close();
  await rzp.stop();
});

const whatsappsTo = (phone: string) => twilio.requests.filter((r) => r.form.To === `whatsapp:${phone}`);

describe('subscription messages on WhatsApp, where a notice template is configured', () => {
  it('go by email, SMS and the approved template to a verified phone, with the name and the notice as its variables', async () => {
    const o = await organizerWithTrip(t, 1);
    const { token } = await setUpAutopay(t, rzp, o.cookie);
    const mark = await lastMessageId(t);
    expect(await deliver(t, rzp.fake.setTokenStatus(token.id, 'cancelled'))).toBe('ok');
    expect(await messagesTo(t, o.to, mark)).toEqual([
      'email:mandate-cancelled',
      'sms:mandate-cancelled',
      'whatsapp:mandate-cancelled',
    ]);

    await deliverDue(t.deps);
    const sms = twilio.requests.filter((r) => r.form.To === o.phone);
    const whatsapp = whatsappsTo(o.phone);
    expect(sms.length).toBeGreaterThan(0);
    expect(whatsapp).toHaveLength(sms.length);
    const last = whatsapp.at(-1)!.form;
    expect(last).toMatchObject({ From: `whatsapp:${TEST_TWILIO.TWILIO_WHATSAPP_FROM}`, ContentSid: NOTICE_SID });
    expect(last.Body).toBeUndefined();
    // The template's {{2}} is the SMS's text, word for word.
    expect(JSON.parse(last.ContentVariables)).toEqual({ '1': 'Organizer 1', '2': sms.at(-1)!.form.Body });
    expect(last.ContentVariables).toContain('mandate');
  });

  it('the trial notices go there too', async () => {
    const o = await organizerWithTrip(t, 2);
    t.clock.set('2027-01-17T03:30:00Z');
    expect(await sendTrialNotices(t.deps)).toBe('sent 1 trial notices, ended 0 trials');
    expect(await messagesTo(t, o.to)).toEqual(['email:trial-ending', 'sms:trial-ending', 'whatsapp:trial-ending']);
    await deliverDue(t.deps);
    const [w] = whatsappsTo(o.phone);
    expect(JSON.parse(w.form.ContentVariables)['2']).toContain('trial ends in 7 days');
  });

  it('never to a phone that is not verified', async () => {
    const o = await organizerWithTrip(t, 3);
    await t.db.updateTable('users').set({ phone_verified_at: null }).where('id', '=', o.id).execute();
    t.clock.set('2027-01-17T03:30:00Z');
    await sendTrialNotices(t.deps);
    expect(await messagesTo(t, o.to)).toEqual(['email:trial-ending']);
  });
});

describe('config', () => {
  it('a notice template with Twilio but no WhatsApp sender fails at start, naming the variable', () => {
    const env = { ...TEST_TWILIO, TWILIO_WHATSAPP_FROM: undefined, TWILIO_WHATSAPP_NOTICE_SID: NOTICE_SID };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/TWILIO_WHATSAPP_FROM/);
  });

  it('a malformed template SID is refused by name', () => {
    expect(() => loadConfig({ TWILIO_WHATSAPP_NOTICE_SID: 'HX123' })).toThrow(/TWILIO_WHATSAPP_NOTICE_SID/);
  });
});
