import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { recordingDb } from '../support/sql-log.js';
import type { Database } from '../../src/schema.js';
import {
  inSharedCommit,
  migrateToLatest,
  openDatabase,
  openSqlite,
  precompiled,
  reusingStatements,
} from '../../src/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
  dirs.push(dir);
  return openSqlite(join(dir, 'x.db'));
}

describe('reusing prepared statements', () => {
  it('hands back the same statement for the same SQL, and keeps at most `max` of them', () => {
    const sqlite = fresh();
    const db = reusingStatements(sqlite, 2);
    const a = db.prepare('select 1');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 2');
    db.prepare('select 1'); // touched: now the most recently used
    db.prepare('select 3'); // evicts "select 2", the least recently used
    expect(db.prepare('select 1')).toBe(a);
    const before = db.prepare('select 3');
    expect(db.prepare('select 3')).toBe(before);
    sqlite.close();
  });

  it('a cached statement still answers right after the schema under it changed', () => {
    const sqlite = fresh();
    const db = reusingStatements(sqlite);
    sqlite.exec('create table t (a integer)');
    sqlite.exec('insert into t values (1)');
    const stmt = db.prepare('select * from t');
    expect(stmt.all([])).toEqual([{ a: 1 }]);
    sqlite.exec("alter table t add column b text default 'x'");
    expect(db.prepare('select * from t').all([])).toEqual([{ a: 1, b: 'x' }]);
    sqlite.close();
  });

  it('is what openDatabase gives Kysely: the same query twice works and sees new rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
    dirs.push(dir);
    const { db } = openDatabase(join(dir, 'x.db'));
    await sql`create table t (a integer)`.execute(db);
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0].n);
    expect(await count()).toBe(0);
    await sql`insert into t values (${1})`.execute(db);
    await sql`insert into t values (${2})`.execute(db);
    expect(await count()).toBe(2);
    await db.destroy();
  });
});

describe('queries compiled once', () => {
  async function migrated() {
    const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
    dirs.push(dir);
    const { db } = openDatabase(join(dir, 'x.db'));
    await migrateToLatest(db);
    return db;
  }
  const put = precompiled((db, v: { key: string; value: string; at: string }) =>
    db.insertInto('settings').values({ key: v.key, value: v.value, updated_at: v.at }).returning('key'),
  );
  const byKey = precompiled((db, v: { key: string }) =>
    db.selectFrom('settings').select(['key', 'value']).where('key', '=', v.key).orderBy('key').limit(1),
  );

  it('runs with each call’s own values, bound as parameters, never as SQL', async () => {
    const db = await migrated();
    const hostile = "x'); drop table settings; --";
    expect((await put(db, { key: 'a', value: '1', at: 'now' })).rows).toEqual([{ key: 'a' }]);
    expect((await put(db, { key: hostile, value: '2', at: 'now' })).rows).toEqual([{ key: hostile }]);
    expect((await byKey(db, { key: 'a' })).rows).toEqual([{ key: 'a', value: '1' }]);
    expect((await byKey(db, { key: hostile })).rows).toEqual([{ key: hostile, value: '2' }]);
    expect((await byKey(db, { key: 'b' })).rows).toEqual([]);
    // The constant in the query (limit 1) stayed a constant.
    expect(Number((await sql<{ n: number }>`select count(*) as n from settings`.execute(db)).rows[0].n)).toBe(2);
    await db.destroy();
  });

  it('works inside a transaction, and a rolled-back insert is gone', async () => {
    const db = await migrated();
    await expect(
      db.transaction().execute(async (trx) => {
        await put(trx, { key: 'in-tx', value: '1', at: 'now' });
        expect((await byKey(trx, { key: 'in-tx' })).rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await byKey(db, { key: 'in-tx' })).rows).toEqual([]);
    await db.destroy();
  });

  it("on an idle connection they skip Kysely's executor; while a transaction holds it they wait for its end and see only what it committed", async () => {
    const db = await migrated();
    const executor = vi.spyOn(db, 'executeQuery');
    expect((await put(db, { key: 'idle', value: '1', at: 'now' })).rows).toEqual([{ key: 'idle' }]);
    expect((await byKey(db, { key: 'idle' })).rows).toEqual([{ key: 'idle', value: '1' }]);
    expect(executor).not.toHaveBeenCalled();
    // A transaction that inserts, then yields to the event loop before it commits.
    let inside!: () => void;
    const begun = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'tx', value: 'uncommitted', updated_at: 'now' }).execute();
      inside();
      await held;
      await trx.updateTable('settings').set({ value: 'committed' }).where('key', '=', 'tx').execute();
    });
    await begun;
    const read = byKey(db, { key: 'tx' });
    let answered = false;
    void read.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false); // it waits for the transaction, as Kysely's mutex makes it
    expect(executor).toHaveBeenCalledTimes(1);
    release();
    await tx;
    expect((await read).rows).toEqual([{ key: 'tx', value: 'committed' }]);
    await db.destroy();
  });

  it("inside a shared commit they skip Kysely's executor, answer the same, and roll back with their savepoint", async () => {
    const db = await migrated();
    const bump = precompiled((db, v: { key: string }) =>
      db.updateTable('settings').set({ value: 'bumped' }).where('key', '=', v.key),
    );
    const threeQueries = async (trx: Kysely<Database>, key: string) => {
      const inserted = await put(trx, { key, value: '1', at: 'now' });
      const updated = await bump(trx, { key });
      const read = await byKey(trx, { key });
      return { inserted: inserted.rows, updated: [updated.numAffectedRows, updated.rows], read: read.rows };
    };
    // In an ordinary transaction, through Kysely's executor.
    const viaKysely = await db.transaction().execute(async (trx) => {
      const executor = vi.spyOn(trx, 'executeQuery');
      const r = await threeQueries(trx, 'k');
      expect(executor).toHaveBeenCalledTimes(3);
      return r;
    });
    let direct: unknown;
    const outcomes = await Promise.allSettled([
      inSharedCommit(db, async (trx) => {
        const executor = vi.spyOn(trx, 'executeQuery');
        direct = await threeQueries(trx, 'k2');
        expect(executor).not.toHaveBeenCalled();
      }),
      inSharedCommit(db, async (trx) => {
        await put(trx, { key: 'undone', value: '1', at: 'now' });
        throw new Error('sold out');
      }),
      inSharedCommit(db, async (trx) => {
        await put(trx, { key: 'k', value: 'again', at: 'now' }); // the key exists: SQLite's error, as a rejection
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(direct).toEqual({ ...viaKysely, inserted: [{ key: 'k2' }], read: [{ key: 'k2', value: 'bumped' }] });
    expect(viaKysely).toEqual({ inserted: [{ key: 'k' }], updated: [1n, []], read: [{ key: 'k', value: 'bumped' }] });
    expect((await db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual([
      'k',
      'k2',
    ]);
    // Once the batch is over, the same transaction object would go through Kysely again.
    await db.transaction().execute(async (trx) => {
      const executor = vi.spyOn(trx, 'executeQuery');
      await byKey(trx, { key: 'k2' });
      expect(executor).toHaveBeenCalledTimes(1);
    });
    await db.destroy();
  });

  it('a value left out is an error, not a NULL written quietly', async () => {
    const db = await migrated();
    await expect(put(db, { key: 'a', at: 'now' } as never)).rejects.toThrow('no value for value');
    expect((await byKey(db, { key: 'a' })).rows).toEqual([]);
    await db.destroy();
  });

  it('a build that does not read its values by name is an error at its first call, not NULLs bound for good', async () => {
    const db = await migrated();
    const spread = precompiled((db, v: { key: string }) => {
      const { key } = { ...v }; // the stand-ins are read by name only: a spread copies none of them
      return db.selectFrom('settings').select('key').where('key', '=', key);
    });
    await expect(spread(db, { key: 'a' })).rejects.toThrow('a value was not read by name');
    await expect(spread(db, { key: 'a' })).rejects.toThrow('a value was not read by name'); // and every call after it
    await db.destroy();
  });
});

describe('writes that share a commit', () => {
  async function migratedWithLog() {
    const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const { db } = openDatabase(file);
    await migrateToLatest(db);
    await db.destroy();
    // The same file, with every statement recorded.
    const { db: logged, seen } = recordingDb(file);
    return { db: logged, seen, file };
  }
  const put = (key: string) => (trx: Kysely<Database>) =>
    trx
      .insertInto('settings')
      .values({ key, value: '1', updated_at: 'now' })
      .returning('key')
      .executeTakeFirstOrThrow();
  const keys = async (db: Kysely<Database>) =>
    (await db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);

  it('writes asked for at the same moment are committed together, each with its own result', async () => {
    const { db, seen } = await migratedWithLog();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => inSharedCommit(db, put(`k${String(i).padStart(2, '0')}`))),
    );
    expect(results.map((r) => r.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`));
    expect(seen.filter((s) => s === 'commit')).toHaveLength(1);
    expect(await keys(db)).toHaveLength(20);
    await db.destroy();
  });

  it('one that fails is rolled back alone and gets its own error; the others are committed', async () => {
    const { db } = await migratedWithLog();
    const outcomes = await Promise.allSettled([
      inSharedCommit(db, put('a')),
      inSharedCommit(db, async (trx) => {
        await put('half-done')(trx);
        throw new Error('sold out');
      }),
      inSharedCommit(db, put('a')), // the same key again: a constraint error, rolled back alone
      inSharedCommit(db, put('b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('sold out');
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(await keys(db)).toEqual(['a', 'b']);
    await db.destroy();
  });

  it('no one hears "done" before the commit, and a failed commit fails every write of the batch', async () => {
    const { db, file } = await migratedWithLog();
    const other = openSqlite(file);
    const visibleElsewhere: boolean[] = [];
    await inSharedCommit(db, put('seen')).then(() =>
      visibleElsewhere.push(!!other.prepare("select 1 from settings where key = 'seen'").get()),
    );
    expect(visibleElsewhere).toEqual([true]);
    // A foreign key checked only at commit: the commit itself fails.
    const outcomes = await Promise.allSettled([
      inSharedCommit(db, put('innocent')),
      inSharedCommit(db, async (trx) => {
        await sql`pragma defer_foreign_keys = on`.execute(trx);
        await sql`insert into sessions (id, user_id, expires_at, created_at) values ('s', 999999, 'x', 'x')`.execute(
          trx,
        );
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('FOREIGN KEY');
    expect(await keys(db)).toEqual(['seen']);
    other.close();
    await db.destroy();
  });

  it("a batch keeps its savepoints' undo pages in memory: no temp file is opened for them", async () => {
    const { db } = await migratedWithLog();
    /** SQLite's temp files ("etilqs_…", unlinked as soon as opened) this process holds open. */
    const tempFiles = () =>
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((l) => l.includes('etilqs_'));
    const big = 'x'.repeat(1500);
    for (let k = 0; k < 400; k++)
      await db
        .insertInto('settings')
        .values({ key: `t${String(k).padStart(3, '0')}`, value: big, updated_at: 'then' })
        .execute();
    const opened: string[][] = [];
    // One batch of 10 writes, each changing 40 rows on as many pages that were there before it
    // (pages SQLite must be able to restore): more than the 64 KiB it keeps in memory by default.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        inSharedCommit(db, async (trx) => {
          for (let j = 0; j < 40; j++)
            await trx
              .updateTable('settings')
              .set({ updated_at: 'now' })
              .where('key', '=', `t${String(j * 10 + i).padStart(3, '0')}`)
              .execute();
          if (i === 9) opened.push(tempFiles());
        }),
      ),
    );
    expect(opened).toEqual([[]]);
    expect((await db.selectFrom('settings').select('key').where('updated_at', '=', 'now').execute()).length).toBe(400);
    await db.destroy();
  });

  it('more writes than one batch takes are all committed, over several commits', async () => {
    const { db, seen } = await migratedWithLog();
    await Promise.all(Array.from({ length: 150 }, (_, i) => inSharedCommit(db, put(`m${i}`))));
    expect(await keys(db)).toHaveLength(150);
    expect(seen.filter((s) => s === 'commit').length).toBeGreaterThanOrEqual(3);
    await db.destroy();
  });
});
