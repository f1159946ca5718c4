import { formatDateTime } from '../../src/lib/time.js';
import type { BannerItem } from '../../src/notifications/types.js';

// lib/env.ts names the header's banners by this module.
export type { BannerItem } from '../../src/notifications/types.js';

/**
 * The bell's name and badge: "Notifications, 5 unread" for screen readers (visually hidden text,
 * not an aria-label, so the name stays right when the live `bell` event swaps this in: it is that
 * event's data) and the number, or nothing, for the eye.
 */
export function BellCount(p: { unread: number }) {
  if (p.unread <= 0)
    return (
      <>
        <span class="vh">Notifications</span>
        <span class="count" hidden></span>
      </>
    );
  const shown = p.unread > 99 ? '99+' : String(p.unread);
  return (
    <>
      <span class="vh">Notifications, {shown} unread</span>
      <span class="count" aria-hidden="true">
        {shown}
      </span>
    </>
  );
}

/** An announcement at the top of every page until it is dismissed (or its date passes). Also the `announcement` event's data. */
export function Banner(p: { b: BannerItem }) {
  const b = p.b;
  return (
    <div class="banner" id={`announcement-${b.announcementId}`} role="status">
      <strong>{b.title}</strong> {b.body}
      {b.until && <small class="muted"> (until {formatDateTime(b.until)})</small>}
      <form method="post" action={`/announcements/${b.announcementId}/dismiss`} hx-boost="false">
        <button type="submit" class="secondary outline">
          Dismiss
        </button>
      </form>
    </div>
  );
}

/**
 * A piece of a page kept live: on `event` (from the page's `topic`, or the user's own channels)
 * the element `target` (an id selector) is fetched again from this page's URL and replaced; a
 * reload shows the same, since it is the same page.
 */
export interface LivePiece {
  event: string;
  target: string;
  /** The URL to fetch the piece from (the page itself). */
  from: string;
  /** Another element (an id selector) taken from the same response and swapped in too. */
  also?: string;
  /** 'data': the event's data is the piece, swapped in as it comes (nothing is fetched). */
  swap?: 'data';
}

export interface LayoutLive {
  /** The tab's stream: /events with the page's topics. */
  url: string;
  unread: number;
  banners: BannerItem[];
  pieces: LivePiece[];
}

/**
 * The tab's one stream, and what each event does. The pieces it updates sit anywhere on the
 * page: each listener here targets its piece by id, so the header and main need not sit inside
 * the stream's element. A boosted navigation replaces this element with the next page's, which
 * opens that page's stream (with its topics) as the old one closes. It closes for good on
 * `signed-out`.
 */
export function LiveSource(p: { live: LayoutLive }) {
  return (
    <div id="live" hx-ext="sse" sse-connect={p.live.url} sse-close="signed-out" hidden>
      <div sse-swap="bell" hx-target="#bell-count" hx-swap="innerHTML"></div>
      <div sse-swap="announcement" hx-target="#live-banners" hx-swap="afterbegin"></div>
      {p.live.pieces.map((x) =>
        x.swap === 'data' ? (
          <div sse-swap={x.event} hx-target={x.target} hx-swap="outerHTML"></div>
        ) : (
          <div
            hx-trigger={`sse:${x.event}`}
            hx-get={x.from}
            hx-select={x.target}
            hx-select-oob={x.also}
            hx-target={x.target}
            hx-swap="outerHTML"
          ></div>
        ),
      )}
    </div>
  );
}
