import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from '../platform/server-process.js';
import { openDatabase, type DB } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { sessionCookie, createUser } from '../support/factories.js';
import { channel, publish } from '../../src/live/service.js';
import { parseFrames, type SseFrame } from './support.js';
import pino from 'pino';

/** An EventSource-like reader over real HTTP. */
async function listen(url: string, cookie: string) {
  const res = await fetch(`${url}/events`, { headers: { Cookie: cookie, Accept: 'text/event-stream' } });
  const frames: SseFrame[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const cut = buffer.lastIndexOf('\n\n');
        if (cut >= 0) {
          frames.push(...parseFrames(buffer.slice(0, cut + 2)));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // cancelled
    }
  })();
  const waitFor = async (match: (f: SseFrame) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!frames.some(match)) {
      if (Date.now() > deadline) throw new Error(`nothing matched; got ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return frames.find(match)!;
  };
  return { res, frames, ended, waitFor, close: () => reader.cancel().catch(() => {}) };
}

describe('two server processes on one database file', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let db: DB;
  let close: () => void;

  beforeAll(async () => {
    a = await spawnServer();
    await a.ready();
    b = await spawnServer({ DATA_DIR: a.dataDir });
    await b.ready();
    const opened = openDatabase(join(a.dataDir, 'trektribe.db'));
    db = opened.db;
    close = () => opened.sqlite.close();
  }, 60_000);

  afterAll(async () => {
    for (const p of [a, b]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
    await db?.destroy();
    close?.();
  });

  it('both deliver an event published once, and each stream ends when its server shuts down', async () => {
    const deps = { db, clock: systemClock, log: pino({ level: 'silent' }) };
    const userId = await createUser(deps, { role: 'traveler' });
    const cookie = await sessionCookie(deps, userId);
    const onA = await listen(a.url, cookie);
    const onB = await listen(b.url, cookie);
    expect([onA.res.status, onB.res.status]).toEqual([200, 200]);
    await onA.waitFor((f) => f.retry !== undefined);
    await onB.waitFor((f) => f.retry !== undefined);

    await publish(deps, { to: channel.user(userId), event: 'bell', data: '<span>1</span>' });
    const [ea, eb] = await Promise.all([
      onA.waitFor((f) => f.event === 'bell'),
      onB.waitFor((f) => f.event === 'bell'),
    ]);
    expect(ea.data).toBe('<span>1</span>');
    expect(eb.id).toBe(ea.id);

    // SIGTERM: the stream ends (so the server can finish shutting down), the other process goes on.
    a.child.kill('SIGTERM');
    await onA.ended;
    expect((await a.exited).code).toBe(0);
    await publish(deps, { to: channel.user(userId), event: 'after' });
    await onB.waitFor((f) => f.event === 'after');
    await onB.close();
  }, 60_000);
});
