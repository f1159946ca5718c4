import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { DAY } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import type { Actor } from '../auth/permissions.js';
import { channel, publish } from '../live/service.js';
import { bannerData, bellData } from './inapp.js';
import {
  kindsFor,
  mustGo,
  PREF_CHANNELS,
  PRESETS,
  presetOf,
  secretOf,
  TOPICS,
  type Preset,
  type Topic,
} from './kinds.js';
import { safeNext } from '../lib/paths.js';
import type { Audience, PrefChannel } from './tables.js';
import * as q from './queries.js';
import type {
  AnnouncementItem,
  BannerItem,
  MailboxItem,
  MailboxMessage,
  NotificationItem,
  PrefChoices,
  PrefGroup,
} from './types.js';
import type { Channel } from '../lib/tables.js';
import {
  messagesTo,
  findDevMessage,
  listDevMessages,
  outboxCounts,
  pruneDelivered,
  requeueFailed,
  type DevMessageRow,
} from './queries.js';

const toItem = (r: DevMessageRow): MailboxItem => ({
  id: r.id,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  text: r.text,
  createdAt: r.created_at,
});

/** The latest messages the dev mailbox received, optionally for one recipient. */
export async function devMailbox(deps: Deps, to = ''): Promise<MailboxItem[]> {
  return (await listDevMessages(deps.db, 200, to || undefined)).map(toItem);
}

export async function devMessage(deps: Deps, id: number): Promise<MailboxMessage> {
  const r = await findDevMessage(deps.db, id);
  if (!r) throw new NotFoundError();
  const c = deps.config;
  const from =
    r.channel === 'email'
      ? c.mail.from
      : r.channel === 'sms'
        ? (c.twilio?.smsFrom ?? 'TrekTribe')
        : (c.twilio?.whatsappFrom ?? 'TrekTribe');
  return { ...toItem(r), html: r.html, from };
}

/** Messages by status, for the admin outbox page (its list and filters are the admin's own). */
export const outboxStatusCounts = (deps: Pick<Deps, 'db'>) => outboxCounts(deps.db);

/** Puts a failed message back in the queue with a fresh set of attempts (an admin action). */
export async function retryFailedMessage(deps: Deps, actorId: number, id: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const ok = await requeueFailed(trx, id, deps.clock.now().toISOString());
    if (!ok) throw new Conflict('That message is not failed (it may have been retried already).');
    await audit(trx, deps.clock, {
      actorId,
      action: 'outbox.retry',
      targetType: 'outbox',
      targetId: id,
      before: { status: 'failed' },
      after: { status: 'pending' },
    });
  });
}

/** How long delivered messages are kept (they carry sign-in links and one-time codes). */
export const KEEP_DELIVERED_DAYS = 30;

export async function forgetDeliveredMessages(deps: Deps): Promise<number> {
  return pruneDelivered(deps.db, new Date(deps.clock.now().getTime() - KEEP_DELIVERED_DAYS * DAY).toISOString());
}

// ---- The notification centre (issue 16): the list, the bell, preferences, announcements ----

const toNotification = (r: q.NotificationRow): NotificationItem => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  // Written as a path of ours; read back as one too (rows from before linkIn checked the host).
  link: safeNext(r.link),
  read: r.read_at !== null,
  createdAt: r.created_at,
});

export const NOTIFICATIONS_PAGE = 50;

/** A user's notifications, newest first, `NOTIFICATIONS_PAGE` at a time (older than `beforeId`). */
export async function notificationsOf(deps: Pick<Deps, 'db'>, actor: Actor, beforeId?: number) {
  const rows = await q.listNotifications(deps.db, actor.id, NOTIFICATIONS_PAGE + 1, beforeId);
  const items = rows.slice(0, NOTIFICATIONS_PAGE).map(toNotification);
  return { items, more: rows.length > NOTIFICATIONS_PAGE ? items[items.length - 1].id : null };
}

/** What a signed-in page's header shows: the unread count and the running announcements. */
export async function bellOf(
  deps: Pick<Deps, 'db' | 'clock'>,
  userId: number,
): Promise<{ unread: number; banners: BannerItem[] }> {
  const [unread, banners] = await Promise.all([
    q.unreadCount(deps.db, userId),
    q.activeBanners(deps.db, userId, deps.clock.now().toISOString()),
  ]);
  return {
    unread,
    banners: banners.map((b) => ({ announcementId: b.id, title: b.title, body: b.body, until: b.until })),
  };
}

/** The user's other tabs hear the new count at once. */
const publishBell = async (deps: Pick<Deps, 'db' | 'clock' | 'log'>, userId: number) =>
  publish(deps, { to: channel.user(userId), event: 'bell', data: bellData(await q.unreadCount(deps.db, userId)) });

/** Marks one notification read; where it points, for the route to go on to. */
export async function markRead(deps: Deps, actor: Actor, id: number): Promise<string | null> {
  const n = await q.findNotification(deps.db, actor.id, id);
  if (!n) throw new NotFoundError();
  if (await q.markNotificationRead(deps.db, actor.id, id, deps.clock.now().toISOString()))
    await publishBell(deps, actor.id);
  return n.link;
}

export async function markAllRead(deps: Deps, actor: Actor): Promise<number> {
  const n = await q.markAllNotificationsRead(deps.db, actor.id, deps.clock.now().toISOString());
  if (n > 0) await publishBell(deps, actor.id);
  return n;
}

export async function dismissAnnouncement(deps: Deps, actor: Actor, announcementId: number): Promise<void> {
  await q.markAnnouncementRead(deps.db, actor.id, announcementId, deps.clock.now().toISOString());
  await publishBell(deps, actor.id);
}

/** The kinds this user is sent, with the channels they chose (on unless turned off), by topic. */
export async function preferencesOf(deps: Pick<Deps, 'db'>, actor: Actor): Promise<PrefGroup[]> {
  const saved = await q.prefsOf(deps.db, actor.id);
  const off = new Set(saved.filter((r) => r.enabled === 0).map((r) => `${r.kind}|${r.channel}`));
  const rows = kindsFor(actor.role).map(([kind, k]) => {
    const forced = mustGo(kind);
    const on = Object.fromEntries(PREF_CHANNELS.map((ch) => [ch, forced || !off.has(`${kind}|${ch}`)])) as Record<
      PrefChannel,
      boolean
    >;
    return { kind, topic: k.topic, row: { kind, label: k.label, mustGo: forced, on } };
  });
  return (Object.entries(TOPICS) as [Topic, string][]).flatMap(([topic, label]) => {
    const mine = rows.filter((r) => r.topic === topic).map((r) => r.row);
    if (mine.length === 0) return [];
    const choosable = mine.filter((r) => !r.mustGo).map((r) => presetOf(r.on));
    const choice = choosable.length === 0 ? null : choosable.every((c) => c === choosable[0]) ? choosable[0] : 'custom';
    return [{ topic, label, choice, rows: mine }];
  });
}

/** The topics whose choice was changed on the form (from what it showed), with that choice. */
function changedTopics(f: PrefChoices): Map<string, Preset> {
  const shown = new Map(f.shown.map((v) => v.split('|') as [string, string]));
  const changed = new Map<string, Preset>();
  for (const [topic, choice] of f.group.map((v) => v.split('|') as [string, string]))
    if (choice in PRESETS && shown.get(topic) !== choice) changed.set(topic, choice as Preset);
  return changed;
}

/**
 * Saves the channels of every choosable kind: a topic whose choice changed on the form takes that
 * preset for all its kinds; the others take their ticked `${kind}|${channel}` boxes (every kind and
 * channel not ticked is turned off). Kinds that must go are not choosable and are not stored.
 */
export async function savePreferences(deps: Pick<Deps, 'db'>, actor: Actor, f: PrefChoices): Promise<void> {
  const ticked = new Set(f.on);
  const changed = changedTopics(f);
  const isOn = (kind: string, topic: string, ch: PrefChannel) => {
    const preset = changed.get(topic);
    return preset ? (PRESETS[preset].channels as readonly PrefChannel[]).includes(ch) : ticked.has(`${kind}|${ch}`);
  };
  const rows = kindsFor(actor.role)
    .filter(([kind]) => !mustGo(kind))
    .flatMap(([kind, k]) =>
      PREF_CHANNELS.filter((ch) => !isOn(kind, k.topic, ch)).map((ch) => ({ kind, channel: ch, enabled: 0 })),
    );
  await deps.db.transaction().execute((trx) => q.replacePrefs(trx, actor.id, rows));
}

export interface AnnouncementInput {
  audience: Audience;
  title: string;
  body: string;
  /** An IST date (YYYY-MM-DD): the banner shows until the end of that day. */
  until?: string;
}

export async function announcements(deps: Pick<Deps, 'db'>): Promise<AnnouncementItem[]> {
  return (await q.listAnnouncements(deps.db, 100)).map((a) => ({
    id: a.id,
    audience: a.audience,
    title: a.title,
    body: a.body,
    until: a.until,
    createdAt: a.created_at,
    author: a.author ?? null,
  }));
}

/** The end of an IST day, as UTC: "until 2026-12-05" means through that whole day in India. */
const endOfIstDay = (day: string) => new Date(Date.parse(`${day}T23:59:59.999+05:30`)).toISOString();

/**
 * An admin's announcement: stored, copied into the notifications of its audience, audited, in
 * one transaction; then published once to its channel (everyone, or the role) as the banner.
 */
export async function announce(deps: Deps, actor: Actor, input: AnnouncementInput): Promise<number> {
  const now = deps.clock.now();
  const until = input.until ? endOfIstDay(input.until) : null;
  if (until && until <= now.toISOString()) throw new DomainError('Choose a date from today on.', 'until');
  const created_at = now.toISOString();
  const { id, copies } = await deps.db.transaction().execute(async (trx) => {
    const id = await q.insertAnnouncement(trx, {
      author_id: actor.id,
      audience: input.audience,
      title: input.title,
      body: input.body,
      until,
      created_at,
    });
    const copies = await q.fanOutAnnouncement(trx, {
      id,
      audience: input.audience,
      title: input.title,
      body: input.body,
      created_at,
    });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'announcement.created',
      targetType: 'announcement',
      targetId: id,
      after: { audience: input.audience, title: input.title, until, copies },
    });
    return { id, copies };
  });
  const banner = bannerData({ announcementId: id, title: input.title, body: input.body, until });
  await publish(deps, {
    to: input.audience === 'all' ? channel.all : channel.role(input.audience),
    event: 'announcement',
    data: banner,
  });
  deps.log.info({ announcement: id, copies }, 'announcement sent');
  return id;
}
/** One message sent (or being sent) to someone, as a customer's timeline shows it. */
export interface SentMessage {
  id: number;
  channel: Channel;
  to: string;
  template: string;
  subject: string | null;
  /** What it said; of a one-time secret, only what it carried (see `secret`). */
  text: string;
  /** What a one-time secret message carried ("Password reset link"): its text is its recipient's alone. */
  secret: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

const textOf = (template: string, payload: string): { subject: string | null; text: string; secret: string | null } => {
  const secret = secretOf(template);
  if (secret !== null) return { subject: null, text: `${secret}: seen by its recipient alone.`, secret };
  try {
    const p = JSON.parse(payload) as { subject?: string | null; text?: string };
    return { subject: p.subject ?? null, text: p.text ?? '', secret: null };
  } catch {
    return { subject: null, text: '', secret: null };
  }
};

/**
 * Every message queued for these addresses (a customer's email and phone), newest first, as staff
 * may see them: a one-time secret (a reset link, a code) shows that it went and when, never itself.
 */
export async function messageTimeline(
  deps: Pick<Deps, 'db'>,
  recipients: string[],
  limit = 100,
): Promise<SentMessage[]> {
  const to = recipients.filter((r) => r !== '');
  if (to.length === 0) return [];
  return (await messagesTo(deps.db, to, limit)).map((r) => ({
    id: r.id,
    channel: r.channel,
    to: r.recipient,
    template: r.template,
    ...textOf(r.template, r.payload),
    status: r.status,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}

/** Erasing a person (in the erasure's transaction): their notifications and channel choices are deleted. */
export const eraseNotificationsOf = (trx: Kysely<Database>, userId: number) => q.deleteNotificationsOf(trx, userId);
