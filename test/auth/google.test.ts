import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import type { TestApp } from '../support/app.js';
import { accountsApp, cookieOf, fromIp, queued, register, sessionToken } from './helpers.js';

/** A stand-in for Google's token endpoint on 127.0.0.1: checks the client and PKCE, returns an ID token. */
let server: Server;
let tokenUrl: string;
let claims: Record<string, unknown>;
let calls: URLSearchParams[] = [];
let lastChallenge = '';

const b64url = (x: string | Buffer) => Buffer.from(x).toString('base64url');
const jwt = (payload: Record<string, unknown>) =>
  `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${b64url('sig')}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      calls.push(form);
      const basic = Buffer.from('client-123:secret-456').toString('base64');
      const verifier = form.get('code_verifier') ?? '';
      const pkceOk = createHash('sha256').update(verifier).digest('base64url') === lastChallenge;
      if (req.headers.authorization !== `Basic ${basic}` || form.get('code') !== 'good-code' || !pkceOk) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 3600, id_token: jwt(claims) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let t: TestApp;
beforeEach(async () => {
  calls = [];
  t = await accountsApp({
    GOOGLE_CLIENT_ID: 'client-123',
    GOOGLE_CLIENT_SECRET: 'secret-456',
    GOOGLE_AUTH_URL: 'https://accounts.google.test/auth',
    GOOGLE_TOKEN_URL: tokenUrl,
  });
  claims = {
    iss: 'https://accounts.google.com',
    aud: 'client-123',
    sub: 'g-1001',
    email: 'Priya@Example.test',
    email_verified: true,
    name: 'Priya S',
    exp: Math.floor(t.clock.now().getTime() / 1000) + 3600,
  };
});
afterEach(() => t.close());

/** Starts sign-in and returns the cookies a browser would now hold, plus the state Google gets. */
async function start(next?: string) {
  const res = await t.request(next ? `/auth/google?next=${encodeURIComponent(next)}` : '/auth/google');
  expect(res.status).toBe(302);
  const url = new URL(res.headers.get('Location')!);
  expect(url.origin + url.pathname).toBe('https://accounts.google.test/auth');
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:3000/auth/google/callback');
  expect(url.searchParams.get('scope')).toBe('openid email profile');
  lastChallenge = url.searchParams.get('code_challenge')!;
  const setCookies = res.headers.getSetCookie();
  for (const c of setCookies) expect(c).toMatch(/HttpOnly/);
  expect(setCookies.find((c) => c.startsWith('tt_g_state='))).toMatch(/Max-Age=600/);
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  return { state: url.searchParams.get('state')!, cookie };
}

async function callback(state: string, cookie: string, code = 'good-code') {
  return t.request(`/auth/google/callback?code=${code}&state=${state}`, { cookie });
}

describe('Google sign-in', () => {
  it('shows the button only when Google is configured', async () => {
    expect(await (await t.request('/login')).text()).toContain('Continue with Google');
    const plain = await accountsApp();
    try {
      expect(await (await plain.request('/login')).text()).not.toContain('Continue with Google');
      expect((await plain.request('/auth/google')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('sends a new Google user to complete their profile, and nowhere else until they do', async () => {
    const { state, cookie } = await start();
    const res = await callback(state, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/complete-profile');
    const session = cookieOf(sessionToken(res)!);
    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('google_sub', '=', 'g-1001')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      email: 'priya@example.test',
      name: 'Priya S',
      phone: null,
      profile_complete: 0,
      password_hash: null,
    });
    expect(user.email_verified_at).not.toBeNull();
    expect(calls[0].get('code_verifier')).toBeTruthy();

    for (const path of ['/dashboard', '/me', '/dashboard/traveler', '/verify-phone', '/trips', '/']) {
      const r = await t.request(path, { cookie: session });
      expect(r.status, path).toBe(303);
      expect(r.headers.get('Location'), path).toBe('/complete-profile');
    }
    const form = await t.request('/complete-profile', { cookie: session });
    expect(await form.text()).toContain('Welcome, Priya S.');

    const bad = await t.post('/complete-profile', { phone: '12', role: 'organizer' }, session);
    expect(bad.status).toBe(422);
    const done = await t.post('/complete-profile', { phone: '9988776655', role: 'organizer' }, session);
    expect(done.status).toBe(303);
    const after = await t.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ phone: '+919988776655', role: 'organizer', profile_complete: 1 });
    expect(after.first_organizer_login_at).not.toBeNull();
    expect(await queued(t, 'priya@example.test', 'welcome')).toHaveLength(1);
    expect(await (await t.request('/dashboard', { cookie: session })).text()).toContain('<p>Organizer dashboard</p>');
  });

  it('links an existing account with the same verified email and signs it in', async () => {
    const { person } = await register(t, { email: 'priya@example.test' });
    const { state, cookie } = await start('/me');
    const res = await callback(state, cookie);
    expect(res.headers.get('Location')).toBe('/me');
    const user = await t.db.selectFrom('users').selectAll().where('email', '=', person.email).executeTakeFirstOrThrow();
    expect(user.google_sub).toBe('g-1001');
    expect(user.email_verified_at).not.toBeNull();
    expect(user.profile_complete).toBe(1);
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(1);
    // Signing in again finds the account by its Google id, whatever the email says now.
    claims.email = 'priya.new@example.test';
    const again = await start();
    expect((await callback(again.state, again.cookie)).headers.get('Location')).toBe('/dashboard');
  });

  it('does not link an account when Google has not verified the email', async () => {
    await register(t, { email: 'priya@example.test' });
    claims.email_verified = false;
    const { state, cookie } = await start();
    const res = await callback(state, cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Google has not verified this email address');
    expect(sessionToken(res)).toBeNull();
    expect((await t.db.selectFrom('users').select('google_sub').executeTakeFirstOrThrow()).google_sub).toBeNull();
  });

  it('checks the state first: a wrong or missing state stops before any code is exchanged', async () => {
    const { cookie } = await start();
    const wrong = await callback('not-the-state', cookie);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('This sign-in link has expired or was not started here.');
    const noCookie = await t.request('/auth/google/callback?code=good-code&state=abc');
    expect(noCookie.status).toBe(400);
    expect(calls).toHaveLength(0);
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(0);
  });

  it('fails plainly when the token endpoint refuses the code or the ID token is for someone else', async () => {
    const first = await start();
    expect((await callback(first.state, first.cookie, 'bad-code')).status).toBe(400);
    claims.aud = 'another-client';
    const second = await start();
    const res = await callback(second.state, second.cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Google sign-in did not work.');
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(0);
  });

  it('keeps a deactivated account out', async () => {
    const { person } = await register(t, { email: 'priya@example.test' });
    await t.db.updateTable('users').set({ status: 'deactivated' }).where('email', '=', person.email).execute();
    const { state, cookie } = await start();
    const res = await callback(state, cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This account has been deactivated.');
    expect(sessionToken(res)).toBeNull();
    expect(
      (await t.post('/login', { email: person.email, password: person.password }, undefined, fromIp('10.5.0.1')))
        .status,
    ).toBe(403);
  });
});
