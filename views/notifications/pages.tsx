import type { FieldErrors } from '../../src/lib/errors.js';
import type { Values } from '../../src/lib/forms.js';
import { formatDateTime } from '../../src/lib/time.js';
import type { AnnouncementItem, NotificationItem, PrefGroup, PrefRow } from '../../src/notifications/types.js';
import { PRESETS, type TopicChoice } from '../../src/notifications/kinds.js';
import type { PrefChannel } from '../../src/notifications/tables.js';
import { Field } from '../components/Field.js';

/** One notification: what it says, a link to what it is about, and a mark-read button. */
export function NotificationEntry(p: { n: NotificationItem }) {
  const n = p.n;
  return (
    <li id={`notification-${n.id}`} class={n.read ? 'read' : 'unread'}>
      <p>
        {n.link ? <a href={n.link}>{n.title}</a> : <strong>{n.title}</strong>}
        {!n.read && <span class="badge"> new</span>}
        <br />
        {n.body && <small>{n.body}</small>} <small class="muted">{formatDateTime(n.createdAt)}</small>
      </p>
      {!n.read && (
        <form method="post" action={`/notifications/${n.id}/read`}>
          <button type="submit" class="secondary outline">
            Mark read
          </button>
        </form>
      )}
    </li>
  );
}

export function NotificationsPage(p: { items: NotificationItem[]; more: number | null }) {
  const unread = p.items.some((n) => !n.read);
  return (
    <section>
      <hgroup>
        <h1>Notifications</h1>
        <p>
          <a href="/notifications/settings">Choose how you are told</a>
        </p>
      </hgroup>
      {unread && (
        <form method="post" action="/notifications/read-all">
          <button type="submit" class="secondary">
            Mark all read
          </button>
        </form>
      )}
      {p.items.length === 0 ? (
        <p class="muted">Nothing yet. Bookings, payments and announcements show up here.</p>
      ) : (
        <ul class="notifications">
          {p.items.map((n) => (
            <NotificationEntry n={n} />
          ))}
        </ul>
      )}
      {p.more && (
        <p>
          <a href={`/notifications?before=${p.more}`}>Older</a>
        </p>
      )}
    </section>
  );
}

const CHANNELS: [PrefChannel, string][] = [
  ['email', 'Email'],
  ['sms', 'SMS'],
  ['whatsapp', 'WhatsApp'],
  ['inapp', 'In the app'],
];

const CHOICES: [TopicChoice, string][] = [
  ...(Object.entries(PRESETS) as [TopicChoice, { label: string }][]).map(([k, v]): [TopicChoice, string] => [
    k,
    v.label,
  ]),
  ['custom', 'Kind by kind'],
];

function KindRow(p: { r: PrefRow }) {
  const r = p.r;
  return (
    <fieldset>
      <legend>
        <strong>{r.label}</strong>
        {r.mustGo && <small class="muted"> (always sent)</small>}
      </legend>
      {CHANNELS.map(([ch, label]) => (
        <label>
          <input
            type="checkbox"
            name="on"
            value={`${r.kind}|${ch}`}
            checked={r.on[ch]}
            disabled={r.mustGo}
            aria-label={`${r.label}: ${label}`}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * One choice per topic (a select), each kind of it one tap further in a closed <details>. Without
 * JavaScript both are sent: a topic whose select was changed takes it for all its kinds, the
 * others keep the boxes as ticked (the hidden `shown` says what the select showed).
 */
function TopicGroup(p: { g: PrefGroup }) {
  const g = p.g;
  const id = `topic-${g.topic}`;
  return (
    <section class="pref-topic" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{g.label}</h2>
      {g.choice === null ? (
        <p class="muted">Always sent: these are about your account's security or your money.</p>
      ) : (
        <label for={id}>
          Send
          <select id={id} name="group">
            {CHOICES.map(([value, label]) => (
              <option value={`${g.topic}|${value}`} selected={g.choice === value}>
                {label}
              </option>
            ))}
          </select>
          <input type="hidden" name="shown" value={`${g.topic}|${g.choice}`} />
        </label>
      )}
      {/* Open when its kinds differ: "Kind by kind" is then the choice, and these are it. */}
      <details open={g.choice === 'custom'}>
        <summary>Each kind ({g.rows.length})</summary>
        {g.rows.map((r) => (
          <KindRow r={r} />
        ))}
      </details>
    </section>
  );
}

export function PreferencesPage(p: { groups: PrefGroup[] }) {
  return (
    <section>
      <h1>How you are told</h1>
      <p>
        One choice per topic; open "Each kind" to choose kind by kind. Messages about your account's security and about
        money always go out. SMS and WhatsApp reach you only at a confirmed phone number.
      </p>
      <form method="post" action="/notifications/settings">
        {p.groups.map((g) => (
          <TopicGroup g={g} />
        ))}
        <button type="submit">Save</button>
      </form>
    </section>
  );
}

const AUDIENCE: Record<AnnouncementItem['audience'], string> = {
  all: 'Everyone',
  traveler: 'Travelers',
  organizer: 'Organizers',
  agent: 'Support agents',
  admin: 'Admins',
};

export function AnnouncementsPage(p: { list: AnnouncementItem[]; values?: Values; errors?: FieldErrors }) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  return (
    <section>
      <h1>Announcements</h1>
      <form method="post" action="/admin/announcements">
        {e.form && (
          <p class="flash error" role="alert">
            {e.form}
          </p>
        )}
        <label for="f-audience">
          For
          <select id="f-audience" name="audience" aria-invalid={e.audience ? 'true' : undefined}>
            {Object.entries(AUDIENCE).map(([value, label]) => (
              <option value={value} selected={(v.audience ?? 'all') === value}>
                {label}
              </option>
            ))}
          </select>
          {e.audience && <small class="field-error">{e.audience}</small>}
        </label>
        <Field label="Title" name="title" value={v.title} errors={e} required maxlength={120} />
        <label for="f-body">
          Message
          <textarea
            id="f-body"
            name="body"
            rows={3}
            maxlength={600}
            required
            aria-invalid={e.body ? 'true' : undefined}
          >
            {v.body ?? ''}
          </textarea>
          {e.body && <small class="field-error">{e.body}</small>}
        </label>
        <Field
          label="Show the banner until (optional)"
          name="until"
          type="date"
          value={v.until}
          errors={e}
          hint="Through that day, India time. Empty: until each person dismisses it."
        />
        <button type="submit">Send</button>
      </form>
      <h2>Sent</h2>
      {p.list.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul>
          {p.list.map((a) => (
            <li>
              <strong>{a.title}</strong> · {AUDIENCE[a.audience]} · {formatDateTime(a.createdAt)}
              {a.author && <> · by {a.author}</>}
              {a.until && <> · until {formatDateTime(a.until)}</>}
              <br />
              <small>{a.body}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
