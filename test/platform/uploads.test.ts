import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { postOverSocket } from '../support/http.js';
import { jpeg } from '../trips/support.js';
import { bookingForm, bookingIdFrom, sendUpiProof } from '../bookings/support.js';
import type { AppEnv } from '../../src/lib/env.js';
import { readUploadForm, removeUploads, scratchDir, takesFiles, type UploadForm } from '../../src/lib/uploads.js';

/**
 * Uploads over a real socket are streamed to disk by readUploadForm (src/lib/uploads.ts);
 * `app.request()` has no socket and goes through Hono's parseBody, so it is the reference for
 * what a route is handed. Limits here: 1 MB a file, 4 MB a body.
 */
let t: TestApp;
const servers: ReturnType<typeof serve>[] = [];
let origin: string;
let echoOrigin: string;
let echo: Hono<AppEnv>;

const listen = async (fetch: Parameters<typeof serve>[0]['fetch']) => {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((r) => server.once('listening', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Files as name, type and bytes, so two forms can be compared. */
async function described(form: UploadForm) {
  const one = async (v: string | File) =>
    typeof v === 'string'
      ? v
      : { file: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()).toString('base64') };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) out[k] = Array.isArray(v) ? await Promise.all(v.map(one)) : await one(v);
  return out;
}

beforeAll(async () => {
  t = await makeTestApp({ UPLOAD_FILE_LIMIT_MB: '1', BODY_LIMIT_MB: '4' });
  origin = await listen(t.app.fetch);
  // The helper alone, without the app's body limit in front of it.
  echo = new Hono<AppEnv>();
  echo.use(async (c, next) => {
    c.set('deps', t.deps);
    await next();
  });
  echo.use(removeUploads);
  echo.post('/echo', takesFiles, async (c) => c.json(await described(await readUploadForm(c))));
  echo.onError((e, c) => c.text(e.message, 422));
  echoOrigin = await listen(echo.fetch);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await t.close();
});

/** The form as a browser encodes it: the bytes and the Content-Type with its boundary. */
async function encoded(fd: FormData) {
  const r = new Response(fd);
  return { body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! };
}

/** A multipart POST over the socket; chunked (no Content-Length) when asked. */
async function post(url: string, fd: FormData, opts: { cookie?: string; chunked?: boolean } = {}) {
  const { body, contentType } = await encoded(fd);
  return postOverSocket(url, body, {
    contentType,
    chunkSize: opts.chunked ? 64 * 1024 : undefined,
    headers: opts.cookie ? { Cookie: opts.cookie } : {},
  });
}

/** A fetch-like request over the socket, for the test helpers that take an app. */
const overSocket = {
  request: (path: string, init: RequestInit & { cookie?: string } = {}) =>
    fetch(origin + path, { ...init, redirect: 'manual', headers: { Origin: origin, Cookie: init.cookie ?? '' } }),
};

const scratchLeft = () => (existsSync(scratchDir(t.dir)) ? readdirSync(scratchDir(t.dir)) : []);
const bytes = (n: number, first = [0xff, 0xd8, 0xff]) => {
  const b = new Uint8Array(n);
  b.set(first);
  return b;
};

describe('an upload over HTTP', () => {
  it('hands the route the same form Hono’s parseBody does: repeated names, [] names, UTF-8, files as they were sent', async () => {
    const fd = new FormData();
    fd.append('name', 'Asha');
    fd.append('name', 'Ravi');
    fd.append('tags[]', 'ridge');
    fd.append('city', 'देहरादून 🏔');
    fd.append('note', 'line one\r\nline two & "quotes"');
    fd.append('empty', '');
    fd.append('images', new File([bytes(300 * 1024)], 'पहाड़.jpg', { type: 'image/jpeg' }));
    fd.append('images', new File(['GIF89a'], 'b.gif', { type: 'image/gif' }));
    fd.append('after', 'files');
    const streamed = await post(`${echoOrigin}/echo`, fd);
    expect(streamed.status, streamed.text).toBe(200);
    const reference = await echo.request('/echo', { method: 'POST', body: fd });
    expect(JSON.parse(streamed.text)).toEqual(await reference.json());
    expect(JSON.parse(streamed.text)).toMatchObject({
      name: ['Asha', 'Ravi'],
      'tags[]': ['ridge'],
      images: [{ file: 'पहाड़.jpg' }, { file: 'b.gif', type: 'image/gif' }],
    });
    expect(scratchLeft()).toEqual([]);
  });

  it('an empty file input, as a browser sends it, is an empty file on both paths', async () => {
    const body =
      '--X\r\nContent-Disposition: form-data; name="photo"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--X\r\nContent-Disposition: form-data; name="name"\r\n\r\nAsha\r\n--X--\r\n';
    const contentType = 'multipart/form-data; boundary=X';
    const streamed = await postOverSocket(`${echoOrigin}/echo`, body, { contentType });
    const reference = await echo.request('/echo', { method: 'POST', body, headers: { 'Content-Type': contentType } });
    expect(JSON.parse(streamed.text)).toEqual(await reference.json());
    expect(JSON.parse(streamed.text)).toEqual({
      photo: { file: '', type: 'application/octet-stream', bytes: '' },
      name: 'Asha',
    });
  });

  it('reads a chunked upload (no Content-Length) the same way', async () => {
    const fd = new FormData();
    fd.append('utr', '412345678901');
    fd.append('screenshot', new File([bytes(700 * 1024)], 's.png', { type: 'image/png' }));
    const streamed = await post(`${echoOrigin}/echo`, fd, { chunked: true });
    expect(streamed.status, streamed.text).toBe(200);
    expect(JSON.parse(streamed.text)).toEqual(await (await echo.request('/echo', { method: 'POST', body: fd })).json());
  });

  it('stops at a file over the per-file limit, with the limit named, and leaves no file behind, chunked or not', async () => {
    for (const chunked of [false, true]) {
      const fd = new FormData();
      fd.append('name', 'Asha');
      fd.append('photo', new File([bytes(1024 * 1024 + 1)], 'big.jpg', { type: 'image/jpeg' }));
      const res = await post(`${echoOrigin}/echo`, fd, { chunked });
      expect([res.status, res.text], `chunked=${chunked}`).toEqual([
        422,
        'That file is too large (the limit is 1 MB).',
      ]);
      expect(scratchLeft()).toEqual([]);
    }
    // The same answer without a socket.
    const fd = new FormData();
    fd.append('photo', new File([bytes(1024 * 1024 + 1)], 'big.jpg'));
    expect(await (await echo.request('/echo', { method: 'POST', body: fd })).text()).toBe(
      'That file is too large (the limit is 1 MB).',
    );
  });

  it('holds a chunked body to BODY_LIMIT_MB however its files are split', async () => {
    const fd = new FormData();
    for (let i = 0; i < 5; i++) fd.append('images', new File([bytes(900 * 1024)], `${i}.jpg`));
    const res = await post(`${echoOrigin}/echo`, fd, { chunked: true });
    expect([res.status, res.text]).toEqual([422, 'That upload is too large (the limit is 4 MB).']);
    expect(scratchLeft()).toEqual([]);
  });

  it('refuses more than 10 files, and text fields past 1 MB together', async () => {
    const files = new FormData();
    for (let i = 0; i < 11; i++) files.append('images', new File(['x'], `${i}.jpg`));
    const streamed = await post(`${echoOrigin}/echo`, files);
    expect([streamed.status, streamed.text]).toEqual([422, 'That form has too many files (at most 10).']);
    expect(await (await echo.request('/echo', { method: 'POST', body: files })).text()).toBe(
      'That form has too many files (at most 10).',
    );
    const text = new FormData();
    for (let i = 0; i < 3; i++) text.append('description', 'a'.repeat(400 * 1024));
    const res = await post(`${echoOrigin}/echo`, text);
    expect([res.status, res.text]).toEqual([422, 'The text of that form is too large (the limit is 1 MB).']);
    expect(scratchLeft()).toEqual([]);
  });

  it('a client that goes away mid-upload leaves no file behind, and the server answers the next request', async () => {
    const partial = new FormData();
    partial.append('photo', new File([bytes(900 * 1024)], 'p.jpg'));
    const { body, contentType } = await encoded(partial);
    await new Promise<void>((resolve) => {
      const req = request(`${echoOrigin}/echo`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'Content-Length': body.length },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 400 * 1024), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100),
      );
    });
    for (let i = 0; i < 50 && scratchLeft().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(scratchLeft()).toEqual([]);
    const fd = new FormData();
    fd.append('ok', 'yes');
    expect((await post(`${echoOrigin}/echo`, fd)).text).toBe('{"ok":"yes"}');
  });
});

describe('the routes that take files, over HTTP', () => {
  it('a profile photo streamed to disk is stored where it always was, and the scratch folder is emptied', async () => {
    const me = await signedIn(t.deps);
    const fd = new FormData();
    fd.append('name', 'Kavya R');
    fd.append('photo', await jpeg(800, 600, 'me.jpg'));
    const res = await post(`${origin}/me`, fd, { cookie: me.cookie });
    expect(res.status, res.text).toBe(303);
    const u = await t.db
      .selectFrom('users')
      .select(['name', 'photo', 'photo_width', 'photo_height'])
      .where('id', '=', me.id)
      .executeTakeFirstOrThrow();
    expect(u).toMatchObject({ name: 'Kavya R', photo_width: 320, photo_height: 240 });
    expect(existsSync(join(t.dir, 'uploads', `${u.photo}-320.webp`))).toBe(true);
    expect(scratchLeft()).toEqual([]);
  });

  it('a UPI screenshot streamed to disk lands in the private proofs store', async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6 });
    const me = await signedIn(t.deps);
    const bookingId = bookingIdFrom(
      await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie),
    );
    const res = await sendUpiProof(overSocket, bookingId, me.cookie, { utr: '412345678901' });
    expect(res.status).toBe(303);
    const proof = await t.db
      .selectFrom('upi_proofs')
      .select(['screenshot_key', 'screenshot_width'])
      .where('booking_id', '=', bookingId)
      .executeTakeFirstOrThrow();
    expect(existsSync(join(t.dir, 'private', 'proofs', `${proof.screenshot_key}-${proof.screenshot_width}.webp`))).toBe(
      true,
    );
    expect(scratchLeft()).toEqual([]);
  });

  it('a photo over the per-file limit gets the error page naming the limit, and the profile is unchanged', async () => {
    const me = await signedIn(t.deps);
    for (const chunked of [false, true]) {
      const fd = new FormData();
      fd.append('name', 'Changed Name');
      fd.append('photo', new File([bytes(2 * 1024 * 1024)], 'big.jpg', { type: 'image/jpeg' }));
      const res = await post(`${origin}/me`, fd, { cookie: me.cookie, chunked });
      expect(res.status, `chunked=${chunked}`).toBe(422);
      expect(res.text).toContain('That file is too large (the limit is 1 MB).');
    }
    const u = await t.db
      .selectFrom('users')
      .select(['name', 'photo'])
      .where('id', '=', me.id)
      .executeTakeFirstOrThrow();
    expect(u.photo).toBeNull();
    expect(u.name).not.toBe('Changed Name');
    expect(scratchLeft()).toEqual([]);
  });

  it('a url-encoded post to an upload route gets the form limit, not the upload limit', async () => {
    const me = await signedIn(t.deps);
    const res = await postOverSocket(`${origin}/me`, `name=Asha&bio=${'a'.repeat(80 * 1024)}`, {
      headers: { Cookie: me.cookie },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That form is too large (the limit is 64 KB).');
  });
});
