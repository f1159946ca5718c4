import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The cheapest statement that proves the database answers. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Rewrites the probe row with `padBytes` of zeros: its commit appends about as many bytes to the
 * WAL as a booking's does, so it fails where a booking would for want of space.
 */
export async function rewriteProbe(db: Kysely<Database>, at: string, padBytes: number): Promise<void> {
  await sql`insert into storage_probe (id, at, pad) values (1, ${at}, zeroblob(${padBytes}))
            on conflict (id) do update set at = excluded.at, pad = excluded.pad`.execute(db);
}

/** When this database was set up: its first migration's time (null before any). */
export async function installedAt(db: Kysely<Database>): Promise<string | null> {
  const r = await sql<{ at: string | null }>`select min(timestamp) as at from kysely_migration`.execute(db);
  return r.rows[0]?.at ?? null;
}
