import { formatDateTime } from '../../src/lib/time.js';

/** The bell's badge: the number of unread notifications, or nothing. Also the `bell` event's data. */
export function BellCount(p: { unread: number }) {
  if (p.unread <= 0) return <span class="count" hidden></span>;
  return (
    <span class="count" aria-label={`${p.unread} unread`}>
      {p.unread > 99 ? '99+' : p.unread}
    </span>
  );
}

export interface BannerItem {
  announcementId: number;
  title: string;
  body: string;
  until: string | null;
}

/** An announcement at the top of every page until it is dismissed (or its date passes). Also the `announcement` event's data. */
export function Banner(p: { b: BannerItem }) {
  const b = p.b;
  return (
    <aside class="banner" id={`announcement-${b.announcementId}`} role="status">
      <strong>{b.title}</strong> {b.body}
      {b.until && <small class="muted"> (until {formatDateTime(b.until)})</small>}
      <form method="post" action={`/announcements/${b.announcementId}/dismiss`} hx-boost="false">
        <button type="submit" class="secondary outline">
          Dismiss
        </button>
      </form>
    </aside>
  );
}
