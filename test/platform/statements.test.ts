import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/schema.js';
import { migrateToLatest, openDatabase, openSqlite, reusingStatements } from '../../src/db.js';
import { tx } from '../../src/lib/transaction.js';

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

describe('transactions on the one connection', () => {
  async function migrated() {
    const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
    dirs.push(dir);
    const { db } = openDatabase(join(dir, 'x.db'));
    await migrateToLatest(db);
    return db;
  }
  const put = (key: string) => (trx: Kysely<Database>) =>
    trx
      .insertInto('settings')
      .values({ key, value: '1', updated_at: 'now' })
      .returning('key')
      .executeTakeFirstOrThrow();
  const keys = async (db: Kysely<Database>) =>
    (await db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);

  it('a query while a transaction holds the connection waits for its end and sees only what it committed', async () => {
    const db = await migrated();
    let inside!: () => void;
    const begun = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const running = tx(db, async (trx) => {
      await trx.insertInto('settings').values({ key: 'tx', value: 'uncommitted', updated_at: 'now' }).execute();
      inside();
      await held;
      await trx.updateTable('settings').set({ value: 'committed' }).where('key', '=', 'tx').execute();
    });
    await begun;
    const read = db.selectFrom('settings').select(['key', 'value']).where('key', '=', 'tx').execute();
    let answered = false;
    void read.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    release();
    await running;
    expect(await read).toEqual([{ key: 'tx', value: 'committed' }]);
    await db.destroy();
  });

  it('writes asked for at the same moment each get their own result', async () => {
    const db = await migrated();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tx(db, put(`k${String(i).padStart(2, '0')}`))),
    );
    expect(results.map((r) => r.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`));
    expect(await keys(db)).toHaveLength(20);
    await db.destroy();
  });

  it("openDatabase's transactions take the write lock at BEGIN: another connection cannot write until the commit", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-stmt-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const { db } = openDatabase(file);
    await migrateToLatest(db);
    const other = openSqlite(file);
    other.pragma('busy_timeout = 0');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const begun = new Promise<void>((r) => (inside = r));
    const running = tx(db, async (trx) => {
      inside();
      await held;
      await put('mine')(trx);
    });
    await begun;
    expect(() =>
      other.prepare("insert into settings (key, value, updated_at) values ('theirs', '1', 'now')").run(),
    ).toThrow(/database is locked/);
    release();
    await running;
    expect(await keys(db)).toEqual(['mine']);
    other.close();
    await db.destroy();
  });

  it('one that fails is rolled back alone and gets its own error; the others are committed', async () => {
    const db = await migrated();
    const outcomes = await Promise.allSettled([
      tx(db, put('a')),
      tx(db, async (trx) => {
        await put('half-done')(trx);
        throw new Error('sold out');
      }),
      tx(db, put('a')), // the same key again: a constraint error, rolled back alone
      tx(db, put('b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('sold out');
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(await keys(db)).toEqual(['a', 'b']);
    await db.destroy();
  });

  it('no one hears "done" before the commit, and a failed commit keeps nothing of its transaction', async () => {
    const db = await migrated();
    const file = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db))
      .rows[0].file;
    const other = openSqlite(file);
    const visibleElsewhere: boolean[] = [];
    await tx(db, put('seen')).then(() =>
      visibleElsewhere.push(!!other.prepare("select 1 from settings where key = 'seen'").get()),
    );
    expect(visibleElsewhere).toEqual([true]);
    // A foreign key checked only at commit: the commit itself fails.
    const err = await tx(db, async (trx) => {
      await put('innocent')(trx);
      await sql`pragma defer_foreign_keys = on`.execute(trx);
      await sql`insert into sessions (id, user_id, expires_at, created_at) values ('s', 999999, 'x', 'x')`.execute(trx);
    }).catch((e: unknown) => e);
    expect(String(err)).toContain('FOREIGN KEY');
    expect(await keys(db)).toEqual(['seen']);
    other.close();
    await db.destroy();
  });
});
