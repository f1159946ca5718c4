import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeNext } from '../../src/auth/middleware.js';
import { makeTestApp, ORIGIN, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { accountsApp, fromIp, newPerson, PASSWORD } from './helpers.js';

/** Origins a kept target is read against: wherever it is read, it must stay there. */
const BASES = ['http://localhost:3000', 'https://treks.example.in', 'http://192.168.1.20:8080'];

/** Where a browser goes for a Location header, read as leniently as any browser does. */
function landsOn(target: string, base: string): string[] {
  const readings = [target, target.normalize('NFKC'), target.replace(/\\/g, '/'), target.replace(/[\t\n\r]/g, '')];
  return readings.map((r) => {
    try {
      return new URL(r, base).origin;
    } catch {
      return 'unparseable';
    }
  });
}

/** Pieces attackers put together: separators, their encodings, look-alikes, controls, schemes. */
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '/\\',
  '\\/',
  '\t',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '\u0000',
  '\u000b',
  '\u000c',
  '\u007f',
  '\u0085',
  '%09',
  '%0a',
  '%0D',
  '%00',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%252f',
  '%255c',
  '%25',
  '%',
  '%zz',
  '%E2%80%AE',
  '%EF%BC%8F',
  '\u3000',
  '\uff0f',
  '\uff3c',
  '\u2215',
  '\u2044',
  '\u29f8',
  '\ufe68',
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\u00a0',
  '.',
  '..',
  '/./',
  '/../',
  '@',
  ':',
  'http:',
  'https:',
  'javascript:',
  'data:',
  '//evil.example',
  'evil.example',
  '127.0.0.1',
  '?',
  '#',
  '&',
  '=',
  'a',
  'phish',
  'next=',
);
const hostile = fc.oneof(
  fc.array(piece, { minLength: 1, maxLength: 10 }).map((p) => p.join('')),
  fc.array(piece, { minLength: 1, maxLength: 10 }).map((p) => '/' + p.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => '/' + s),
);

describe('safeNext', () => {
  it('keeps nothing that a browser would take off this origin, however it is written', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const r = safeNext(s);
        if (r === null) return;
        expect(r).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        for (const base of BASES)
          for (const origin of landsOn(r, base))
            expect(origin, `${JSON.stringify(s)} → ${JSON.stringify(r)} on ${base}`).toBe(new URL(base).origin);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    '/\t/evil.example/phish',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%09/evil.example',
    '/%2f%2fevil.example',
    '/%5cevil.example',
    '/%252f%252fevil.example',
    '/..//evil.example',
    '/\uff0f/evil.example',
    '/\u3000/evil.example',
    '/%EF%BC%8F/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'evil.example',
    '',
    '/x%zz',
  ])('refuses %j', (s) => {
    expect(safeNext(s)).toBeNull();
  });

  it('keeps ordinary local addresses as they are', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,10}$/).filter((x) => x !== '.' && x !== '..');
    const query = fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 8 })), { maxLength: 3 });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), query, (segments, params) => {
        const search = params.length ? '?' + new URLSearchParams(params).toString() : '';
        const path = '/' + segments.join('/') + search;
        expect(safeNext(path)).toBe(path);
      }),
    );
    expect(safeNext('/trips?region=Himachal%20Pradesh&q=%E0%A4%B2')).toBe(
      '/trips?region=Himachal%20Pradesh&q=%E0%A4%B2',
    );
  });
});

describe('the open redirect of issue 18 (item 2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await accountsApp();
  });
  afterAll(() => t.close());

  const offSite = (location: string | null) =>
    landsOn(location ?? '', ORIGIN).some((o) => o !== new URL(ORIGIN).origin);

  it('GET /login?next=/%09/evil.example/phish while signed in stays on this site', async () => {
    const { cookie } = await signedIn(t.deps);
    for (const next of [
      '/%09/evil.example/phish',
      '/%0a/evil.example',
      '%2F%5Cevil.example',
      '/%EF%BC%8F/evil.example',
    ]) {
      const res = await t.request(`/login?next=${next}`, { cookie });
      expect(res.status).toBe(303);
      expect(offSite(res.headers.get('Location')), `${next} → ${res.headers.get('Location')}`).toBe(false);
      expect(res.headers.get('Location')).toBe('/dashboard');
    }
    expect((await t.request('/login?next=%2Fme%3Fx%3D1', { cookie })).headers.get('Location')).toBe('/me?x=1');
  });

  it('the sign-in form neither keeps nor follows a hostile next', async () => {
    const person = newPerson();
    expect((await t.post('/register', person, undefined, fromIp('10.9.0.1'))).status).toBe(303);
    const form = await (await t.request('/login?next=/%09/evil.example/phish')).text();
    expect(form).not.toContain('evil.example');
    const res = await t.post(
      '/login',
      { email: person.email, password: PASSWORD, next: '/\t/evil.example/phish' },
      undefined,
      fromIp('10.9.0.1'),
    );
    expect(res.status).toBe(303);
    expect(offSite(res.headers.get('Location'))).toBe(false);
    expect(res.headers.get('Location')).toBe('/dashboard');
  });

  it("the test gateway's callback only goes back to this site", async () => {
    const g = await makeTestApp();
    try {
      const fake = g.deps.payments.fake!;
      const auth = 'Basic ' + Buffer.from(`${fake.keys.keyId}:${fake.keys.keySecret}`).toString('base64');
      const order = (await (
        await fake.api.request('/v1/orders', {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ amount: 10_000, currency: 'INR' }),
        })
      ).json()) as { id: string };
      const page = await (
        await g.request(`/test-gateway/checkout/${order.id}?callback=${encodeURIComponent('/\t/evil.example/phish')}`)
      ).text();
      expect(page).not.toContain('evil.example');
      const done = await g.post(`/test-gateway/checkout/${order.id}`, {
        outcome: 'decline',
        callback: '/\\evil.example/phish',
      });
      expect(done.status).toBe(303);
      expect(done.headers.get('Location')).not.toContain('evil.example');
      expect(done.headers.get('Location')).toMatch(/^\/bookings\?/);
    } finally {
      await g.close();
    }
  });
});
