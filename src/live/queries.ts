import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { LiveEventsTable } from './tables.js';

type Db = Kysely<Database>;
export type LiveEventRow = Pick<Selectable<LiveEventsTable>, 'id' | 'channel' | 'event' | 'data'>;

export async function insertEvents(
  db: Db,
  rows: { channel: string; event: string; data: string; created_at: string }[],
): Promise<void> {
  if (rows.length > 0) await db.insertInto('live_events').values(rows).execute();
}

export async function lastEventId(db: Db): Promise<number> {
  const r = await db
    .selectFrom('live_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

/** The events after `afterId`, oldest first: a range scan of the primary key. */
export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<LiveEventRow[]> {
  return db
    .selectFrom('live_events')
    .select(['id', 'channel', 'event', 'data'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** What one stream missed: its channels' events in (afterId, upTo], oldest first. */
export async function missedEvents(
  db: Db,
  o: { afterId: number; upTo: number; channels: string[]; limit: number },
): Promise<LiveEventRow[]> {
  const newest = await db
    .selectFrom('live_events')
    .select(['id', 'channel', 'event', 'data'])
    .where('id', '>', o.afterId)
    .where('id', '<=', o.upTo)
    .where('channel', 'in', o.channels)
    .orderBy('id', 'desc')
    .limit(o.limit)
    .execute();
  return newest.reverse();
}

export async function pruneEvents(db: Db, before: string): Promise<number> {
  const r = await db.deleteFrom('live_events').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
