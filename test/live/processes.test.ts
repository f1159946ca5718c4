import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from '../platform/server-process.js';
import { openDatabase, type DB } from '../../src/db.js';
import { systemClock } from '../../src/lib/clock.js';
import { sessionCookie, createUser } from '../support/factories.js';
import { channel, publish } from '../../src/live/service.js';
import { listenOverHttp as listen } from './support.js';
import pino from 'pino';

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
