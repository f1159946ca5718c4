import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { MINUTE } from '../../src/lib/clock.js';
import { startFakeTwilio, TEST_TWILIO } from '../support/fake-twilio.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { accountsApp, flashOf, queued, register, signIn } from './helpers.js';

let t: TestApp;
let cookie: string;
let userId: number;
const PHONE = '+919876543210';

beforeEach(async () => {
  t = await accountsApp();
  const { person } = await register(t, { phone: '9876543210' });
  cookie = (await signIn(t, person.email)).cookie;
  userId = (await t.db.selectFrom('users').select('id').where('email', '=', person.email).executeTakeFirstOrThrow()).id;
});
afterEach(() => t.close());

const verifiedAt = async () =>
  (await t.db.selectFrom('users').select('phone_verified_at').where('id', '=', userId).executeTakeFirstOrThrow())
    .phone_verified_at;

async function sendCode(): Promise<string> {
  const res = await t.post('/verify-phone/send', {}, cookie);
  expect(res.status).toBe(303);
  const sms = (await queued(t, PHONE, 'phone-otp')).at(-1)!;
  expect(sms.channel).toBe('sms');
  return sms.text.match(/^(\d{6}) is your TrekTribe verification code/)![1];
}

const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('phone verification by SMS code', () => {
  it('texts a 6-digit code through the outbox, stores only its hash, and verifies the number', async () => {
    const code = await sendCode();
    const row = await t.db
      .selectFrom('account_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('purpose', '=', 'phone-otp')
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(code);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const res = await t.post('/verify-phone', { code }, cookie);
    expect(res.status).toBe(303);
    expect(flashOf(res)).toBe('Your mobile number is verified.');
    expect(await verifiedAt()).toBe(t.clock.now().toISOString());
  });

  it('works once', async () => {
    const code = await sendCode();
    await t.post('/verify-phone', { code }, cookie);
    await t.db.updateTable('users').set({ phone_verified_at: null }).where('id', '=', userId).execute();
    const again = await t.post('/verify-phone', { code }, cookie);
    expect(again.status).toBe(422);
    expect(await verifiedAt()).toBeNull();
  });

  it('expires after 10 minutes', async () => {
    const code = await sendCode();
    t.clock.advance(10 * MINUTE + 1000);
    const res = await t.post('/verify-phone', { code }, cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('That code has expired. Ask for a new one.');
    expect(await verifiedAt()).toBeNull();
  });

  it('allows at most 5 wrong tries, after which even the right code fails', async () => {
    const code = await sendCode();
    for (let i = 1; i <= 4; i++) {
      const res = await t.post('/verify-phone', { code: wrongFor(code) }, cookie);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(`That code is not right. ${5 - i} ${5 - i === 1 ? 'try' : 'tries'} left.`);
    }
    const fifth = await t.post('/verify-phone', { code: wrongFor(code) }, cookie);
    expect(await fifth.text()).toContain('Too many wrong codes. Ask for a new one.');
    const right = await t.post('/verify-phone', { code }, cookie);
    expect(right.status).toBe(422);
    expect(await right.text()).toContain('Too many wrong codes');
    expect(await verifiedAt()).toBeNull();
  });

  it('sends a new code only after 60 seconds, and the new code replaces the old', async () => {
    const first = await sendCode();
    const tooSoon = await t.post('/verify-phone/send', {}, cookie);
    expect(tooSoon.status).toBe(429);
    expect(await tooSoon.text()).toContain('We sent a code recently. Try again in 1 minute.');
    expect(await queued(t, PHONE, 'phone-otp')).toHaveLength(1);
    t.clock.advance(61_000);
    const second = await sendCode();
    if (second !== first) expect((await t.post('/verify-phone', { code: first }, cookie)).status).toBe(422);
    expect((await t.post('/verify-phone', { code: second }, cookie)).status).toBe(303);
  });

  it('refuses something that is not a 6-digit code, 422', async () => {
    await sendCode();
    const res = await t.post('/verify-phone', { code: '12ab' }, cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Enter the 6-digit code from the SMS.');
  });

  it('a changed number needs verifying again, and an old code does not verify the new number', async () => {
    const code = await sendCode();
    const res = await t.post('/me/phone', { phone: '9123456789' }, cookie);
    expect(res.headers.get('Location')).toBe('/verify-phone');
    expect((await t.post('/verify-phone', { code }, cookie)).status).toBe(422);
    const u = await t.db
      .selectFrom('users')
      .select(['phone', 'phone_verified_at'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(u).toEqual({ phone: '+919123456789', phone_verified_at: null });
  });
});

describe('the code as the phone receives it', () => {
  it('arrives through the real Twilio SDK and verifies the number', async () => {
    const fake = await startFakeTwilio();
    const app = await accountsApp({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url });
    try {
      const { person } = await register(app, { phone: '9812345678' });
      const { cookie: c } = await signIn(app, person.email);
      expect((await app.post('/verify-phone/send', {}, c)).status).toBe(303);
      expect(await deliverDue(app.deps)).toMatch(/^sent \d+, retrying 0, failed 0$/);
      const sms = fake.requests.find((r) => r.form.To === '+919812345678')!;
      expect(sms.form.From).toBe(TEST_TWILIO.TWILIO_SMS_FROM);
      const code = sms.form.Body.match(/^(\d{6}) is your TrekTribe verification code/)![1];
      expect((await app.post('/verify-phone', { code }, c)).status).toBe(303);
      const u = await app.db
        .selectFrom('users')
        .select('phone_verified_at')
        .where('email', '=', person.email)
        .executeTakeFirstOrThrow();
      expect(u.phone_verified_at).not.toBeNull();
    } finally {
      await app.close();
      await fake.stop();
    }
  });
});
