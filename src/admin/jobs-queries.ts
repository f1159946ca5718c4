import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { JobRunsTable } from '../lib/tables.js';

type Db = Kysely<Database>;
export type JobRunRow = Selectable<JobRunsTable>;

/** The latest runs of one job, or of all jobs but without the fine runs of `hideOkOf`. */
export async function recentRuns(
  db: Db,
  limit: number,
  o: { name?: string; hideOkOf?: string[] } = {},
): Promise<JobRunRow[]> {
  const hide = o.hideOkOf ?? [];
  return db
    .selectFrom('job_runs')
    .selectAll()
    .$if(o.name !== undefined, (q) => q.where('name', '=', o.name!))
    .$if(o.name === undefined && hide.length > 0, (q) =>
      q.where((eb) => eb.not(eb.and([eb('name', 'in', hide), eb('outcome', '=', 'ok')]))),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The latest run of each job that did something (ok or failed), by name. */
export async function lastRuns(db: Db): Promise<JobRunRow[]> {
  return db
    .selectFrom('job_runs')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('job_runs')
        .select((e) => e.fn.max('id').as('id'))
        .where('outcome', '!=', 'skipped')
        .groupBy('name'),
    )
    .execute();
}

/** Failed runs since `since` (ISO), per job. */
export async function failuresSince(db: Db, since: string): Promise<{ name: string; n: number }[]> {
  const rows = await db
    .selectFrom('job_runs')
    .select((eb) => ['name', eb.fn.countAll<number>().as('n')])
    .where('outcome', '=', 'failed')
    .where('started_at', '>=', since)
    .groupBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, n: Number(r.n) }));
}
