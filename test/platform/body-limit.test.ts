import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from '../support/app.js';
import { postOverSocket } from '../support/http.js';

/**
 * The body limit over a real socket: @hono/node-server hands the app a lightweight request,
 * and the limit must hold both for a declared Content-Length and for a chunked body.
 */
let t: TestApp;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  t = await makeTestApp({ BODY_LIMIT_MB: '1', FORM_LIMIT_KB: '16' });
  t.app.post('/test/echo', async (c) => c.json(await c.req.parseBody({ all: true })));
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

/** Several 64 KB writes when chunked. */
const post = (body: Buffer | string, opts: { chunked?: boolean; path?: string; contentType?: string } = {}) =>
  postOverSocket(`http://127.0.0.1:${port}${opts.path ?? '/test/echo'}`, body, {
    chunkSize: opts.chunked ? 4 * 1024 : undefined,
    contentType: opts.contentType,
  });

describe('request body limit over HTTP', () => {
  it('a form under the limit is read whole, with a declared length or chunked', async () => {
    const form = 'name=Asha&guests=2&name=Ravi';
    for (const chunked of [false, true]) {
      const res = await post(form, { chunked });
      expect(res.status, `chunked=${chunked}`).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ name: ['Asha', 'Ravi'], guests: '2' });
    }
  });

  it('a form over the form limit gets a clear message, whether its length is declared or not', async () => {
    const big = `x=${'a'.repeat(16 * 1024 + 10)}`;
    for (const chunked of [false, true]) {
      const res = await post(big, { chunked });
      expect(res.status, `chunked=${chunked}`).toBe(422);
      expect(res.text).toContain('That form is too large (the limit is 16 KB).');
    }
  });

  it('a route that takes no file refuses a large body, multipart or not, before reading it: sign-in gets the form limit', async () => {
    const before = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const chunked of [false, true]) {
        const res = await post(`email=a%40b.in&password=${'a'.repeat(40 * 1024)}`, {
          path: '/login',
          contentType,
          chunked,
        });
        expect(res.status, `${contentType} chunked=${chunked}`).toBe(422);
        expect(res.text).toContain('That form is too large (the limit is 16 KB).');
      }
    }
    expect(
      await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
  });

  it('the routes that take files accept bodies past the form limit, up to BODY_LIMIT_MB', async () => {
    const boundary = 'xyzzy';
    const multipart = (bytes: number) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        Buffer.alloc(bytes, 1),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const contentType = `multipart/form-data; boundary=${boundary}`;
    for (const path of ['/bookings/1/pay/upi', '/organizer/trips/new', '/organizer/trips/7/edit', '/me']) {
      // Past the form limit, under the upload limit: it reaches the route (signed out: sent to sign in).
      const send = (body: Buffer) =>
        t.request(path, {
          method: 'POST',
          body: new Uint8Array(body),
          headers: { 'Content-Type': contentType, 'Content-Length': String(body.byteLength) },
        });
      // Past the form limit, under the upload limit: it reaches the route (signed out: sent to sign in).
      expect((await send(multipart(200 * 1024))).status, path).toBe(303);
      const res = await send(multipart(1024 * 1024 + 10));
      expect(res.status, path).toBe(422);
      expect(await res.text()).toContain('That upload is too large (the limit is 1 MB).');
    }
  });
});
