import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * The SQL of the shared machinery in lib/: rate-limit counters, job runs, the audit log, settings.
 * Each takes the database or the transaction it runs in.
 */
type Db = Kysely<Database>;

// Rate limits -------------------------------------------------------------------------------

export const rateCounter = (db: Db, key: string) =>
  db.selectFrom('rate_limits').select(['count', 'window_start']).where('key', '=', key).executeTakeFirst();

/** One hit on `key`: a new window when the old one started at or before `windowFloor`. One statement, so concurrent hits all count. */
export async function countHit(db: Db, key: string, now: string, windowFloor: string): Promise<void> {
  await db
    .insertInto('rate_limits')
    .values({ key, count: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql`case when rate_limits.window_start <= ${windowFloor} then 1 else rate_limits.count + 1 end`,
        window_start: sql`case when rate_limits.window_start <= ${windowFloor} then ${now} else rate_limits.window_start end`,
      }),
    )
    .execute();
}

export async function uncountHit(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).where('count', '<=', 1).execute();
  await db
    .updateTable('rate_limits')
    .set({ count: sql`count - 1` })
    .where('key', '=', key)
    .execute();
}

export async function deleteCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

// Job runs ----------------------------------------------------------------------------------

export type RunOutcome = 'running' | 'ok' | 'failed' | 'skipped';

export async function insertJobRun(
  db: Db,
  r: { name: string; startedAt: string; finishedAt: string | null; outcome: RunOutcome; detail: string | null },
): Promise<number> {
  const { id } = await db
    .insertInto('job_runs')
    .values({ name: r.name, started_at: r.startedAt, finished_at: r.finishedAt, outcome: r.outcome, detail: r.detail })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function finishJobRun(
  db: Db,
  id: number,
  r: { finishedAt: string; outcome: 'ok' | 'failed'; detail: string | null },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ finished_at: r.finishedAt, outcome: r.outcome, detail: r.detail })
    .where('id', '=', id)
    .execute();
}

export async function deleteJobRuns(db: Db, o: { uneventfulBefore: string; failedBefore: string }): Promise<number> {
  const a = await db
    .deleteFrom('job_runs')
    .where('outcome', 'in', ['ok', 'skipped'])
    .where('started_at', '<', o.uneventfulBefore)
    .executeTakeFirst();
  const b = await db
    .deleteFrom('job_runs')
    .where('outcome', '=', 'failed')
    .where('started_at', '<', o.failedBefore)
    .executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

// Audit log ---------------------------------------------------------------------------------

export async function insertAudit(
  db: Db,
  row: {
    actor_id: number | null;
    action: string;
    target_type: string;
    target_id: string | null;
    before: string | null;
    after: string | null;
    created_at: string;
  },
): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

// The WAL ---------------------------------------------------------------------------------------

/** PRAGMA wal_checkpoint(TRUNCATE); false when it could not finish (see emptyWal in storage.ts). */
export async function checkpointAndTruncateWal(db: Db): Promise<boolean> {
  const r = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  return r.rows[0]?.busy === 0;
}

// Settings ----------------------------------------------------------------------------------

export const allSettings = (db: Db) => db.selectFrom('settings').select(['key', 'value']).execute();

export const settingValue = (db: Db, key: string) =>
  db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();

export async function upsertSetting(db: Db, key: string, value: string, now: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

// What changed ------------------------------------------------------------------------------

/**
 * Changes whenever anything is written to the database: by this connection (every write of
 * this process goes through it) or by another process (data_version).
 */
export async function changeStamp(db: Db): Promise<string> {
  const r = await sql<{
    c: number;
    v: number;
  }>`select total_changes() as c, (select data_version from pragma_data_version) as v`.execute(db);
  return `${r.rows[0].c}:${r.rows[0].v}`;
}
