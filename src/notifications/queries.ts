import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { Channel, DevMessagesTable, OutboxTable } from '../lib/tables.js';

type Db = Kysely<Database>;
export type OutboxRow = Selectable<OutboxTable>;
export type DevMessageRow = Selectable<DevMessagesTable>;

type Claim = { now: string; leaseUntil: string; maxAttempts: number; skipChannels: Channel[] };

const claimQuery = (db: Db, o: Claim) => {
  const nextDue = (status: 'pending' | 'sending') =>
    db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', status)
      .where('next_attempt_at', '<=', o.now)
      .where('attempts', '<', o.maxAttempts)
      .$if(o.skipChannels.length > 0, (q) => q.where('channel', 'not in', o.skipChannels))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(1);
  return db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: o.leaseUntil }))
    .where('id', '=', (eb) => eb.fn.coalesce(nextDue('sending'), nextDue('pending')))
    .returningAll();
};

/**
 * Claims the next due row in one statement, so two runs (or two processes) can never
 * claim the same row: a 'sending' row under an expired lease (its sender died) first, else
 * the 'pending' row due longest. The claim counts as an attempt and holds the row until
 * `leaseUntil`. Each status is looked up on its own because `status in (…)` ordered by due
 * time made SQLite sort every due row on every claim: with a backlog of thousands, delivery
 * cost more than the bookings that queued it.
 */
export async function claimNextDue(db: Db, o: Claim): Promise<OutboxRow | undefined> {
  return claimQuery(db, o).executeTakeFirst();
}

/** Rows whose every attempt was interrupted (lease expired with no attempts left). */
export async function failExhaustedLeases(db: Db, now: string, maxAttempts: number): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: 'delivery was interrupted on every attempt' })
    .where('status', '=', 'sending')
    .where('next_attempt_at', '<=', now)
    .where('attempts', '>=', maxAttempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The guard on `attempts` makes sure we only settle a claim that is still ours. */
export async function markSent(
  db: Db,
  row: { id: number; attempts: number },
  providerId: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', provider_id: providerId, sent_at: now, last_error: null })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', row.attempts)
    .execute();
}

export async function markRetry(
  db: Db,
  row: { id: number; attempts: number },
  nextAttemptAt: string,
  error: string,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: nextAttemptAt, last_error: error })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', row.attempts)
    .execute();
}

export async function markFailed(db: Db, row: { id: number; attempts: number }, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: error })
    .where('id', '=', row.id)
    .where('status', '=', 'sending')
    .where('attempts', '=', row.attempts)
    .execute();
}

/** A failed message goes back in the queue with a fresh set of attempts. */
export async function requeueFailed(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** At most one dev_messages row per outbox row, even if a delivery is repeated after a crash (a repeat gets the first one's id). */
export async function recordDevMessage(db: Db, m: Omit<DevMessageRow, 'id'>): Promise<number> {
  const inserted = await db
    .insertInto('dev_messages')
    .values(m)
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('dev_messages')
    .select('id')
    .where('outbox_id', '=', m.outbox_id)
    .executeTakeFirstOrThrow();
  return existing.id;
}

export async function outboxCounts(db: Db): Promise<Record<OutboxRow['status'], number>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Messages that failed for good, or are being retried after an error: newest trouble first. */
export async function troubledMessages(db: Db, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', 'in', ['pending', 'sending']), eb('last_error', 'is not', null)]),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function listDevMessages(db: Db, limit: number, recipient?: string): Promise<DevMessageRow[]> {
  return db
    .selectFrom('dev_messages')
    .selectAll()
    .$if(recipient !== undefined, (q) =>
      q.where(sql<boolean>`recipient like ${'%' + recipient!.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%'} escape '\\'`),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findDevMessage(db: Db, id: number): Promise<DevMessageRow | undefined> {
  return db.selectFrom('dev_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sent messages and dev-mailbox copies older than `before` (ISO): they hold codes and links. */
export async function pruneDelivered(db: Db, before: string): Promise<number> {
  const a = await db.deleteFrom('outbox').where('status', '=', 'sent').where('sent_at', '<', before).executeTakeFirst();
  const b = await db.deleteFrom('dev_messages').where('created_at', '<', before).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

/** Every message to any of these addresses (email, phone), newest first: a customer's timeline (index outbox_recipient). */
export function messagesTo(db: Db, recipients: string[], limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('recipient', 'in', recipients)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
