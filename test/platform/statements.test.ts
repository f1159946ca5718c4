import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, openSqlite, precompiled, reusingStatements } from '../../src/db.js';

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
    sqlite.exec('alter table t add column b text default \'x\'');
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
  const put = precompiled((db, v: { key: string; value: string; at: string }) => db.insertInto('settings').values({ key: v.key, value: v.value, updated_at: v.at }).returning('key'));
  const byKey = precompiled((db, v: { key: string }) => db.selectFrom('settings').select(['key', 'value']).where('key', '=', v.key).orderBy('key').limit(1));

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

  it('a value left out is an error, not a NULL written quietly', async () => {
    const db = await migrated();
    await expect(put(db, { key: 'a', at: 'now' } as never)).rejects.toThrow('no value for value');
    expect((await byKey(db, { key: 'a' })).rows).toEqual([]);
    await db.destroy();
  });
});
