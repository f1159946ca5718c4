import type { Child } from 'hono/jsx';
import type { Channel } from '../../src/lib/tables.js';
import type { MailboxItem, MailboxMessage } from '../../src/notifications/types.js';
import { formatDateTime } from '../../src/lib/time.js';

const CHANNEL_LABEL: Record<Channel, string> = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp' };

const DevNotice = () => (
  <p class="muted">
    Development only: no email, SMS or WhatsApp provider is configured, so messages land here instead. This page is
    never served in production.
  </p>
);

/** Every message that would have been sent, newest first. */
export function MailboxPage(p: { items: MailboxItem[]; to: string }) {
  return (
    <section>
      <h1>Dev mailbox</h1>
      <DevNotice />
      <form method="get" action="/dev/mailbox" role="search">
        <input
          type="search"
          name="to"
          value={p.to}
          placeholder="Filter by recipient"
          aria-label="Filter by recipient"
          inputmode="email"
        />
        <button type="submit">Filter</button>
      </form>
      {p.items.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <ul class="mailbox" id="mailbox">
          {p.items.map((m) => (
            <li>
              <a href={`/dev/mailbox/${m.id}`}>
                <strong>{m.subject ?? preview(m.text)}</strong>
              </a>
              <br />
              <small>
                {CHANNEL_LABEL[m.channel]} to {m.recipient} · {formatDateTime(m.createdAt)}
              </small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const preview = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/**
 * One message as its recipient sees it. The HTML part is our own rendered email, shown in
 * a sandboxed frame (no scripts, no same-origin access); the text part follows with its
 * links clickable, which also works where the frame does not.
 */
export function MailboxMessagePage(p: { m: MailboxMessage }) {
  const m = p.m;
  return (
    <section>
      <p>
        <a href="/dev/mailbox">← All messages</a>
      </p>
      <article>
        <header>
          <h1>{m.subject ?? `${CHANNEL_LABEL[m.channel]} message`}</h1>
          <small>
            {CHANNEL_LABEL[m.channel]} · from {m.from} · to <span id="recipient">{m.recipient}</span> ·{' '}
            {formatDateTime(m.createdAt)}
          </small>
        </header>
        {m.html !== null && (
          <p class="muted">
            <small>
              The HTML part, without its inline styles (this site's CSP forbids them, and the frame inherits it).
            </small>
          </p>
        )}
        {m.html !== null && (
          <iframe
            title="The email as HTML"
            sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
            srcdoc={withoutInlineStyles(m.html)}
            width="100%"
            height="420"
          ></iframe>
        )}
        {m.html !== null && <h2>Plain-text part</h2>}
        <div class="message-text" id="message-text">
          {m.text.split('\n').map((line) => (
            <p>{linkify(line)}</p>
          ))}
        </div>
      </article>
      <DevNotice />
    </section>
  );
}

/**
 * The frame inherits this page's CSP (`style-src 'self'`): inline styles would be refused
 * with a console error, so they are left out of the preview.
 */
export const withoutInlineStyles = (html: string) =>
  html.replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '').replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');

/** Text with its http(s) links turned into anchors (everything else stays escaped text). */
function linkify(line: string) {
  const parts: Child[] = [];
  let last = 0;
  for (const match of line.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g)) {
    parts.push(line.slice(last, match.index));
    parts.push(<a href={match[0]}>{match[0]}</a>);
    last = match.index + match[0].length;
  }
  parts.push(line.slice(last));
  return parts;
}
