import type { Generated } from 'kysely';
import type { Role } from '../auth/tables.js';

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  /** The message kind (the outbox template, or `announcement`). */
  kind: string;
  title: string;
  body: Generated<string>;
  /** The path of what it is about (`/bookings/12`), if anything. */
  link: string | null;
  announcement_id: number | null;
  read_at: string | null;
  created_at: string;
}

export type PrefChannel = 'email' | 'sms' | 'whatsapp' | 'inapp';

export interface NotificationPrefsTable {
  user_id: number;
  kind: string;
  channel: PrefChannel;
  enabled: number;
}

export type Audience = 'all' | Role;

export interface AnnouncementsTable {
  id: Generated<number>;
  author_id: number | null;
  audience: Audience;
  title: string;
  body: string;
  until: string | null;
  created_at: string;
}

export interface NotificationTables {
  notifications: NotificationsTable;
  notification_prefs: NotificationPrefsTable;
  announcements: AnnouncementsTable;
}
