import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createGateway } from '../../src/payments/gateway.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db.js';
import { deliverDue, LEASE } from '../../src/notifications/delivery.js';
import { loadConfig } from '../../src/config.js';
import { loadAssets } from '../../src/lib/assets.js';
import { FakeClock } from '../support/clock.js';
import { spawnServer } from './server-process.js';

describe('shutdown', () => {
  it('on SIGTERM the server stops accepting, closes the database and exits 0', async () => {
    const p = await spawnServer();
    try {
      await p.ready();
      expect(p.output().stdout).toContain(`TrekTribe is running at ${p.url}`);
      p.child.kill('SIGTERM');
      const { code } = await p.exited;
      expect(code).toBe(0);
      expect(p.output().stdout).toContain('"msg":"shutting down"');
      expect(p.output().stdout).toContain('"msg":"stopped"');
      await expect(fetch(`${p.url}/healthz`)).rejects.toThrow();
      // Closed cleanly: WAL checkpointed into the main file, which opens and checks out.
      const { sqlite } = openDatabase(join(p.dataDir, 'trektribe.db'));
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      sqlite.close();
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a request in flight when SIGTERM arrives still gets its answer; new connections are refused', async () => {
    const p = await spawnServer();
    try {
      await p.ready();
      // A form post whose body is still arriving when the signal comes.
      const body = 'email=nobody%40example.test&password=wrong-password-123';
      const answered = new Promise<number>((resolve, reject) => {
        const req = request(
          `${p.url}/login`,
          {
            method: 'POST',
            headers: {
              'Content-Type': 'application/x-www-form-urlencoded',
              'Content-Length': String(body.length),
              Origin: p.url,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          p.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 500);
        }, 300);
      });
      const status = await answered;
      expect([303, 422]).toContain(status);
      await expect(fetch(`${p.url}/healthz`)).rejects.toThrow();
      expect((await p.exited).code).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('after kill -9 in the middle of delivering messages, the database is intact and every message is delivered exactly once', async () => {
    const p = await spawnServer({ LOG_LEVEL: 'warn' });
    const { db, sqlite } = openDatabase(join(p.dataDir, 'trektribe.db'));
    try {
      await p.ready();
      const now = new Date().toISOString();
      const TOTAL = 3000;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < TOTAL; i += 500) {
          await trx
            .insertInto('outbox')
            .values(
              Array.from({ length: 500 }, (_, j) => ({
                channel: 'email' as const,
                recipient: `r${i + j}@example.test`,
                template: 'bulk',
                payload: JSON.stringify({ subject: `Message ${i + j}`, text: 'hello' }),
                next_attempt_at: now,
                created_at: now,
                last_error: null,
                provider_id: null,
                sent_at: null,
              })),
            )
            .execute();
        }
      });

      // The outbox job runs every 10 s: kill the process as soon as it is writing.
      const deadline = Date.now() + 20_000;
      while ((await sql<{ n: number }>`select count(*) as n from dev_messages`.execute(db)).rows[0].n === 0) {
        if (Date.now() > deadline)
          throw new Error('the outbox job never started:\n' + p.output().stdout + p.output().stderr);
        await new Promise((r) => setTimeout(r, 10));
      }
      p.child.kill('SIGKILL');
      expect((await p.exited).signal).toBe('SIGKILL');

      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const before = await db
        .selectFrom('outbox')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const sentBefore = before.find((r) => r.status === 'sent')?.n ?? 0;
      expect(sentBefore).toBeLessThan(TOTAL);

      // What a restarted process does once the lease of the interrupted rows runs out.
      const clock = new FakeClock(new Date(Date.now() + LEASE + 1000));
      const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: p.dataDir, LOG_LEVEL: 'silent' });
      for (let i = 0; i < 5; i++)
        await deliverDue({
          config,
          db,
          clock,
          log: pino({ level: 'silent' }),
          assets: loadAssets(),
          payments: createGateway(config),
        });

      const after = await db.selectFrom('outbox').select('status').where('status', '!=', 'sent').execute();
      expect(after).toEqual([]);
      const dev = await sql<{
        rows: number;
        distinct_rows: number;
      }>`select count(*) as rows, count(distinct outbox_id) as distinct_rows from dev_messages`.execute(db);
      expect(dev.rows[0]).toEqual({ rows: TOTAL, distinct_rows: TOTAL });
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await db.destroy();
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
