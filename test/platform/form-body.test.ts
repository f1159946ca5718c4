import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from '../support/app.js';
import { postOverSocket } from '../support/http.js';

/**
 * Url-encoded forms posted over a real socket are read from Node's request by readFormBody
 * (src/lib/form-body.ts), not through Hono's web Request. Whatever a route reads them with, it
 * must get what Hono's own path gives: `app.request()` has no Node request, so it is the
 * reference here.
 */
let t: TestApp;
let server: ReturnType<typeof serve>;
let origin: string;

beforeAll(async () => {
  t = await makeTestApp();
  // readByNode: whether readFormBody had already read the body when the route began.
  const echo = async (c: import('hono').Context) => {
    const readByNode = 'text' in c.req.bodyCache;
    return c.json({ body: await c.req.parseBody({ all: true }), text: await c.req.text(), readByNode });
  };
  t.app.post('/test/form', echo);
  t.app.post('/test/form-then-bytes', async (c) => c.json({ body: await c.req.parseBody(), bytes: Buffer.from(await c.req.arrayBuffer()).toString('base64') }));
  t.app.post('/test/validated', zValidator('form', z.object({ name: z.array(z.string()), guests: z.coerce.number() })), (c) => c.json(c.req.valid('form')));
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

/** A POST over a real socket; chunked when asked (no Content-Length, the body in 3-byte writes). */
const overHttp = (path: string, body: string | Buffer, contentType: string, opts: { chunked?: boolean } = {}) =>
  postOverSocket(origin + path, body, { contentType, chunkSize: opts.chunked ? 3 : undefined });

async function inProcess(path: string, body: string, contentType: string) {
  const res = await t.app.request(path, { method: 'POST', body, headers: { 'Content-Type': contentType, Origin: 'http://localhost' } });
  return { status: res.status, text: await res.text() };
}

const URLENCODED = 'application/x-www-form-urlencoded';

describe('url-encoded forms over HTTP', () => {
  const bodies = [
    'name=Asha&guests=2&name=Ravi',
    'name=Asha+Rao&note=50%25+off%21&empty=&flag',
    'city=%E0%A4%A6%E0%A5%87%E0%A4%B9%E0%A4%B0%E0%A4%BE%E0%A4%A6%E0%A5%82%E0%A4%A8&emoji=%F0%9F%8F%94',
    'broken=%E0%A4&bad=%zz&plus=a+b%2Bc',
    'a=1&&b=2&=nokey&c==3',
    'x[]=1&x[]=2&y=' + 'long'.repeat(2000),
    '',
  ];

  it('parseBody and text() give what Hono itself gives, for tricky and broken encodings', async () => {
    for (const body of bodies) {
      const http = await overHttp('/test/form', body, URLENCODED);
      expect(http.status, body).toBe(200);
      const got = JSON.parse(http.text);
      const reference = JSON.parse((await inProcess('/test/form', body, URLENCODED)).text);
      expect(got.readByNode, 'read from Node’s request').toBe(true);
      expect(reference.readByNode).toBe(false);
      expect({ body: got.body, text: got.text }, body).toEqual({ body: reference.body, text: reference.text });
      expect(got.text, 'text() is the body as sent').toBe(body);
    }
  });

  it('any string a browser encodes comes back as it was', async () => {
    const alphabet = ['a', ' ', '+', '&', '=', '%', 'é', 'द', '🏔', '\n', '"', '<', '\u0000', '#', ';'];
    for (let run = 0; run < 40; run++) {
      const value = Array.from({ length: 1 + (run % 13) }, (_, i) => alphabet[(run * 7 + i * 5) % alphabet.length]).join('');
      const reversed = Array.from(value).reverse().join('');
      const body = new URLSearchParams([['v', value], ['v', reversed], ['k', String(run)]]).toString();
      const http = JSON.parse((await overHttp('/test/form', body, URLENCODED)).text);
      expect(http.body, JSON.stringify(value)).toEqual({ v: [value, reversed], k: String(run) });
    }
  });

  it('the bytes of a parsed form can still be read, and a charset in the type changes nothing', async () => {
    const body = 'name=Asha&guests=2';
    const http = JSON.parse((await overHttp('/test/form-then-bytes', body, `${URLENCODED}; charset=UTF-8`)).text);
    expect(http.body).toEqual({ name: 'Asha', guests: '2' });
    expect(Buffer.from(http.bytes, 'base64').toString()).toBe(body);
  });

  it('a chunked form is left to Hono, and reads the same', async () => {
    const http = JSON.parse((await overHttp('/test/form', 'name=Asha&name=Ravi&x=%F0%9F%8F%94', URLENCODED, { chunked: true })).text);
    expect(http).toEqual({ body: { name: ['Asha', 'Ravi'], x: '🏔' }, text: 'name=Asha&name=Ravi&x=%F0%9F%8F%94', readByNode: false });
  });

  it('zod validation of forms sees the same fields, with a declared length or chunked', async () => {
    for (const chunked of [false, true]) {
      const http = await overHttp('/test/validated', 'name=Asha&name=Ravi&guests=2', URLENCODED, { chunked });
      expect(http.status, `chunked=${chunked}`).toBe(200);
      expect(JSON.parse(http.text)).toEqual({ name: ['Asha', 'Ravi'], guests: 2 });
      const bad = await overHttp('/test/validated', 'guests=two', URLENCODED, { chunked });
      expect(bad.status, `chunked=${chunked}`).toBe(400);
    }
  });

  it('multipart forms still take Hono’s own path', async () => {
    const fd = new FormData();
    fd.append('name', 'Asha');
    fd.append('name', 'Ravi');
    fd.append('photo', new Blob([Buffer.from('not really a jpeg')], { type: 'image/jpeg' }), 'p.jpg');
    const res = await fetch(origin + '/test/form-then-bytes', { method: 'POST', body: fd, headers: { Origin: origin } });
    expect(res.status).toBe(200);
    const got = (await res.json()) as { body: Record<string, unknown> };
    expect(got.body.name).toBe('Ravi');
    expect(got.body.photo).toBeTypeOf('object');
  });
});
