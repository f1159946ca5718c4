import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, openSqlite, reusingStatements } from '../../src/db.js';

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
