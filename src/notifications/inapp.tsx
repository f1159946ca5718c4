import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import { channel, publishWith } from '../live/service.js';
import { Banner, BellCount } from '../../views/notifications/live.js';
import type { BannerItem } from './types.js';
import { ownPath } from '../lib/paths.js';
import { insertNotification, unreadCount } from './queries.js';

/** The `bell` event's data: the badge with the user's unread count (a few dozen bytes). */
export const bellData = (unread: number) => (<BellCount unread={unread} />).toString();

/** The `announcement` event's data: the banner, the same for everyone who gets it. */
export const bannerData = (b: BannerItem) => (<Banner b={b} />).toString();

/**
 * The path of the first link to our own site (`origin`, config.publicUrl's) in a message, unless
 * it carries a secret (a one-time token). A message quotes what people typed (a traveler's name),
 * so a link elsewhere, or one a browser would read as another host ("//evil.example",
 * "/\evil.example"), is never taken: only a path that starts with exactly one "/".
 */
export function linkIn(text: string, origin: string): string | null {
  for (const m of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const path = ownPath(m[0], origin);
    if (path === null || /token|code|secret/i.test(new URL(path, origin).search)) continue;
    return path;
  }
  return null;
}

/** The first paragraph of a message, without its links: what the notification list shows under the title. */
export function summaryOf(text: string): string {
  const first = text.split(/\n\s*\n/)[0] ?? '';
  return first
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/**
 * A notification in the user's list, and their bell's new count, in the caller's transaction:
 * both exist exactly when the change that caused them does (see publishWith).
 */
export async function addNotification(
  trx: Kysely<Database>,
  clock: Clock,
  n: { userId: number; kind: string; title: string; body: string; link: string | null },
): Promise<number> {
  const id = await insertNotification(trx, {
    user_id: n.userId,
    kind: n.kind,
    title: n.title.slice(0, 200),
    body: n.body,
    link: n.link,
    created_at: clock.now().toISOString(),
  });
  await publishWith(trx, clock, {
    to: channel.user(n.userId),
    event: 'bell',
    data: bellData(await unreadCount(trx, n.userId)),
  });
  return id;
}
