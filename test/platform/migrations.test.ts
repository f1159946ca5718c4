import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely, type Migration } from 'kysely';
import { migrateDown, migrateToLatest, openDatabase } from '../../src/db.js';
import { migrations } from '../../migrations/index.js';

const opened: { dir: string; close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'tt-mig-'));
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  opened.push({
    dir,
    close: async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  });
  return { db, sqlite };
}

/** Our tables (and FTS/triggers/indexes), without SQLite's and the migrator's own. */
async function schema(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{
    type: string;
    name: string;
  }>`select type, name from sqlite_master where name not like 'sqlite_%' and name not like 'kysely_%' and name not like '%fts_%' order by type, name`.execute(
    db,
  );
  return rows.rows.map((r) => `${r.type} ${r.name}`);
}

const names = Object.keys(migrations);

describe('migrations', () => {
  it('are listed in the order their names sort', () => {
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('0001_core');
  });

  it('bring an empty database up to the latest schema', async () => {
    const { db } = freshDb();
    expect(await schema(db)).toEqual([]);
    const result = await migrateToLatest(db);
    expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(names.map((n) => [n, 'Success']));
    const tables = (await schema(db)).filter((s) => s.startsWith('table '));
    for (const t of [
      'job_runs',
      'outbox',
      'dev_messages',
      'settings',
      'audit_log',
      'rate_limits',
      'users',
      'sessions',
      'trips',
      'departures',
      'trips_fts',
    ]) {
      expect(tables).toContain(`table ${t}`);
    }
    // Running again finds nothing to do.
    expect((await migrateToLatest(db)).results).toEqual([]);
  });

  it('go all the way down and up again to the same schema', async () => {
    const { db } = freshDb();
    await migrateToLatest(db);
    const latest = await schema(db);
    for (const name of [...names].reverse()) {
      const r = await migrateDown(db);
      expect(r.results?.map((x) => [x.migrationName, x.direction, x.status])).toEqual([[name, 'Down', 'Success']]);
    }
    expect(await schema(db)).toEqual([]);
    await migrateToLatest(db);
    expect(await schema(db)).toEqual(latest);
  });

  it('a failing migration leaves no partial table and the earlier ones in place', async () => {
    const { db } = freshDb();
    const broken: Migration = {
      async up(d) {
        await d.schema
          .createTable('half_done')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute();
        await d.schema.createIndex('half_done_id').on('half_done').column('id').execute();
        await sql`insert into no_such_table values (1)`.execute(d);
      },
    };
    await expect(migrateToLatest(db, { ...migrations, '9999_broken': broken })).rejects.toThrow(
      /migration 9999_broken failed: no such table: no_such_table/,
    );

    const s = await schema(db);
    expect(s).not.toContain('table half_done');
    expect(s).not.toContain('index half_done_id');
    expect(s).toContain('table outbox');
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual(names);

    // Fixed, it applies cleanly on the next start.
    const fixed: Migration = {
      up: (d) =>
        d.schema
          .createTable('half_done')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .execute(),
    };
    await migrateToLatest(db, { ...migrations, '9999_broken': fixed });
    expect(await schema(db)).toContain('table half_done');
  });
});
