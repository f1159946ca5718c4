import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../schema.js';
import type { SupportMessagesTable, SupportTicketsTable, TicketStatus } from './tables.js';

type Db = Kysely<Database>;

export type TicketRow = Selectable<SupportTicketsTable> & {
  customer_name: string;
  customer_email: string;
  assignee_name: string | null;
  booking_code: string | null;
};
export type MessageRow = Selectable<SupportMessagesTable> & { author_name: string; author_role: string };

/** A ticket with the names the pages show (customer, assignee, booking code). */
const ticketBase = (db: Db) =>
  db
    .selectFrom('support_tickets as t')
    .innerJoin('users as c', 'c.id', 't.customer_id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('bookings as b', 'b.id', 't.booking_id')
    .selectAll('t')
    .select([
      'c.name as customer_name',
      'c.email as customer_email',
      'a.name as assignee_name',
      'b.code as booking_code',
    ]);

export function findTicket(db: Db, id: number): Promise<TicketRow | undefined> {
  return ticketBase(db).where('t.id', '=', id).executeTakeFirst();
}

export function ticketsOfCustomer(db: Db, customerId: number, limit = 100): Promise<TicketRow[]> {
  return ticketBase(db).where('t.customer_id', '=', customerId).orderBy('t.id', 'desc').limit(limit).execute();
}

export async function insertTicket(db: Db, v: Insertable<SupportTicketsTable>): Promise<number> {
  const { insertId } = await db.insertInto('support_tickets').values(v).executeTakeFirstOrThrow();
  return Number(insertId);
}

export async function insertMessage(db: Db, v: Insertable<SupportMessagesTable>): Promise<number> {
  const { insertId } = await db.insertInto('support_messages').values(v).executeTakeFirstOrThrow();
  return Number(insertId);
}

/** The thread; `withNotes` false leaves the agents' internal notes out in SQL, so they never reach a customer's page. */
export function messagesOf(db: Db, ticketId: number, withNotes: boolean): Promise<MessageRow[]> {
  let q = db
    .selectFrom('support_messages as m')
    .innerJoin('users as u', 'u.id', 'm.author_id')
    .selectAll('m')
    .select(['u.name as author_name', 'u.role as author_role'])
    .where('m.ticket_id', '=', ticketId);
  if (!withNotes) q = q.where('m.kind', '=', 'reply');
  return q.orderBy('m.id').execute();
}

/** Whether a stored image key belongs to a customer-visible message of the ticket. */
export async function ticketHasImage(db: Db, ticketId: number, key: string): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*) as n from support_messages m, json_each(m.images) j
    where m.ticket_id = ${ticketId} and m.kind = 'reply' and json_extract(j.value, '$.key') = ${key}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Changes a ticket only while it is still in one of `from` (a conditional update); whether it did. */
export async function updateTicketIf(
  db: Db,
  id: number,
  from: readonly TicketStatus[],
  set: Updateable<SupportTicketsTable>,
): Promise<boolean> {
  const r = await db
    .updateTable('support_tickets')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function updateTicket(db: Db, id: number, set: Updateable<SupportTicketsTable>): Promise<void> {
  await db.updateTable('support_tickets').set(set).where('id', '=', id).execute();
}

/** Assigns an unassigned ticket (or re-assigns when `force`); whether it changed. */
export async function assignTicket(db: Db, id: number, agentId: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('support_tickets')
    .set({ assignee_id: agentId, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('assignee_id', 'is', null), eb('assignee_id', '!=', agentId)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The first agent reply, once. */
export async function markFirstResponse(db: Db, id: number, agentId: number, at: string): Promise<void> {
  await db
    .updateTable('support_tickets')
    .set({ first_response_at: at, first_responder_id: agentId })
    .where('id', '=', id)
    .where('first_response_at', 'is', null)
    .execute();
}

/** The rating, once: only a resolved (or since closed) ticket with no rating yet takes it. */
export async function rateOnce(db: Db, id: number, rating: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('support_tickets')
    .set({ rating, rated_at: at })
    .where('id', '=', id)
    .where('rating', 'is', null)
    .where('resolved_at', 'is not', null)
    .where('status', 'in', ['resolved', 'closed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------- the queue

export interface QueueFilter {
  /** 'active' = open, in progress and waiting on the customer. */
  status: TicketStatus | 'active' | 'all';
  assignee: 'any' | 'unassigned' | 'mine';
  agentId: number;
  /** Only tickets opened at or before this instant (the age filter). */
  createdBefore: string | null;
  aboutBooking: boolean;
  /** Keyset paging: tickets opened after this (created_at, id). */
  after: { createdAt: string; id: number } | null;
  limit: number;
}

/**
 * One page of the queue, oldest first. The active set is read from (active, created_at), a
 * single status from (status, created_at), mine and unassigned from (assignee_id, active or
 * status, created_at), about a booking from a partial index: each stops after `limit` rows
 * instead of sorting every match (migration 0056).
 */
export function queuePage(db: Db, f: QueueFilter): Promise<TicketRow[]> {
  return queueQuery(db, f).execute();
}

/** The queue's SQL (EXPLAIN QUERY PLAN in bench/support.bench.ts). */
export const queueSql = (db: Db, agentId: number, f: Partial<Omit<QueueFilter, 'agentId'>>) =>
  queueQuery(db, {
    status: 'active',
    assignee: 'any',
    createdBefore: null,
    aboutBooking: false,
    after: null,
    limit: 51,
    ...f,
    agentId,
  } as QueueFilter).compile();

function queueQuery(db: Db, f: QueueFilter) {
  let q = ticketBase(db);
  if (f.status === 'active') q = q.where('t.active', '=', 1);
  else if (f.status !== 'all') q = q.where('t.status', '=', f.status);
  if (f.assignee === 'unassigned') q = q.where('t.assignee_id', 'is', null);
  if (f.assignee === 'mine') q = q.where('t.assignee_id', '=', f.agentId);
  if (f.createdBefore) q = q.where('t.created_at', '<=', f.createdBefore);
  if (f.aboutBooking) q = q.where(sql<boolean>`t.booking_id is not null`);
  if (f.after) {
    const { createdAt, id } = f.after;
    q = q.where((eb) =>
      eb.or([eb('t.created_at', '>', createdAt), eb.and([eb('t.created_at', '=', createdAt), eb('t.id', '>', id)])]),
    );
  }
  return q.orderBy('t.created_at').orderBy('t.id').limit(f.limit);
}

// ---------------------------------------------------------------- the auto-close job

export function waitingSince(db: Db, before: string, limit: number): Promise<{ id: number }[]> {
  return db
    .selectFrom('support_tickets')
    .select('id')
    .where(sql<boolean>`status = 'waiting'`)
    .where('waiting_since', '<=', before)
    .orderBy('waiting_since')
    .limit(limit)
    .execute();
}

// ---------------------------------------------------------------- agent stats

export interface AgentCounts {
  agent_id: number;
  name: string;
  open: number;
  resolved_week: number;
}

/**
 * Per agent: tickets assigned and still active, and tickets resolved since `weekStart`. Two
 * grouped reads (the (assignee_id, active) index, covering; the resolved_at index) instead of
 * a pair of subqueries per agent: 500 agents took 145 ms that way, see bench/support.bench.ts.
 */
export async function agentCounts(db: Db, weekStart: string): Promise<AgentCounts[]> {
  const [agents, open, resolved] = await Promise.all([
    sql<{ id: number; name: string }>`select id, name from users
      where role in ('agent','admin') and status = 'active' order by name`.execute(db),
    sql<{ agent_id: number; n: number }>`select assignee_id as agent_id, count(*) as n from support_tickets
      where assignee_id is not null and active = 1 group by assignee_id`.execute(db),
    sql<{ agent_id: number; n: number }>`select assignee_id as agent_id, count(*) as n from support_tickets
      where resolved_at >= ${weekStart} and assignee_id is not null group by assignee_id`.execute(db),
  ]);
  const byAgent = (rows: { agent_id: number; n: number }[]) => new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
  const o = byAgent(open.rows);
  const r = byAgent(resolved.rows);
  return agents.rows.map((a) => ({
    agent_id: a.id,
    name: a.name,
    open: o.get(a.id) ?? 0,
    resolved_week: r.get(a.id) ?? 0,
  }));
}

/** (agent, seconds to the first reply) of tickets opened since `since`. */
export async function firstResponses(db: Db, since: string): Promise<{ agent_id: number; seconds: number }[]> {
  const r = await sql<{ agent_id: number; seconds: number }>`
    select first_responder_id as agent_id,
      (julianday(first_response_at) - julianday(created_at)) * 86400.0 as seconds
    from support_tickets
    where created_at >= ${since} and first_response_at is not null`.execute(db);
  return r.rows;
}

export async function activeTicketCount(db: Db): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from support_tickets where active = 1`.execute(db);
  return Number(r.rows[0].n);
}

// ---------------------------------------------------------------- saved replies

export function savedReplies(db: Db) {
  return db.selectFrom('saved_replies').selectAll().orderBy('title').limit(200).execute();
}

export function findSavedReply(db: Db, id: number) {
  return db.selectFrom('saved_replies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSavedReply(db: Db, v: { title: string; body: string; by: number; now: string }) {
  await db
    .insertInto('saved_replies')
    .values({ title: v.title, body: v.body, created_by: v.by, created_at: v.now, updated_at: v.now })
    .execute();
}

export async function updateSavedReply(db: Db, id: number, v: { title: string; body: string; now: string }) {
  const r = await db
    .updateTable('saved_replies')
    .set({ title: v.title, body: v.body, updated_at: v.now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteSavedReply(db: Db, id: number) {
  const r = await db.deleteFrom('saved_replies').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The images in the messages a person wrote (files to delete once their erasure commits). */
export async function imagesWrittenBy(db: Db, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('support_messages')
    .select('images')
    .where('author_id', '=', userId)
    .where('images', '!=', '[]')
    .execute();
  return rows.map((r) => r.images);
}

/** A person's erasure: the subjects of the tickets they opened and every message they wrote are replaced. */
export async function eraseTextOf(db: Db, userId: number, erased: string, now: string): Promise<void> {
  await db
    .updateTable('support_tickets')
    .set({ subject: erased, updated_at: now })
    .where('customer_id', '=', userId)
    .execute();
  await db
    .updateTable('support_messages')
    .set({ body: erased, images: '[]' })
    .where('author_id', '=', userId)
    .execute();
}
