import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { DAY } from '../../src/lib/clock.js';

/**
 * The shop window (home, search, trip and organizer pages) as signed-out visitors see it is
 * answered from a store of finished pages until anything in the database changes.
 */
let t: TestApp;
let trip: { tripId: number; departureId: number; organizerId: number };
beforeAll(async () => {
  t = await makeTestApp();
  trip = await makeTrip(t.deps, { title: 'Hampta Pass Crossover', capacity: 12, start: '2027-05-10' });
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => t.request(path, { headers });
const decode = async (res: Response) => {
  const raw = Buffer.from(await res.arrayBuffer());
  const enc = res.headers.get('Content-Encoding');
  return (enc === 'br' ? brotliDecompressSync(raw) : enc === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
};

describe('the shop window cache', () => {
  it('the second signed-out visit is a stored copy: same page, same ETag, its own request id and security headers', async () => {
    for (const path of ['/trips?q=hampta', `/trips/${trip.tripId}`, `/organizers/${trip.organizerId}`, '/']) {
      const first = await get(path, { 'Accept-Encoding': 'br' });
      expect(first.status, path).toBe(200);
      expect(first.headers.get('X-Cache'), path).toBe('miss');
      const firstHtml = await decode(first);
      const second = await get(path, { 'Accept-Encoding': 'br' });
      expect(second.headers.get('X-Cache'), path).toBe('hit');
      expect(await decode(second)).toBe(firstHtml);
      expect(second.headers.get('ETag')).toBe(first.headers.get('ETag'));
      expect(second.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
      expect(second.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
      expect(second.headers.get('X-Request-Id')).not.toBe(first.headers.get('X-Request-Id'));
    }
    expect(await decode(await get('/trips?q=hampta'))).toContain('Hampta Pass Crossover');
  });

  it('any write to the database makes the next visit render afresh, with the new data', async () => {
    await get(`/trips/${trip.tripId}`);
    expect((await get(`/trips/${trip.tripId}`)).headers.get('X-Cache')).toBe('hit');
    await t.db
      .updateTable('trips')
      .set({ title: 'Hampta Pass and Chandratal' })
      .where('id', '=', trip.tripId)
      .execute();
    const after = await get(`/trips/${trip.tripId}`);
    expect(after.headers.get('X-Cache')).toBe('miss');
    expect(await decode(after)).toContain('Hampta Pass and Chandratal');
    // A seat taken changes "seats left" on the search page at once.
    await get('/trips?q=hampta');
    await t.db.updateTable('departures').set({ seats_taken: 5 }).where('id', '=', trip.departureId).execute();
    const search = await get('/trips?q=hampta');
    expect(search.headers.get('X-Cache')).toBe('miss');
    expect(await decode(search)).toMatch(/7 seats left/);
  });

  it('a new day in India renders afresh (departures that started drop off)', async () => {
    await get('/trips?q=hampta');
    expect((await get('/trips?q=hampta')).headers.get('X-Cache')).toBe('hit');
    t.clock.advance(DAY);
    expect((await get('/trips?q=hampta')).headers.get('X-Cache')).toBe('miss');
  });

  it('keeps pages apart by encoding and by htmx fragment or whole page', async () => {
    const page = await decode(await get('/trips?q=hampta', { 'Accept-Encoding': 'gzip' }));
    const frag = await get('/trips?q=hampta', { 'Accept-Encoding': 'gzip', 'HX-Request': 'true' });
    const fragHtml = await decode(frag);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(fragHtml.startsWith('<!doctype html>')).toBe(false);
    expect(fragHtml).toContain('Hampta');
    // Each from its own store entry, each still what it was.
    expect(await decode(await get('/trips?q=hampta', { 'Accept-Encoding': 'gzip' }))).toBe(page);
    const fragAgain = await get('/trips?q=hampta', { 'Accept-Encoding': 'gzip', 'HX-Request': 'true' });
    expect(fragAgain.headers.get('X-Cache')).toBe('hit');
    expect(await decode(fragAgain)).toBe(fragHtml);
    expect(fragAgain.headers.get('Vary')).toContain('HX-Request');
    expect(fragAgain.headers.get('HX-Push-Url')).toBe('/trips?q=hampta');
    const plain = await get('/trips?q=hampta', { 'Accept-Encoding': 'identity' });
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    expect(await plain.text()).toBe(page);
  });

  it('a stored page answers a matching If-None-Match with 304 and no body', async () => {
    const first = await get('/trips?q=hampta');
    const etag = first.headers.get('ETag')!;
    const again = await get('/trips?q=hampta', { 'If-None-Match': etag });
    expect(again.headers.get('X-Cache')).toBe('hit');
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('Content-Encoding')).toBeNull();
    expect(await again.text()).toBe('');
  });

  it('signed-in visitors and visitors with a message to show are never given a stored page', async () => {
    await get('/trips?q=hampta');
    const me = await signedIn(t.deps, { name: 'Padma Lhamo' });
    const mine = await t.request('/trips?q=hampta', { cookie: me.cookie });
    expect(mine.headers.get('X-Cache')).toBeNull();
    expect(await mine.text()).toContain('Padma');
    // Signing in wrote a session, so warm the store again before the flash check.
    await get('/trips?q=hampta');
    expect((await get('/trips?q=hampta')).headers.get('X-Cache')).toBe('hit');
    const flash = encodeURIComponent(JSON.stringify({ kind: 'ok', message: 'You signed out.' }));
    const withFlash = await get('/trips?q=hampta', { Cookie: `tt_flash=${flash}` });
    expect(withFlash.headers.get('X-Cache')).toBeNull();
    expect(await withFlash.text()).toContain('You signed out.');
    expect(withFlash.headers.get('Set-Cookie')).toContain('tt_flash=');
    // …and the stored page never carries anyone's cookie.
    expect((await get('/trips?q=hampta')).headers.get('Set-Cookie')).toBeNull();
  });

  it('a page that is not a 200 is never stored', async () => {
    expect((await get('/trips/999999')).status).toBe(404);
    const again = await get('/trips/999999');
    expect(again.status).toBe(404);
    expect(again.headers.get('X-Cache')).toBeNull();
  });
});
