import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from './server-process.js';
import { postOverSocket } from '../support/http.js';
import { signedIn } from '../support/factories.js';
import { openDatabase } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { scratchDir } from '../../src/lib/uploads.js';

/**
 * Issue 18: 8 parallel 45 MB posts took the process from 428 to 941 MB and stalled /healthz
 * for 2 s. The real server (src/server.ts, default limits: 48 MB a body, 10 MB a file) gets
 * them from a signed-in user on /me, so each body is really read, not refused at the door.
 */
const POSTS = 8;
const BODY_MB = 45;

let server: ServerProcess;
let cookie: string;
beforeAll(async () => {
  server = await spawnServer({ LOG_LEVEL: 'warn' });
  await server.ready();
  const { db, sqlite } = openDatabase(join(server.dataDir, 'trektribe.db'));
  cookie = (await signedIn({ db, clock: systemClock })).cookie;
  await db.destroy();
  sqlite.close();
}, 60_000);
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(server.dataDir, { recursive: true, force: true });
});

const rssMb = (pid: number) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** One multipart body of about BODY_MB: a name and the files given, each starting like a JPEG. */
function profilePost(files: { name: string; mb: number }[]) {
  const boundary = 'trektribe-rss-test';
  const parts = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nAsha Rao\r\n`)];
  for (const f of files) {
    const bytes = Buffer.alloc(f.mb * 1024 * 1024 - 400, 7);
    bytes.set([0xff, 0xd8, 0xff]);
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.name}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Sends the post POSTS times at once while sampling the server's RSS and timing /healthz. */
async function flood(s: ServerProcess, cookie: string, post: { body: Buffer; contentType: string }) {
  const pid = s.child.pid!;
  const send = () =>
    postOverSocket(`${s.url}/me`, post.body, { contentType: post.contentType, headers: { Cookie: cookie } });
  // Warm up the path once, then take the baseline.
  await send();
  await new Promise((r) => setTimeout(r, 300));
  const baseline = rssMb(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
  let running = true;
  const healthz: number[] = [];
  const probe = (async () => {
    while (running) {
      const start = performance.now();
      const res = await fetch(`${s.url}/healthz`);
      await res.arrayBuffer();
      healthz.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const results = await Promise.all(Array.from({ length: POSTS }, send));
  running = false;
  await probe;
  clearInterval(sampler);
  const growth = peak - baseline;
  const slowest = Math.max(...healthz);
  console.log(
    `RSS baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${growth.toFixed(0)} MB); /healthz slowest ${slowest.toFixed(0)} ms over ${healthz.length} probes`,
  );
  const scratch = scratchDir(s.dataDir);
  return { results, growth, slowest, scratchLeft: existsSync(scratch) ? readdirSync(scratch) : [] };
}

describe('large uploads against the real server', () => {
  it(`${POSTS} parallel ${BODY_MB} MB uploads keep memory flat and /healthz quick; each is refused at the per-file limit and leaves no file`, async () => {
    const r = await flood(server, cookie, profilePost([{ name: 'photo', mb: BODY_MB }]));
    expect(r.results.map((x) => x.status)).toEqual(Array(POSTS).fill(422));
    for (const x of r.results) expect(x.text).toContain('That file is too large (the limit is 10 MB).');
    expect(r.growth).toBeLessThan(150);
    expect(r.slowest).toBeLessThan(500);
    expect(r.scratchLeft).toEqual([]);
  }, 120_000);

  it(`${POSTS} parallel ${BODY_MB} MB uploads of files each under the limit are read whole, to disk: memory stays flat`, async () => {
    // Five 9 MB files: all within the per-file limit, so every byte is read; the photo is over the 8 MB an image may be.
    const files = [{ name: 'photo', mb: 9 }, ...Array.from({ length: 4 }, (_, i) => ({ name: `extra${i}`, mb: 9 }))];
    const r = await flood(server, cookie, profilePost(files));
    expect(r.results.map((x) => x.status)).toEqual(Array(POSTS).fill(422));
    for (const x of r.results) expect(x.text).toMatch(/The image is too large: 9\.0 MB/);
    expect(r.growth).toBeLessThan(150);
    expect(r.slowest).toBeLessThan(500);
    expect(r.scratchLeft).toEqual([]);
  }, 120_000);
});
