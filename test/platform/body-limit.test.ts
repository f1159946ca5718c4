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
  t = await makeTestApp({ BODY_LIMIT_MB: '1' });
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
const post = (body: Buffer | string, opts: { chunked?: boolean } = {}) => postOverSocket(`http://127.0.0.1:${port}/test/echo`, body, { chunkSize: opts.chunked ? 64 * 1024 : undefined });

describe('request body limit over HTTP', () => {
  it('a form under the limit is read whole, with a declared length or chunked', async () => {
    const form = 'name=Asha&guests=2&name=Ravi';
    for (const chunked of [false, true]) {
      const res = await post(form, { chunked });
      expect(res.status, `chunked=${chunked}`).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ name: ['Asha', 'Ravi'], guests: '2' });
    }
  });

  it('a body over the limit gets a clear message, whether its length is declared or not', async () => {
    const big = `x=${'a'.repeat(1024 * 1024 + 10)}`;
    for (const chunked of [false, true]) {
      const res = await post(big, { chunked });
      expect(res.status, `chunked=${chunked}`).toBe(422);
      expect(res.text).toContain('That upload is too large (the limit is 1 MB).');
    }
  });
});
