import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN, type TestApp } from '../support/app.js';
import { createApp } from '../../src/app.js';
import { openDatabase } from '../../src/db.js';
import { MINUTE } from '../../src/lib/clock.js';
import { describeWait } from '../../src/lib/rate-limit.js';
import { accountsApp, fromIp, linkIn, PASSWORD, queued, register, sessionToken } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

type Poster = Pick<TestApp, 'post'>;
const attempt = (email: string, password: string, ip: string, app: Poster = t) =>
  app.post('/login', { email, password }, undefined, fromIp(ip));

const count = async (key: string, db = t.db) =>
  (await db.selectFrom('rate_limits').select('count').where('key', '=', key).executeTakeFirst())?.count ?? 0;
const pairKey = (email: string, ip: string) => `signin-fail:acct-ip:${email} ${ip}`;
const accountKey = (email: string) => `signin-fail:acct:${email}`;

/** The error shown under the email field of the sign-in form. */
async function fieldError(res: Response): Promise<string> {
  const html = await res.text();
  const m = html.match(/Too many[^<]*|Wrong email or password\.|This account[^<]*/);
  expect(m, html).toBeTruthy();
  return m![0].replaceAll('&quot;', '"').replaceAll('&#34;', '"');
}

/** The same server restarted: a new app on a new connection to the same database file. */
function restart(app: TestApp) {
  const { db, sqlite } = openDatabase(join(app.dir, 'trektribe.db'));
  const restarted = createApp({ ...app.deps, db });
  return {
    db,
    post: async (path: string, form: Record<string, string>, _cookie?: string, headers: Record<string, string> = {}) =>
      restarted.request(ORIGIN + path, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      }),
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Five wrong passwords from each of `addresses` addresses (50 by default: the account's ceiling), each under every per-address limit. */
async function guessFromManyAddresses(email: string, addresses = 10) {
  for (let a = 0; a < addresses; a++)
    for (let i = 0; i < 5; i++) expect((await attempt(email, `wrong guess ${a}-${i}`, `10.8.${a}.1`)).status).toBe(422);
}

const CEILING =
  'Too many failed sign-in attempts on this account. Try again in 1 hour. To get in now, reset your password with "Forgot your password?".';

describe('sign-in rate limits', () => {
  it("five wrong passwords lock the guesser's address out of that account, while the owner signs in at once from their own", async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++) expect((await attempt(person.email, 'wrong password!', '10.6.0.1')).status).toBe(422);
    const locked = await attempt(person.email, PASSWORD, '10.6.0.1');
    expect(locked.status).toBe(429);
    expect(await fieldError(locked)).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
    expect(sessionToken(locked)).toBeNull();

    const owner = await attempt(person.email, PASSWORD, '10.6.9.9');
    expect(owner.status).toBe(303);
    expect(sessionToken(owner)).toBeTruthy();
    expect(await count(pairKey(person.email, '10.6.0.1'))).toBe(5);
    expect(await count(accountKey(person.email))).toBe(5);
    expect(await count(pairKey(person.email, '10.6.9.9'))).toBe(0);
  });

  it("the guesser's address is let try again when its 15 minutes are over", async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++) await attempt(person.email, 'wrong password!', '10.6.1.1');
    t.clock.advance(10 * MINUTE);
    const still = await attempt(person.email, 'wrong password!', '10.6.1.1');
    expect(still.status).toBe(429);
    expect(await fieldError(still)).toBe('Too many failed sign-in attempts. Try again in 5 minutes.');
    expect(await count(pairKey(person.email, '10.6.1.1'))).toBe(5);
    t.clock.advance(5 * MINUTE);
    expect((await attempt(person.email, 'wrong password!', '10.6.1.1')).status).toBe(422);
    expect(await count(pairKey(person.email, '10.6.1.1'))).toBe(1);
    expect((await attempt(person.email, PASSWORD, '10.6.1.1')).status).toBe(303);
  });

  it("a successful sign-in forgives the earlier failures of that address for that account, not the account's ceiling", async () => {
    const { person } = await register(t);
    for (let i = 0; i < 4; i++) await attempt(person.email, 'wrong password!', '10.6.2.1');
    expect((await attempt(person.email, PASSWORD, '10.6.2.1')).status).toBe(303);
    expect(await count(pairKey(person.email, '10.6.2.1'))).toBe(0);
    for (let i = 0; i < 4; i++) expect((await attempt(person.email, 'wrong password!', '10.6.2.1')).status).toBe(422);
    expect((await attempt(person.email, PASSWORD, '10.6.2.1')).status).toBe(303);
    expect(await count(accountKey(person.email))).toBe(8);
    expect(await count('signin-fail:ip:10.6.2.1')).toBe(8);
  });

  it('guesses fired all at once from one address get no more than five tries between them', async () => {
    const { person } = await register(t);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(person.email, `wrong guess ${i}`, '10.6.3.1')),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(422), ...Array(15).fill(429)]);
    expect(await count(pairKey(person.email, '10.6.3.1'))).toBe(5);
    expect(await count(accountKey(person.email))).toBe(5);
    expect((await attempt(person.email, PASSWORD, '10.6.9.9')).status).toBe(303);
  });

  it('guessing spread over many addresses reaches the account ceiling: nobody signs in with a password for the hour, and refusals are not counted', async () => {
    const { person } = await register(t);
    await guessFromManyAddresses(person.email);
    expect(await count(accountKey(person.email))).toBe(50);

    const owner = await attempt(person.email, PASSWORD, '10.6.9.9');
    expect(owner.status).toBe(429);
    expect(await fieldError(owner)).toBe(CEILING);
    expect(sessionToken(owner)).toBeNull();
    expect((await attempt(person.email, 'another guess', '10.8.99.1')).status).toBe(429);
    expect(await count(accountKey(person.email))).toBe(50);
    expect(await count(pairKey(person.email, '10.8.99.1'))).toBe(0);

    t.clock.advance(59 * MINUTE);
    expect(await fieldError(await attempt(person.email, PASSWORD, '10.6.9.9'))).toContain('Try again in 1 minute.');
    t.clock.advance(MINUTE);
    expect((await attempt(person.email, PASSWORD, '10.6.9.9')).status).toBe(303);
  });

  it('while the ceiling holds, the owner gets in at once through "forgot password"', async () => {
    const { person } = await register(t);
    await guessFromManyAddresses(person.email);
    expect((await attempt(person.email, PASSWORD, '10.6.9.9')).status).toBe(429);

    expect((await t.post('/forgot-password', { email: person.email }, undefined, fromIp('10.6.9.9'))).status).toBe(303);
    const [mail] = await queued(t, person.email, 'reset-password');
    const token = new URL(ORIGIN + linkIn(mail.text, '/reset-password')).searchParams.get('token')!;
    expect(
      (await t.post('/reset-password', { token, password: 'my brand new secret' }, undefined, fromIp('10.6.9.9')))
        .status,
    ).toBe(303);
    expect(await count(accountKey(person.email))).toBe(0);

    expect((await attempt(person.email, PASSWORD, '10.6.9.9')).status).toBe(422);
    expect((await attempt(person.email, 'my brand new secret', '10.6.9.9')).status).toBe(303);
    // The guessers' own addresses stay locked out of the account for their 15 minutes.
    expect((await attempt(person.email, 'my brand new secret', '10.8.0.1')).status).toBe(429);
  });

  it('an unknown email gets the same answers as a real one, so the limiter tells nobody which accounts exist', async () => {
    const { person } = await register(t);
    const nobody = 'nobody-here@example.test';
    const same = async (real: Response, unknown: Response) => {
      expect(unknown.status).toBe(real.status);
      expect(await fieldError(unknown)).toBe(await fieldError(real));
    };
    for (let i = 0; i < 5; i++)
      await same(
        await attempt(person.email, 'wrong password!', '10.6.5.1'),
        await attempt(nobody, 'wrong password!', '10.6.5.1'),
      );
    await same(await attempt(person.email, PASSWORD, '10.6.5.1'), await attempt(nobody, PASSWORD, '10.6.5.1'));
    // Five failures each so far, all from 10.6.5.1: the next 45 from elsewhere reach the ceiling.
    await guessFromManyAddresses(person.email, 9);
    await guessFromManyAddresses(nobody, 9);
    expect(await count(accountKey(person.email))).toBe(50);
    expect(await count(accountKey(nobody))).toBe(50);
    const real = await attempt(person.email, PASSWORD, '10.6.9.9');
    const unknown = await attempt(nobody, PASSWORD, '10.6.9.9');
    await same(real, unknown);
    expect(real.status).toBe(429);
  });

  it('survives a restart: the counts live in SQLite', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 5; i++) await attempt(person.email, 'wrong password!', '10.6.4.1');
    const server = restart(t);
    try {
      const locked = await attempt(person.email, PASSWORD, '10.6.4.1', server);
      expect(locked.status).toBe(429);
      expect(await fieldError(locked)).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
      expect((await attempt(person.email, PASSWORD, '10.6.4.2', server)).status).toBe(303);
      expect(await count(pairKey(person.email, '10.6.4.1'), server.db)).toBe(5);
      expect(await count(accountKey(person.email), server.db)).toBe(5);
    } finally {
      await server.close();
    }
  });

  it('the account ceiling survives a restart too', async () => {
    const { person } = await register(t);
    await guessFromManyAddresses(person.email);
    const server = restart(t);
    try {
      const owner = await attempt(person.email, PASSWORD, '10.6.9.9', server);
      expect(owner.status).toBe(429);
      expect(await fieldError(owner)).toBe(CEILING);
    } finally {
      await server.close();
    }
  });

  it('stops one address guessing across many accounts after 30 failures', async () => {
    const { person } = await register(t);
    for (let i = 0; i < 30; i++)
      expect((await attempt(`guess${i}@example.test`, 'wrong password!', '10.6.3.3')).status).toBe(422);
    const blocked = await attempt(person.email, PASSWORD, '10.6.3.3');
    expect(blocked.status).toBe(429);
    expect((await attempt(person.email, PASSWORD, '10.6.3.4')).status).toBe(303);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const plain = await accountsApp({ TRUST_PROXY: 'off' });
    try {
      for (let i = 0; i < 3; i++) await attempt(`x${i}@example.test`, 'wrong password!', `10.7.0.${i}`, plain);
      const keys = (
        await plain.db.selectFrom('rate_limits').select('key').where('key', 'like', 'signin-fail:ip:%').execute()
      ).map((r) => r.key);
      expect(keys).toEqual(['signin-fail:ip:unknown']);
    } finally {
      await plain.close();
    }
  });
});

describe('waiting times in words', () => {
  it.each([
    [1, 'in 1 minute'],
    [60_000, 'in 1 minute'],
    [61_000, 'in 2 minutes'],
    [59 * MINUTE, 'in 59 minutes'],
    [60 * MINUTE, 'in 1 hour'],
    [61 * MINUTE, 'in 2 hours'],
  ])('%i ms is "%s"', (ms, words) => expect(describeWait(ms)).toBe(words));
});
