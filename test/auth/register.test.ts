import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { accountsApp, cookieOf, fromIp, linkIn, newPerson, queued, register, sessionToken } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

const userCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('registering', () => {
  it('shows the form with the right input types for a phone', async () => {
    const res = await t.request('/register');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="phone" type="tel"');
    expect(html).toContain('inputmode="tel"');
    expect(html).toContain('autocomplete="new-password"');
    expect(html).not.toContain('Continue with Google');
  });

  it('creates a traveler with an Argon2id hash and a +91 phone, and queues a welcome and a verification email', async () => {
    const { person, res } = await register(t, { phone: '98765 43210' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/dashboard/traveler');
    const user = await t.db.selectFrom('users').selectAll().where('email', '=', person.email).executeTakeFirstOrThrow();
    expect(user.phone).toBe('+919876543210');
    expect(user.role).toBe('traveler');
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.password_hash).not.toContain(person.password);
    expect(user.email_verified_at).toBeNull();
    const mails = await queued(t, person.email);
    expect(mails.map((m) => m.template).sort()).toEqual(['verify-email', 'welcome']);
    const verify = mails.find((m) => m.template === 'verify-email')!;
    expect(verify.html).toContain('/verify-email?token=');
    expect(linkIn(verify.text, '/verify-email')).toMatch(/^\/verify-email\?token=[a-z2-7]{32}$/);
    const token = await t.db
      .selectFrom('account_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(verify.text).not.toContain(token.token_hash);
  });

  it('signs the new user in with a fresh session: the cookie it sets opens their dashboard, and a session cookie sent along is ended', async () => {
    const stale = await register(t, { email: 'first@example.test' });
    const staleToken = sessionToken(stale.res)!;
    const person = newPerson({ email: 'second@example.test', name: 'Dolma Sherpa' });
    const res = await t.post('/register', person, cookieOf(staleToken), fromIp('10.0.0.3'));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/dashboard/traveler');
    const token = sessionToken(res);
    expect(token).toBeTruthy();
    expect(token).not.toBe(staleToken);
    const user = await t.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'second@example.test')
      .executeTakeFirstOrThrow();
    const sessions = await t.db.selectFrom('sessions').select('user_id').execute();
    expect(sessions.map((x) => x.user_id)).toEqual([user.id]);
    const dashboard = await t.request('/dashboard/traveler', { cookie: cookieOf(token!) });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Hello, Dolma Sherpa');
  });

  it('lets an organizer register and keeps an international number as typed', async () => {
    const { person, res } = await register(t, { role: 'organizer', phone: '+44 7700 900123' });
    expect(res.status).toBe(303);
    const user = await t.db
      .selectFrom('users')
      .select(['role', 'phone'])
      .where('email', '=', person.email)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ role: 'organizer', phone: '+447700900123' });
  });

  it.each([
    ['name', { name: '' }, 'Enter your name.'],
    ['email', { email: 'not-an-email' }, 'Enter an email address'],
    ['phone', { phone: '12345' }, 'Enter a 10-digit Indian mobile number'],
    ['password', { password: 'short' }, 'Use at least 10 characters.'],
    ['password', { password: 'Password123' }, 'one of the most common'],
    ['role', { role: 'admin' }, 'Choose whether you travel or organize treks.'],
  ])('refuses a bad %s with a message next to it, 422, and writes nothing', async (field, over, message) => {
    const res = await t.post('/register', newPerson(over), undefined, fromIp('10.0.0.2'));
    expect(res.status).toBe(422);
    const html = await res.text();
    const error =
      field === 'role'
        ? html.match(/class="field-error">([^<]*)/)?.[1]
        : html.match(new RegExp(`id="f-${field}-error" class="field-error">([^<]*)`))?.[1];
    expect(error).toContain(message);
    expect(await userCount()).toBe(0);
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
  });

  it('keeps what was typed (but never the password) when the form comes back', async () => {
    const res = await t.post(
      '/register',
      newPerson({ name: 'Ravi', password: 'short-one' }),
      undefined,
      fromIp('10.0.0.3'),
    );
    const html = await res.text();
    expect(html).toContain('value="Ravi"');
    expect(html).not.toContain('short-one');
  });

  it('refuses an email that already has an account, whatever its case', async () => {
    const { person } = await register(t);
    const res = await t.post(
      '/register',
      newPerson({ email: person.email.toUpperCase() }),
      undefined,
      fromIp('10.0.0.4'),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('An account with this email already exists');
    expect(await userCount()).toBe(1);
  });

  it('two sign-ups with the same email at the same moment make one account; the other gets the message', async () => {
    const person = newPerson();
    const [a, b] = await Promise.all([
      t.post('/register', person, undefined, fromIp('10.0.1.1')),
      t.post('/register', { ...person, name: 'Twin' }, undefined, fromIp('10.0.1.2')),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 422]);
    const loser = a.status === 422 ? a : b;
    expect(await loser.text()).toContain('An account with this email already exists');
    expect(await userCount()).toBe(1);
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(2);
  });

  it('stops a flood of registrations from one address and says when to try again', async () => {
    for (let i = 0; i < 10; i++) expect((await register(t, {}, '10.9.9.9')).res.status).toBe(303);
    const { res } = await register(t, {}, '10.9.9.9');
    expect(res.status).toBe(429);
    expect(await res.text()).toMatch(/Too many new accounts from your network\. Try again in \d+ (minutes?|hours?)\./);
    expect(await userCount()).toBe(10);
    expect((await register(t, {}, '10.9.9.10')).res.status).toBe(303);
  });
});
