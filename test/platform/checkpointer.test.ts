import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/db.js';
import { startCheckpointer } from '../../src/lib/checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const until = async (ok: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('WAL checkpoints on their own thread', () => {
  it('copies committed pages into the database file while the request connection only appends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const sqlite = openSqlite(file);
    const errors: unknown[] = [];
    const checkpointer = startCheckpointer(sqlite, { error: (e: unknown) => void errors.push(e) } as never, 20);
    // The request connection no longer checkpoints at SQLite's default of 1,000 pages.
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1000);
    sqlite.exec('create table t (a text)');
    const before = statSync(file).size;
    const insert = sqlite.prepare('insert into t values (?)');
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(2000)); // ~150 pages, all in the WAL
    // Only a checkpoint writes pages to the main file: the thread did it.
    await until(() => statSync(file).size >= before + 150 * 4096);
    expect(sqlite.prepare('select count(*) as n from t').get()).toEqual({ n: 300 });
    await checkpointer.stop();
    expect(errors).toEqual([]);
    sqlite.close();
  });

  it('stops with a last checkpoint, and the database reads back whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const sqlite = openSqlite(file);
    const checkpointer = startCheckpointer(sqlite, { error: () => {} } as never, 60_000);
    sqlite.exec('create table t (a integer)');
    for (let i = 0; i < 100; i++) sqlite.prepare('insert into t values (?)').run(i);
    const before = statSync(file).size;
    // No tick has come (every 60 s): the pages reach the main file only by the last checkpoint.
    await checkpointer.stop();
    expect(statSync(file).size).toBeGreaterThan(before);
    sqlite.close();
    const again = openSqlite(file);
    expect(again.prepare('select count(*) as n, sum(a) as s from t').get()).toEqual({ n: 100, s: 4950 });
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });
});
