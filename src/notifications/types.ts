/**
 * What the notification pages, the header's bell and banners, and the dev mailbox show: the
 * domain types the service hands to views/notifications/. Views import these, never the service.
 */
import type { Channel } from '../lib/tables.js';
import type { Topic, TopicChoice } from './kinds.js';
import type { Audience, PrefChannel } from './tables.js';

export interface BannerItem {
  announcementId: number;
  title: string;
  body: string;
  until: string | null;
}

export interface NotificationItem {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  read: boolean;
  createdAt: string;
}

export interface PrefRow {
  kind: string;
  label: string;
  mustGo: boolean;
  /** Channel → on. */
  on: Record<PrefChannel, boolean>;
}

/** A topic on the settings page: one choice for its kinds, and each kind as set. */
export interface PrefGroup {
  topic: Topic;
  label: string;
  /** The preset its choosable kinds match, "custom" when they differ; null when every kind must go. */
  choice: TopicChoice | null;
  rows: PrefRow[];
}

/** What the settings form sends: ticked `${kind}|${channel}` boxes, and per topic its choice and the one shown. */
export interface PrefChoices {
  on: string[];
  /** `${topic}|${choice}` of each topic's select. */
  group: string[];
  /** `${topic}|${choice}` as the page showed it: a topic whose choice changed takes it for all its kinds. */
  shown: string[];
}

export interface AnnouncementItem {
  id: number;
  audience: Audience;
  title: string;
  body: string;
  until: string | null;
  createdAt: string;
  author: string | null;
}

export interface MailboxItem {
  id: number;
  channel: Channel;
  recipient: string;
  subject: string | null;
  text: string;
  createdAt: string;
}

export interface MailboxMessage extends MailboxItem {
  html: string | null;
  from: string;
}
