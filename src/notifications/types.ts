/**
 * What the notification pages, the header's bell and banners, and the dev mailbox show: the
 * domain types the service hands to views/notifications/. Views import these, never the service.
 */
import type { Channel } from '../lib/tables.js';
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
