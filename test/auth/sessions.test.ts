import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { DAY } from '../../src/lib/clock.js';
import { hashToken } from '../../src/lib/tokens.js';
import { openDatabase } from '../../src/db.js';
import { join } from 'node:path';
import {
  accountsApp,
  cookieOf,
  flashOf,
  fromIp,
  PASSWORD,
  registered as register,
  sessionToken,
  signIn,
} from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

const sessionsOf = (userId: number) => t.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
const userId = async (email: string) =>
  (await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

async function account() {
  const { person } = await register(t);
  return { ...person, id: await userId(person.email) };
}

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie with a 30-day expiry and stores only its SHA-256', async () => {
    const a = await account();
    const { res, token } = await signIn(t, a.email);
    expect(res.headers.get('Location')).toBe('/dashboard');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tt_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const expires = new Date(cookie.match(/Expires=([^;]+)/)![1]);
    expect(expires.getTime() - t.clock.now().getTime()).toBeGreaterThan(29 * DAY);
    const rows = await sessionsOf(a.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(hashToken(token));
    // The standard SHA-256 in hex (the test vector of FIPS 180-2), so stored sessions stay valid whatever computes it.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(rows[0].id).not.toBe(token);
  });

  it('marks the cookie Secure when the public address is https', async () => {
    const secure = await accountsApp({ PUBLIC_URL: 'https://trek.example.in' });
    try {
      const person = { name: 'S', email: 's@example.test', phone: '9876543210', password: PASSWORD, role: 'traveler' };
      const post = (path: string, form: Record<string, string>) =>
        secure.app.request('https://trek.example.in' + path, {
          method: 'POST',
          body: new URLSearchParams(form),
          headers: {
            Origin: 'https://trek.example.in',
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Forwarded-For': '10.1.1.1',
          },
        });
      expect((await post('/register', person)).status).toBe(303);
      const res = await post('/login', { email: person.email, password: PASSWORD });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('tt_session='))).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('rotates the session: a cookie the browser already had is dropped and a new one issued', async () => {
    const a = await account();
    const first = await signIn(t, a.email);
    const second = await signIn(t, a.email, PASSWORD, '10.0.0.1', first.cookie);
    expect(second.token).not.toBe(first.token);
    expect((await sessionsOf(a.id)).map((s) => s.id)).toEqual([hashToken(second.token)]);
    const stale = await t.request('/me', { cookie: first.cookie });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('Location')).toBe('/login?next=%2Fme');
  });

  it('never adopts a session id planted by someone else', async () => {
    const a = await account();
    const planted = 'attackerchosenvalue0000000000000';
    const { token } = await signIn(t, a.email, PASSWORD, '10.0.0.1', cookieOf(planted));
    expect(token).not.toBe(planted);
    expect(
      await t.db.selectFrom('sessions').select('id').where('id', '=', hashToken(planted)).executeTakeFirst(),
    ).toBeUndefined();
  });

  it('answers a wrong password and an unknown email with the same message, 422', async () => {
    const a = await account();
    const wrong = await t.post(
      '/login',
      { email: a.email, password: 'not the password' },
      undefined,
      fromIp('10.0.0.5'),
    );
    const unknown = await t.post(
      '/login',
      { email: 'nobody@example.test', password: 'not the password' },
      undefined,
      fromIp('10.0.0.5'),
    );
    expect(wrong.status).toBe(422);
    expect(unknown.status).toBe(422);
    expect(await wrong.text()).toContain('Wrong email or password.');
    expect(await unknown.text()).toContain('Wrong email or password.');
    expect(sessionToken(wrong)).toBeNull();
    expect(await sessionsOf(a.id)).toHaveLength(0);
  });

  it('sends you back to the local page you came for, but never off-site', async () => {
    const a = await account();
    const go = async (next: string) =>
      (await t.post('/login', { email: a.email, password: PASSWORD, next }, undefined, fromIp('10.0.0.6'))).headers.get(
        'Location',
      );
    expect(await go('/me?tab=1')).toBe('/me?tab=1');
    for (const evil of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/ok\r\nSet-Cookie: x=1',
    ]) {
      expect(await go(evil)).toBe('/dashboard');
    }
  });

  it('keeps next through the sign-in page for anonymous visitors of a protected page', async () => {
    const res = await t.request('/me?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/login?next=%2Fme%3Fx%3D1');
    const form = await (await t.request('/login?next=%2Fme%3Fx%3D1')).text();
    expect(form).toContain('name="next" value="/me?x=1"');
    const evil = await (await t.request('/login?next=https%3A%2F%2Fevil.example')).text();
    expect(evil).not.toContain('evil.example');
  });

  it('a form posted after the session ended comes back to the page that held it', async () => {
    const res = await t.post('/me/password', { current: 'x', password: 'y' }, undefined, {
      Referer: 'http://localhost:3000/me#password',
    });
    expect(res.headers.get('Location')).toBe('/login?next=%2Fme');
    const offsite = await t.post('/me/password', {}, undefined, { Referer: 'https://evil.example/me' });
    expect(offsite.headers.get('Location')).toBe('/login?next=%2Fdashboard');
  });

  it('tells htmx requests to go to the sign-in page with HX-Redirect', async () => {
    const res = await t.request('/me', { headers: { 'HX-Request': 'true' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('HX-Redirect')).toBe('/login?next=%2Fme');
  });

  it('slides the expiry forward for a session in use, and ends one left alone for 30 days', async () => {
    const a = await account();
    const { cookie } = await signIn(t, a.email);
    t.clock.advance(20 * DAY);
    const used = await t.request('/me', { cookie });
    expect(used.status).toBe(200);
    const [row] = await sessionsOf(a.id);
    expect(Date.parse(row.expires_at) - t.clock.now().getTime()).toBe(30 * DAY);
    t.clock.advance(30 * DAY + 1);
    expect((await t.request('/me', { cookie })).status).toBe(303);
    expect(await sessionsOf(a.id)).toHaveLength(0);
  });

  it('sends an organizer’s first sign-in to the trial clock, once', async () => {
    const { person } = await register(t, { role: 'organizer' });
    await signIn(t, person.email);
    const first = (
      await t.db
        .selectFrom('users')
        .select('first_organizer_login_at')
        .where('email', '=', person.email)
        .executeTakeFirstOrThrow()
    ).first_organizer_login_at;
    expect(first).toBe(t.clock.now().toISOString());
    t.clock.advance(DAY);
    await signIn(t, person.email);
    const again = (
      await t.db
        .selectFrom('users')
        .select('first_organizer_login_at')
        .where('email', '=', person.email)
        .executeTakeFirstOrThrow()
    ).first_organizer_login_at;
    expect(again).toBe(first);
  });
});

describe('signing out', () => {
  it('POST /logout ends this session only and clears the cookie', async () => {
    const a = await account();
    const phone = await signIn(t, a.email);
    const laptop = await signIn(t, a.email);
    for (const device of [phone, laptop]) expect((await t.request('/me', { cookie: device.cookie })).status).toBe(200);
    const res = await t.post('/logout', {}, laptop.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/');
    expect(res.headers.getSetCookie().find((c) => c.startsWith('tt_session='))).toMatch(/tt_session=;.*Max-Age=0/);
    expect((await sessionsOf(a.id)).map((s) => s.id)).toEqual([hashToken(phone.token)]);
    expect((await t.request('/me', { cookie: phone.cookie })).status).toBe(200);
    // The cookie, replayed after logout (the server had just served it), is nobody.
    expect((await t.request('/me', { cookie: laptop.cookie })).status).toBe(303);
  });

  it('"sign out everywhere" ends every session of the account', async () => {
    const a = await account();
    const phone = await signIn(t, a.email);
    const laptop = await signIn(t, a.email);
    const other = await account();
    const stranger = await signIn(t, other.email);
    for (const device of [phone, laptop, stranger])
      expect((await t.request('/me', { cookie: device.cookie })).status).toBe(200);
    const res = await t.post('/me/sign-out-everywhere', {}, laptop.cookie);
    expect(res.status).toBe(303);
    expect(flashOf(res)).toBe('You are signed out on every device.');
    expect(await sessionsOf(a.id)).toHaveLength(0);
    expect((await t.request('/me', { cookie: phone.cookie })).status).toBe(303);
    expect((await t.request('/me', { cookie: stranger.cookie })).status).toBe(200);
  });
});

describe('changing the password', () => {
  it('revokes every session, keeps this browser signed in with a new one, and the old password stops working', async () => {
    const a = await account();
    const phone = await signIn(t, a.email);
    const laptop = await signIn(t, a.email);
    const res = await t.post('/me/password', { current: PASSWORD, password: 'a much newer secret' }, laptop.cookie);
    expect(res.status).toBe(303);
    const fresh = sessionToken(res)!;
    expect(fresh).toBeTruthy();
    expect((await sessionsOf(a.id)).map((s) => s.id)).toEqual([hashToken(fresh)]);
    expect((await t.request('/me', { cookie: phone.cookie })).status).toBe(303);
    expect((await t.request('/me', { cookie: laptop.cookie })).status).toBe(303);
    expect((await t.request('/me', { cookie: cookieOf(fresh) })).status).toBe(200);
    expect((await t.post('/login', { email: a.email, password: PASSWORD }, undefined, fromIp('10.0.0.7'))).status).toBe(
      422,
    );
    await signIn(t, a.email, 'a much newer secret');
  });

  it('needs the current password and a good new one, 422 otherwise, nothing changed', async () => {
    const a = await account();
    const { cookie } = await signIn(t, a.email);
    const before = (
      await t.db.selectFrom('users').select('password_hash').where('id', '=', a.id).executeTakeFirstOrThrow()
    ).password_hash;
    const wrong = await t.post('/me/password', { current: 'not it at all', password: 'a much newer secret' }, cookie);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('That is not your current password.');
    const weak = await t.post('/me/password', { current: PASSWORD, password: 'qwertyuiop' }, cookie);
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('one of the most common');
    expect(
      (await t.db.selectFrom('users').select('password_hash').where('id', '=', a.id).executeTakeFirstOrThrow())
        .password_hash,
    ).toBe(before);
    expect(await sessionsOf(a.id)).toHaveLength(1);
  });
});

describe('changes made by another process', () => {
  /** Another connection to the same file: a second server process, `npm run setup` or an operator's shell. */
  async function elsewhere(change: (db: TestApp['db']) => Promise<unknown>) {
    const other = openDatabase(join(t.dir, 'trektribe.db'));
    try {
      await change(other.db);
    } finally {
      await other.db.destroy();
    }
  }

  it('sees a change made by another process on the very next request: suspension, role, a deleted session', async () => {
    const a = await account();
    const { cookie } = await signIn(t, a.email);
    expect(await (await t.request('/dashboard', { cookie })).text()).toContain('<p>Traveler dashboard</p>');
    await elsewhere((db) => db.updateTable('users').set({ role: 'organizer' }).where('id', '=', a.id).execute());
    expect(await (await t.request('/dashboard', { cookie })).text()).toContain('<p>Organizer dashboard</p>');
    await elsewhere((db) => db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', a.id).execute());
    expect((await t.request('/me', { cookie })).status).toBe(303);

    const b = await account();
    const laptop = await signIn(t, b.email);
    expect((await t.request('/me', { cookie: laptop.cookie })).status).toBe(200);
    await elsewhere((db) => db.deleteFrom('sessions').where('user_id', '=', b.id).execute());
    expect((await t.request('/me', { cookie: laptop.cookie })).status).toBe(303);
  });
});

describe('deactivated accounts', () => {
  it('cannot sign in, and lose the sessions they had', async () => {
    const a = await account();
    const { cookie } = await signIn(t, a.email);
    await t.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', a.id).execute();
    expect((await t.request('/me', { cookie })).status).toBe(303);
    expect(await sessionsOf(a.id)).toHaveLength(0);
    const res = await t.post('/login', { email: a.email, password: PASSWORD }, undefined, fromIp('10.0.0.8'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This account has been deactivated.');
    expect(sessionToken(res)).toBeNull();
  });
});

describe('/dashboard', () => {
  it.each([
    ['traveler', '/dashboard/traveler'],
    ['organizer', '/dashboard/organizer'],
  ])('shows a %s their home at /dashboard, with their account summary', async (role, home) => {
    const { person } = await register(t, { role, name: `Meera the ${role}` });
    const { cookie } = await signIn(t, person.email);
    for (const path of ['/dashboard', home]) {
      const page = await t.request(path, { cookie });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`Hello, Meera the ${role}`);
      expect(html).toContain(person.email);
      expect(html).toContain('+919876543210');
    }
  });
});
