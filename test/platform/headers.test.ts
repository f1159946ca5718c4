import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pino from 'pino';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { enqueue } from '../../src/notifications/outbox.js';

let t: TestApp;
let logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      cb();
    },
  });
  t = await makeTestApp({}, { log: pino({ level: 'info' }, sink) });
  // A route that breaks, mounted before the first request builds the router.
  t.app.get('/test/boom', () => {
    throw new Error('secret detail: connection string postgres://u:p@db');
  });
});
afterAll(() => t.close());

const assetUrls = async () => {
  const html = await (await t.request('/')).text();
  return {
    css: /href="(\/static\/app\.[0-9a-f]{12}\.css)"/.exec(html)![1],
    js: /src="(\/static\/app\.[0-9a-f]{12}\.js)"/.exec(html)![1],
  };
};

describe('security headers', () => {
  it('every page carries a CSP of self with no inline scripts, no framing, and a referrer policy', async () => {
    for (const path of ['/', '/does-not-exist', '/healthz']) {
      const res = await t.request(path);
      const csp = res.headers.get('Content-Security-Policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp, 'no source listed twice').not.toContain("'self' 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    }
  });

  it('the home page has no inline script, no event-handler attribute and nothing from another host', async () => {
    const html = await (await t.request('/')).text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\//);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('<meta name="htmx-config"');
  });
});

describe('hashed static assets', () => {
  it('are cached for a year as immutable and sent brotli, gzip or plain by Accept-Encoding', async () => {
    const { css, js } = await assetUrls();
    for (const url of [css, js]) {
      const br = await t.request(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
      expect(br.status).toBe(200);
      expect(br.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
      expect(br.headers.get('Content-Encoding')).toBe('br');
      expect(br.headers.get('Vary')).toBe('Accept-Encoding');
      const brBody = Buffer.from(await br.arrayBuffer());
      expect(Number(br.headers.get('Content-Length'))).toBe(brBody.length);

      const gz = await t.request(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.headers.get('Content-Encoding')).toBe('gzip');
      const gzBody = Buffer.from(await gz.arrayBuffer());

      const plain = await t.request(url, { headers: { 'Accept-Encoding': 'identity' } });
      expect(plain.headers.get('Content-Encoding')).toBeNull();
      const raw = Buffer.from(await plain.arrayBuffer());

      expect(brotliDecompressSync(brBody).equals(raw)).toBe(true);
      expect(gunzipSync(gzBody).equals(raw)).toBe(true);
      expect(brBody.length).toBeLessThan(raw.length / 3);
    }
    const cssText = await (await t.request(css)).text();
    expect(cssText).toContain('Pico CSS');
    expect((await t.request(css)).headers.get('Content-Type')).toBe('text/css; charset=utf-8');
    const jsText = await (await t.request(js)).text();
    expect(jsText).toContain('htmx');
  });

  it('answer 304 to a matching If-None-Match, and 404 for a hash that does not exist', async () => {
    const { css } = await assetUrls();
    const first = await t.request(css);
    const again = await t.request(css, { headers: { 'If-None-Match': first.headers.get('ETag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await t.request('/static/app.000000000000.css')).status).toBe(404);
  });
});

describe('HTML responses', () => {
  it('are brotli-compressed for clients that take it, gzip for those that only take gzip, plain otherwise', async () => {
    const br = await t.request('/', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('Vary')).toContain('Accept-Encoding');
    const html = brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString('utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);

    const gz = await t.request('/', { headers: { 'Accept-Encoding': 'gzip, br;q=0' } });
    expect(gz.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(html);

    const plain = await t.request('/', { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    expect(await plain.text()).toBe(html);
  });

  it('a small answer such as /healthz is sent as it is: compressing it would cost more than it saves', async () => {
    const health = await t.request('/healthz', { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(health.headers.get('Content-Encoding')).toBeNull();
    expect((await health.json()).status).toBe('ok');
  });

  it('carry an ETag, and a matching If-None-Match gets 304 with no body', async () => {
    const res = await t.request('/');
    const etag = res.headers.get('ETag');
    // Weak: the brotli, gzip and plain bodies are the same page, not the same bytes.
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const again = await t.request('/', { headers: { 'If-None-Match': etag!, 'Accept-Encoding': 'br' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(await again.text()).toBe('');
    // A browser may send the tag back strong, or among others.
    expect((await t.request('/', { headers: { 'If-None-Match': `"x", ${etag!.slice(2)}` } })).status).toBe(304);
    expect((await t.request('/', { headers: { 'If-None-Match': '"something-else"' } })).status).toBe(200);
  });

  it('a missing page is a full 404 page, or a small fragment for htmx', async () => {
    const full = await t.request('/no/such/page');
    expect(full.status).toBe(404);
    const html = await full.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).toContain('href="/"');

    const frag = await t.request('/no/such/page', { headers: { 'HX-Request': 'true' } });
    expect(frag.status).toBe(404);
    expect(await frag.text()).toBe('<p class="flash error" role="alert">Not found.</p>');

    // A boosted navigation wants the whole page.
    const boosted = await t.request('/no/such/page', { headers: { 'HX-Request': 'true', 'HX-Boosted': 'true' } });
    expect((await boosted.text()).startsWith('<!doctype html>')).toBe(true);
  });

  it('a crash is a 500 page with a reference and no details, or a fragment for htmx; the stack is only in the log', async () => {
    logLines = [];
    const full = await t.request('/test/boom');
    expect(full.status).toBe(500);
    const html = await full.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h1>Something went wrong</h1>');
    const rid = full.headers.get('X-Request-Id')!;
    expect(html).toContain(`Reference: ${rid}`);
    expect(html).not.toContain('secret detail');
    expect(html).not.toMatch(/at .*\.ts:\d+/);

    const frag = await t.request('/test/boom', { headers: { 'HX-Request': 'true' } });
    expect(frag.status).toBe(500);
    const fragHtml = await frag.text();
    expect(fragHtml).toMatch(
      /^<p class="flash error" role="alert">Something went wrong \(reference [0-9a-f-]+\)\. Please try again\.<\/p>$/,
    );
    expect(fragHtml).not.toContain('secret detail');

    const logged = logLines.find((l) => l.msg === 'unhandled error' && l.reqId === rid) as {
      err: { message: string; stack: string };
    };
    expect(logged.err.message).toContain('secret detail');
    expect(logged.err.stack).toContain('headers.test.ts');
  });
});

describe('CSRF', () => {
  it('a form POST from another site is refused and changes nothing; the same POST from our origin works', async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const id = await t.db
      .transaction()
      .execute((trx) => enqueue(trx, t, { channel: 'sms', to: '+919812345678', template: 'otp', text: 'x' }));
    await t.db.updateTable('outbox').set({ status: 'failed', attempts: 10 }).where('id', '=', id).execute();
    const status = async () =>
      (await t.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    const evil = await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie, { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(await status()).toBe('failed');

    // htmx requests are plain form posts too.
    const evilHtmx = await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie, {
      Origin: 'https://evil.example',
      'HX-Request': 'true',
    });
    expect(evilHtmx.status).toBe(403);
    // No Origin, but the browser says it came from another site.
    const noOrigin = await t.app.request(`http://localhost:3000/admin/outbox/${id}/retry`, {
      method: 'POST',
      body: new URLSearchParams(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: admin.cookie,
        'Sec-Fetch-Site': 'cross-site',
      },
    });
    expect(noOrigin.status).toBe(403);
    expect(await status()).toBe('failed');

    const ok = await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie);
    expect(ok.status).toBe(303);
    expect(await status()).toBe('pending');
  });
});

describe('logging', () => {
  it('writes one JSON line per request with method, path, status, duration and request id', async () => {
    logLines = [];
    const res = await t.request('/healthz');
    const lines = logLines.filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: 'GET',
      path: '/healthz',
      status: 200,
      reqId: res.headers.get('X-Request-Id'),
    });
    expect(typeof lines[0].ms).toBe('number');
  });
});

describe('/healthz', () => {
  it('answers ok with the database, version and uptime', async () => {
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', db: 'ok', version: '0.1.0' });
    expect(typeof body.uptime).toBe('number');
  });

  it('answers 503 when the database cannot be queried', async () => {
    const broken = await makeTestApp();
    await broken.db.destroy();
    const res = await broken.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'error', db: 'unavailable' });
    await broken.close();
  });
});
