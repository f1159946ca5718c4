import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { Channel, DevMessagesTable, OutboxTable } from '../lib/tables.js';
import type { Audience, NotificationsTable, PrefChannel } from './tables.js';
import type { Role } from '../auth/tables.js';

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
/**
 * Queues a message for delivery, due now. The id is SQLite's last insert rowid: `returning`
 * would make it buffer the row first (see insertBooking).
 */
export async function insertOutbox(
  db: Db,
  m: { channel: Channel; recipient: string; template: string; payload: string; now: string },
): Promise<number> {
  const r = await db
    .insertInto('outbox')
    .values({
      channel: m.channel,
      recipient: m.recipient,
      template: m.template,
      payload: m.payload,
      next_attempt_at: m.now,
      created_at: m.now,
      last_error: null,
      provider_id: null,
      sent_at: null,
    })
    .executeTakeFirst();
  return Number(r.insertId);
}

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

// ---- The notification centre: in-app notifications, channel preferences, announcements ----
// The recipient of a message is found by its address in `users` (the outbox knows addresses,
// not accounts): one statement on the unique email (or the indexed phone).

export type NotificationRow = Selectable<NotificationsTable>;
export interface Recipient {
  id: number;
  role: Role;
  /** 0 when the user turned this kind off on this channel, 1 when on, null when never chosen. */
  wants: number | null;
  wants_inapp: number | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const prefOf = (eb: any, kind: string, channel: string) =>
  eb
    .selectFrom('notification_prefs as p')
    .select('p.enabled')
    .whereRef('p.user_id', '=', 'u.id')
    .where('p.kind', '=', kind)
    .where('p.channel', '=', channel as PrefChannel);

const recipientByEmail = (db: Db, v: { email: string; kind: string; channel: string }) =>
  db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.role',
      prefOf(eb, v.kind, v.channel).as('wants'),
      prefOf(eb, v.kind, 'inapp').as('wants_inapp'),
    ])
    .where('u.email', '=', v.email)
    .where('u.status', '=', 'active')
    .executeTakeFirst();

const recipientByPhone = (db: Db, v: { phone: string; kind: string; channel: string }) =>
  db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.role',
      prefOf(eb, v.kind, v.channel).as('wants'),
      prefOf(eb, v.kind, 'inapp').as('wants_inapp'),
    ])
    .where('u.phone', '=', v.phone)
    .where('u.phone_verified_at', 'is not', null)
    .where('u.status', '=', 'active')
    .orderBy('u.id')
    .limit(1)
    .executeTakeFirst();

export async function recipientOf(
  db: Db,
  channel: Channel,
  address: string,
  kind: string,
): Promise<Recipient | undefined> {
  const r =
    channel === 'email'
      ? await recipientByEmail(db, { email: address, kind, channel })
      : await recipientByPhone(db, { phone: address, kind, channel });
  return r as Recipient | undefined;
}

export async function insertNotification(
  db: Db,
  n: { user_id: number; kind: string; title: string; body: string; link: string | null; created_at: string },
): Promise<number> {
  const r = await db
    .insertInto('notifications')
    .values({
      user_id: n.user_id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      announcement_id: null,
      read_at: null,
      created_at: n.created_at,
    })
    .executeTakeFirst();
  return Number(r.insertId);
}

/** The bell shows "99+" past 99: counting stops at 100, so a long unread list costs no more than that. */
export const UNREAD_CAP = 100;

export async function unreadCount(db: Db, userId: number): Promise<number> {
  const r = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .limit(UNREAD_CAP)
        .as('unread'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function listNotifications(db: Db, userId: number, limit: number, beforeId?: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .$if(beforeId !== undefined, (q) => q.where('id', '<', beforeId!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findNotification(db: Db, userId: number, id: number) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function markNotificationRead(db: Db, userId: number, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markAllNotificationsRead(db: Db, userId: number, now: string): Promise<number> {
  const r = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markAnnouncementRead(db: Db, userId: number, announcementId: number, now: string) {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('announcement_id', '=', announcementId)
    .where('read_at', 'is', null)
    .execute();
}

/** The announcements a user has not dismissed (nor read in the list), while they run. */
export async function activeBanners(db: Db, userId: number, now: string) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('announcements as a', 'a.id', 'n.announcement_id')
    .select(['a.id', 'a.title', 'a.body', 'a.until'])
    .where('n.user_id', '=', userId)
    .where('n.read_at', 'is', null)
    .where((eb) => eb.or([eb('a.until', 'is', null), eb('a.until', '>', now)]))
    .orderBy('a.id', 'desc')
    .limit(3)
    .execute();
}

export async function prefsOf(db: Db, userId: number) {
  return db.selectFrom('notification_prefs').selectAll().where('user_id', '=', userId).execute();
}

export async function replacePrefs(
  db: Db,
  userId: number,
  rows: { kind: string; channel: PrefChannel; enabled: number }[],
): Promise<void> {
  await db.deleteFrom('notification_prefs').where('user_id', '=', userId).execute();
  if (rows.length > 0)
    await db
      .insertInto('notification_prefs')
      .values(rows.map((r) => ({ ...r, user_id: userId })))
      .execute();
}

export async function insertAnnouncement(
  db: Db,
  a: { author_id: number; audience: Audience; title: string; body: string; until: string | null; created_at: string },
): Promise<number> {
  const r = await db.insertInto('announcements').values(a).executeTakeFirstOrThrow();
  return Number(r.insertId);
}

/** A copy in the notifications of every active account of the audience, unless they turned announcements off in the app. */
export async function fanOutAnnouncement(
  db: Db,
  a: { id: number; audience: Audience; title: string; body: string; created_at: string },
): Promise<number> {
  const r = await db
    .insertInto('notifications')
    .columns(['user_id', 'kind', 'title', 'body', 'link', 'announcement_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('users as u')
        .select((s) => [
          'u.id',
          s.val('announcement').as('kind'),
          s.val(a.title).as('title'),
          s.val(a.body).as('body'),
          s.val('/notifications').as('link'),
          s.val(a.id).as('announcement_id'),
          s.val(a.created_at).as('created_at'),
        ])
        .where('u.status', '=', 'active')
        .$if(a.audience !== 'all', (q) => q.where('u.role', '=', a.audience as Role))
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('notification_prefs as p')
                .select('p.user_id')
                .whereRef('p.user_id', '=', 'u.id')
                .where('p.kind', '=', 'announcement')
                .where('p.channel', '=', 'inapp')
                .where('p.enabled', '=', 0),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function listAnnouncements(db: Db, limit: number) {
  return db
    .selectFrom('announcements as a')
    .leftJoin('users as u', 'u.id', 'a.author_id')
    .select(['a.id', 'a.audience', 'a.title', 'a.body', 'a.until', 'a.created_at', 'u.name as author'])
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
}

export async function findAnnouncement(db: Db, id: number) {
  return db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst();
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

/** A person's erasure: their in-app notifications and channel choices go (they name them and their bookings). */
export async function deleteNotificationsOf(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('notifications').where('user_id', '=', userId).execute();
  await db.deleteFrom('notification_prefs').where('user_id', '=', userId).execute();
}
