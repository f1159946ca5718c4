import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { accountsApp, flashOf, fromIp, mailedLink, mailsFor, PASSWORD, queued, register, signIn } from './helpers.js';

/** Every link here is followed from the email as a real SMTP server received it. */
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.stop());

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp({ SMTP_URL: smtp.url });
});
afterEach(() => t.close());

const CONFIRM = /^Confirm your email address$/;
const RESET = /^Reset your TrekTribe password$/;
const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('token')!;

const user = (email: string) =>
  t.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

const verificationLink = (email: string, atLeast = 1) => mailedLink(t, smtp, email, CONFIRM, '/verify-email', atLeast);
const resetLink = (email: string, atLeast = 1) => mailedLink(t, smtp, email, RESET, '/reset-password', atLeast);

const verifyToken = (t: TestApp) =>
  t.db
    .selectFrom('account_tokens')
    .selectAll()
    .where('purpose', '=', 'verify-email')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

/** Follows a verification link as a person does: open the page, press its button. */
async function confirmFrom(link: string, cookie?: string) {
  const page = await t.request(link, { cookie });
  expect(page.status).toBe(200);
  const html = await page.text();
  const token = html.match(
    /<form method="post" action="\/verify-email"><input type="hidden" name="token" value="([a-z2-7]+)"/,
  )?.[1];
  expect(token, html).toBe(tokenOf(link));
  return t.post('/verify-email', { token: token! }, cookie);
}

describe('email verification', () => {
  it('confirms the address from the emailed link and its button, once', async () => {
    const { person } = await register(t);
    const [mail] = await mailsFor(t, smtp, person.email, CONFIRM);
    expect(mail.from?.text).toContain('no-reply@trektribe.local');
    expect(mail.html).toContain('Confirm my email');
    const [welcome] = await mailsFor(t, smtp, person.email, /^Welcome to TrekTribe$/);
    expect(welcome.text).toContain(`Welcome to TrekTribe, ${person.name}!`);
    expect(welcome.html).toContain('Find your next trek');
    const link = await verificationLink(person.email);
    expect(link).toMatch(/^\/verify-email\?token=[a-z2-7]{32}$/);
    expect((await queued(t, person.email, 'verify-email'))[0].text).toContain(link);
    const res = await confirmFrom(link);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/login');
    expect(flashOf(res)).toBe('Thank you: your email address is confirmed.');
    expect((await user(person.email)).email_verified_at).toBe(t.clock.now().toISOString());
    expect((await verifyToken(t)).used_at).toBe(t.clock.now().toISOString());

    const again = await t.post('/verify-email', { token: tokenOf(link) });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('This link has expired or was already used.');
    const reopened = await t.request(link);
    expect(reopened.status).toBe(400);
    expect(await reopened.text()).toContain('This link has expired or was already used.');
  });

  it('opening the link (as a mail scanner or link preview does) confirms nothing and leaves the link usable', async () => {
    const { person } = await register(t);
    const link = await verificationLink(person.email);
    for (let i = 0; i < 3; i++) {
      const res = await t.request(link);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<h1>Confirm your email</h1>');
      expect(html).toContain('<button type="submit">Confirm my email</button>');
    }
    expect((await user(person.email)).email_verified_at).toBeNull();
    expect((await verifyToken(t)).used_at).toBeNull();
    expect((await t.post('/verify-email', { token: tokenOf(link) })).status).toBe(303);
    expect((await user(person.email)).email_verified_at).not.toBeNull();
  });

  it('refuses a confirmation posted from another site', async () => {
    const { person } = await register(t);
    const link = await verificationLink(person.email);
    const res = await t.post('/verify-email', { token: tokenOf(link) }, undefined, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await user(person.email)).email_verified_at).toBeNull();
    expect((await verifyToken(t)).used_at).toBeNull();
  });

  it('does not work after 24 hours', async () => {
    const { person } = await register(t);
    const link = await verificationLink(person.email);
    t.clock.advance(24 * HOUR + 1000);
    const page = await t.request(link);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('This link has expired or was already used.');
    expect((await t.post('/verify-email', { token: tokenOf(link) })).status).toBe(400);
    expect((await user(person.email)).email_verified_at).toBeNull();
  });

  it('still works just before 24 hours, from a page opened earlier', async () => {
    const { person } = await register(t);
    const link = await verificationLink(person.email);
    expect((await t.request(link)).status).toBe(200);
    t.clock.advance(24 * HOUR - 1000);
    expect((await t.post('/verify-email', { token: tokenOf(link) })).status).toBe(303);
    expect((await user(person.email)).email_verified_at).not.toBeNull();
  });

  it('refuses a made-up or missing token', async () => {
    expect((await t.request('/verify-email?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(400);
    expect((await t.request('/verify-email')).status).toBe(400);
    const madeUp = await t.post('/verify-email', { token: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(madeUp.status).toBe(400);
    expect(await madeUp.text()).toContain('This link has expired or was already used.');
    expect((await t.post('/verify-email', {})).status).toBe(400);
  });

  it('resends a fresh link at most once a minute, and the fresh link replaces the old one', async () => {
    const { person } = await register(t);
    const { cookie } = await signIn(t, person.email);
    const first = await verificationLink(person.email);
    t.clock.advance(MINUTE);
    const ok = await t.post('/verify-email/resend', {}, cookie);
    expect(ok.status).toBe(303);
    expect(flashOf(ok)).toBe(`We sent a new confirmation link to ${person.email}.`);
    const tooSoon = await t.post('/verify-email/resend', {}, cookie);
    expect(flashOf(tooSoon)).toMatch(/We just sent you a link\. Try again in 1 minute\./);
    expect(await queued(t, person.email, 'verify-email')).toHaveLength(2);

    expect((await t.request(first)).status).toBe(400);
    expect((await t.post('/verify-email', { token: tokenOf(first) })).status).toBe(400);
    const second = await verificationLink(person.email, 2);
    expect(second).not.toBe(first);
    expect((await confirmFrom(second, cookie)).headers.get('Location')).toBe('/dashboard/traveler');
    expect((await user(person.email)).email_verified_at).not.toBeNull();
  });
});

describe('forgot and reset password', () => {
  it('gives the same answer whether or not the email has an account, and only emails a real one', async () => {
    const { person } = await register(t);
    const known = await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.1'));
    const unknown = await t.post('/forgot-password', { email: 'nobody@example.test' }, undefined, fromIp('10.2.0.1'));
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(303);
    expect(known.headers.get('Location')).toBe(unknown.headers.get('Location'));
    expect(await queued(t, person.email, 'reset-password')).toHaveLength(1);
    expect(await queued(t, 'nobody@example.test')).toHaveLength(0);
    const page = await t.request(known.headers.get('Location')!);
    expect(await page.text()).toContain('If an account uses that email');
  });

  it('sets a new password from the link once, signs out every session, and confirms the email', async () => {
    const { person } = await register(t);
    const { cookie } = await signIn(t, person.email);
    await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.2'));
    const link = await resetLink(person.email);
    const form = await t.request(link);
    expect(form.status).toBe(200);
    const token = tokenOf(link);
    expect(await form.text()).toContain(`name="token" value="${token}"`);

    const res = await t.post('/reset-password', { token, password: 'my brand new secret' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/login');
    const u = await user(person.email);
    expect(u.email_verified_at).not.toBeNull();
    expect(await t.db.selectFrom('sessions').selectAll().where('user_id', '=', u.id).execute()).toHaveLength(0);
    expect((await t.request('/me', { cookie })).status).toBe(303);
    await signIn(t, person.email, 'my brand new secret');

    const reuse = await t.post('/reset-password', { token, password: 'yet another secret' });
    expect(reuse.status).toBe(400);
    expect((await t.request(link)).status).toBe(400);
    await signIn(t, person.email, 'my brand new secret');
  });

  it('does not work after one hour', async () => {
    const { person } = await register(t);
    await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.3'));
    const token = tokenOf(await resetLink(person.email));
    t.clock.advance(HOUR + 1000);
    const res = await t.post('/reset-password', { token, password: 'my brand new secret' });
    expect(res.status).toBe(400);
    await signIn(t, person.email, PASSWORD);
  });

  it('refuses a weak new password next to the field and keeps the link usable', async () => {
    const { person } = await register(t);
    await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.4'));
    const token = tokenOf(await resetLink(person.email));
    const weak = await t.post('/reset-password', { token, password: 'short' });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('Use at least 10 characters.');
    expect((await t.post('/reset-password', { token, password: 'long enough secret' })).status).toBe(303);
  });

  it('only the newest link works', async () => {
    const { person } = await register(t);
    await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.5'));
    await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.2.0.5'));
    const [oldMail, newMail] = (await mailsFor(t, smtp, person.email, RESET, 2)).slice(-2);
    const tokenIn = (m: typeof oldMail) => tokenOf(new URL(m.text!.match(/http\S+reset-password\S+/)![0]).search);
    expect((await t.post('/reset-password', { token: tokenIn(oldMail), password: 'long enough secret' })).status).toBe(
      400,
    );
    expect((await t.post('/reset-password', { token: tokenIn(newMail), password: 'long enough secret' })).status).toBe(
      303,
    );
  });

  it('limits requests per address (visibly) and per account (silently)', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++)
      expect((await t.post('/forgot-password', { email: person.email }, undefined, fromIp(`10.3.0.${i}`))).status).toBe(
        303,
      );
    expect(await queued(t, person.email, 'reset-password')).toHaveLength(3);
    for (let i = 0; i < 5; i++)
      await t.post('/forgot-password', { email: `x${i}@example.test` }, undefined, fromIp('10.4.0.1'));
    const limited = await t.post('/forgot-password', { email: 'y@example.test' }, undefined, fromIp('10.4.0.1'));
    expect(limited.status).toBe(303);
    for (let i = 0; i < 5; i++)
      await t.post('/forgot-password', { email: `z${i}@example.test` }, undefined, fromIp('10.4.0.1'));
    const blocked = await t.post('/forgot-password', { email: 'w@example.test' }, undefined, fromIp('10.4.0.1'));
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toMatch(/Too many reset requests from your network\. Try again in \d+ (minutes|hour)/);
  });
});
