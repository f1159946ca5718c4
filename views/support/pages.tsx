import type { FieldErrors } from '../../src/lib/errors.js';
import { formatDateTime } from '../../src/lib/time.js';
import type { TicketStatus } from '../../src/support/tables.js';
import type { AgentStat, SavedReply, TicketDetails, TicketMessage, TicketSummary } from '../../src/support/service.js';
import { STATUS_LABEL } from '../../src/support/service.js';
import type { QueueQuery } from '../../src/support/schemas.js';
import { staffSignature } from './emails.js';

type Values = Record<string, string | undefined>;

const Err = (p: { errors?: FieldErrors; k: string }) =>
  p.errors?.[p.k] ? (
    <small id={`e-${p.k}`} class="field-error">
      {p.errors[p.k]}
    </small>
  ) : null;

const invalid = (errors: FieldErrors | undefined, k: string) => (errors?.[k] ? 'true' : undefined);

export const StatusBadge = (p: { status: TicketStatus }) => (
  <mark class={`ticket-status ${p.status}`}>{STATUS_LABEL[p.status]}</mark>
);

function ImagesField(p: { errors?: FieldErrors }) {
  return (
    <label>
      Images (up to 3, optional)
      <input type="file" name="images" accept="image/jpeg,image/png,image/webp" multiple />
      <Err errors={p.errors} k="images" />
    </label>
  );
}

// ---------------------------------------------------------------- the thread (a fragment)

/**
 * The conversation: the same fragment the customer's and the agent's pages include, swapped
 * whole (id="thread-N") when the page is refreshed with htmx; live updates can replace or
 * append to it once the event hub exists.
 */
export function Thread(p: { ticketId: number; messages: TicketMessage[]; viewer: 'customer' | 'agent' }) {
  return (
    <section id={`thread-${p.ticketId}`} class="thread" aria-live="polite">
      {p.messages.map((m) => (
        <article
          id={`m-${m.id}`}
          class={`msg ${m.kind === 'note' ? 'note' : m.author.staff ? 'staff' : 'customer'}`}
          data-message={m.id}
        >
          <header>
            <strong>
              {m.author.staff && p.viewer === 'customer' ? staffSignature(m.author.name, 'brackets') : m.author.name}
            </strong>
            {m.kind === 'note' && <> · internal note</>} · <small>{formatDateTime(m.createdAt)}</small>
          </header>
          <p class="msg-body">
            {m.body.split('\n').map((line, i) => (
              <>
                {i > 0 && <br />}
                {line}
              </>
            ))}
          </p>
          {m.images.map((i) => (
            <a href={i.url}>
              <img src={i.url} width={i.width} height={i.height} loading="lazy" alt="Attached image" />
            </a>
          ))}
        </article>
      ))}
    </section>
  );
}

// ---------------------------------------------------------------- the customer's pages

export interface SupportHomeProps {
  tickets: TicketSummary[];
  bookings: { id: number; label: string }[];
  values?: Values;
  errors?: FieldErrors;
}

export function SupportHome(p: SupportHomeProps) {
  const v = p.values ?? {};
  return (
    <>
      <h1>Support</h1>
      <section id="my-tickets">
        <h2>Your tickets</h2>
        {p.tickets.length === 0 ? (
          <p class="muted">No tickets yet.</p>
        ) : (
          <ul>
            {p.tickets.map((t) => (
              <li>
                <a href={`/support/${t.id}`}>
                  #{t.id} {t.subject}
                </a>{' '}
                <StatusBadge status={t.status} /> <small>{formatDateTime(t.updatedAt)}</small>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Ask for help</h2>
        <form id="new-ticket" method="post" action="/support" enctype="multipart/form-data" hx-boost="false">
          <p class="field-error" role="alert">
            {p.errors?.form}
          </p>
          <label>
            Subject
            <input
              name="subject"
              value={v.subject}
              maxlength={120}
              required
              aria-invalid={invalid(p.errors, 'subject')}
            />
            <Err errors={p.errors} k="subject" />
          </label>
          {p.bookings.length > 0 && (
            <label>
              About a booking (optional)
              <select name="booking" aria-invalid={invalid(p.errors, 'booking')}>
                <option value="">Not about a booking</option>
                {p.bookings.map((b) => (
                  <option value={String(b.id)} selected={v.booking === String(b.id)}>
                    {b.label}
                  </option>
                ))}
              </select>
              <Err errors={p.errors} k="booking" />
            </label>
          )}
          {p.bookings.length === 0 && <Err errors={p.errors} k="booking" />}
          <label>
            Your message
            <textarea name="body" rows={5} maxlength={5000} required aria-invalid={invalid(p.errors, 'body')}>
              {v.body}
            </textarea>
            <Err errors={p.errors} k="body" />
          </label>
          <ImagesField errors={p.errors} />
          <button type="submit">Send to support</button>
        </form>
      </section>
    </>
  );
}

export interface CustomerTicketProps {
  ticket: TicketDetails;
  messages: TicketMessage[];
  values?: Values;
  errors?: FieldErrors;
}

export function CustomerTicketPage(p: CustomerTicketProps) {
  const t = p.ticket;
  return (
    <>
      <p>
        <a href="/support">← Your tickets</a>
      </p>
      <h1>
        #{t.id} {t.subject}
      </h1>
      <p id="ticket-status">
        <StatusBadge status={t.status} />
        {t.booking && <> · about booking {t.booking.code}</>}
      </p>
      <Thread ticketId={t.id} messages={p.messages} viewer="customer" />
      {t.canRate && (
        <form id="rate" method="post" action={`/support/${t.id}/rate`} hx-boost="false">
          <fieldset>
            <legend>How did we do? Rate our help</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label>
                <input type="radio" name="rating" value={String(n)} required /> {n}
              </label>
            ))}
            <Err errors={p.errors} k="rating" />
          </fieldset>
          <button type="submit">Send rating</button>
        </form>
      )}
      {t.rating !== null && <p id="rated">You rated this help {t.rating} of 5. Thank you.</p>}
      {t.canReply ? (
        <form id="reply" method="post" action={`/support/${t.id}/reply`} enctype="multipart/form-data" hx-boost="false">
          <p class="field-error" role="alert">
            {p.errors?.form}
          </p>
          <label>
            Your reply
            <textarea name="body" rows={4} maxlength={5000} required aria-invalid={invalid(p.errors, 'body')}>
              {p.values?.body}
            </textarea>
            <Err errors={p.errors} k="body" />
          </label>
          <ImagesField errors={p.errors} />
          <button type="submit">Send reply</button>
        </form>
      ) : (
        <p>
          This ticket is closed. <a href="/support">Open a new one</a> if you need more help.
        </p>
      )}
    </>
  );
}

// ---------------------------------------------------------------- the agents' pages

const AgentNav = () => (
  <nav aria-label="Agent">
    <ul>
      <li>
        <a href="/agent/tickets">Tickets</a>
      </li>
      <li>
        <a href="/agent/customers">Customers</a>
      </li>
      <li>
        <a href="/agent/replies">Saved replies</a>
      </li>
    </ul>
  </nav>
);
export { AgentNav };

const minutes = (m: number | null) =>
  m === null
    ? '—'
    : m < 60
      ? `${m} min`
      : m < 48 * 60
        ? `${Math.round(m / 6) / 10} h`
        : `${Math.round(m / 144) / 10} d`;

export function StatsTable(p: { agents: AgentStat[]; activeTickets: number }) {
  return (
    <section id="agent-stats">
      <h2>Agents</h2>
      <p>{p.activeTickets} active tickets in all.</p>
      {/* A list, not a table: four columns do not fit a phone. */}
      <ul>
        {p.agents.map((a) => (
          <li data-agent={a.agentId}>
            <strong>{a.name}</strong>: {a.open} open · {a.resolvedThisWeek} resolved this week · median first reply{' '}
            {minutes(a.medianFirstResponseMinutes)} (30 days)
          </li>
        ))}
      </ul>
    </section>
  );
}

const FILTERS = {
  status: [
    ['active', 'Active'],
    ['open', 'Open'],
    ['in_progress', 'In progress'],
    ['waiting', 'Waiting on customer'],
    ['resolved', 'Resolved'],
    ['closed', 'Closed'],
    ['all', 'All'],
  ],
  assignee: [
    ['any', 'Anyone'],
    ['unassigned', 'Unassigned'],
    ['mine', 'Mine'],
  ],
  age: [
    ['any', 'Any age'],
    ['1', 'Older than 1 day'],
    ['3', 'Older than 3 days'],
    ['7', 'Older than 7 days'],
  ],
  booking: [
    ['any', 'With or without a booking'],
    ['yes', 'About a booking'],
  ],
} as const;

export interface QueueProps {
  tickets: TicketSummary[];
  filter: QueueQuery;
  next: string | null;
  stats: { agents: AgentStat[]; activeTickets: number };
}

export function QueuePage(p: QueueProps) {
  const f = p.filter;
  const nextHref = p.next
    ? `/agent/tickets?${new URLSearchParams({ status: f.status, assignee: f.assignee, age: f.age, booking: f.booking, after: p.next })}`
    : null;
  return (
    <>
      <AgentNav />
      <h1>Ticket queue</h1>
      <form id="queue-filter" method="get" action="/agent/tickets" class="filters">
        {(Object.keys(FILTERS) as (keyof typeof FILTERS)[]).map((k) => (
          <label>
            {k === 'status' ? 'Status' : k === 'assignee' ? 'Assigned' : k === 'age' ? 'Age' : 'Booking'}
            <select name={k}>
              {FILTERS[k].map(([value, label]) => (
                <option value={value} selected={f[k] === value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button type="submit">Filter</button>
      </form>
      {p.tickets.length === 0 ? (
        <p id="queue-empty">No tickets match.</p>
      ) : (
        <ul id="queue" class="queue">
          {p.tickets.map((t) => (
            <li>
              <a href={`/agent/tickets/${t.id}`}>
                #{t.id} {t.subject}
              </a>{' '}
              <StatusBadge status={t.status} />
              <br />
              <small>
                {t.customer.name} · opened {formatDateTime(t.createdAt)}
                {t.booking && <> · {t.booking.code}</>} · {t.assignee ? t.assignee.name : 'unassigned'}
              </small>
            </li>
          ))}
        </ul>
      )}
      {nextHref && (
        <p>
          <a href={nextHref}>Next page →</a>
        </p>
      )}
      <StatsTable {...p.stats} />
    </>
  );
}

export interface AgentTicketProps {
  ticket: TicketDetails;
  messages: TicketMessage[];
  savedReplies: SavedReply[];
  draft: string;
  meId: number;
  values?: Values;
  errors?: FieldErrors;
  /** Which form the errors belong to. */
  errorsFor?: 'reply' | 'note' | 'status';
}

export function AgentTicketPage(p: AgentTicketProps) {
  const t = p.ticket;
  const errs = (which: AgentTicketProps['errorsFor']) => (p.errorsFor === which ? p.errors : undefined);
  const base = `/agent/tickets/${t.id}`;
  return (
    <>
      <AgentNav />
      <p>
        <a href="/agent/tickets">← Queue</a>
      </p>
      <h1>
        #{t.id} {t.subject}
      </h1>
      <p id="ticket-status">
        <StatusBadge status={t.status} /> · <a href={`/agent/customers/${t.customer.id}`}>{t.customer.name}</a>
        {t.booking && <> · booking {t.booking.code}</>} · {t.assignee ? `assigned to ${t.assignee.name}` : 'unassigned'}
        {t.rating !== null && <> · rated {t.rating}/5</>}
      </p>
      {t.assignee?.id !== p.meId && (
        <form method="post" action={`${base}/assign`} hx-boost="false">
          <button type="submit" class="secondary">
            Assign to me
          </button>
        </form>
      )}
      <Thread ticketId={t.id} messages={p.messages} viewer="agent" />
      {p.savedReplies.length > 0 && (
        <form id="use-saved" method="get" action={base}>
          <label>
            Start from a saved reply
            <select name="reply">
              {p.savedReplies.map((r) => (
                <option value={String(r.id)}>{r.title}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            Use it
          </button>
        </form>
      )}
      <form id="agent-reply" method="post" action={`${base}/reply`} hx-boost="false">
        <label>
          Reply to the customer (emailed to them)
          <textarea name="body" rows={5} maxlength={5000} required aria-invalid={invalid(errs('reply'), 'body')}>
            {p.errorsFor === 'reply' ? p.values?.body : p.draft}
          </textarea>
          <Err errors={errs('reply')} k="body" />
        </label>
        <label>
          Then the ticket is
          <select name="status">
            {(['waiting', 'in_progress', 'resolved', 'open', 'closed'] as const).map((s) => (
              <option value={s} selected={s === 'waiting'}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Send reply</button>
      </form>
      <form id="agent-note" method="post" action={`${base}/note`} hx-boost="false">
        <label>
          Internal note (agents only; the customer never sees it)
          <textarea name="body" rows={2} maxlength={5000} required aria-invalid={invalid(errs('note'), 'body')}>
            {p.errorsFor === 'note' ? p.values?.body : ''}
          </textarea>
          <Err errors={errs('note')} k="body" />
        </label>
        <button type="submit" class="secondary">
          Add note
        </button>
      </form>
      <form id="agent-status" method="post" action={`${base}/status`} hx-boost="false">
        <label>
          Status
          <select name="status">
            {(Object.keys(STATUS_LABEL) as TicketStatus[]).map((s) => (
              <option value={s} selected={s === t.status}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
          <Err errors={errs('status')} k="status" />
        </label>
        <button type="submit" class="secondary">
          Change status
        </button>
      </form>
    </>
  );
}

export interface SavedRepliesProps {
  replies: SavedReply[];
  values?: Values;
  errors?: FieldErrors;
  /** The reply whose edit form the errors belong to; null for the new one. */
  errorsFor?: number | null;
}

export function SavedRepliesPage(p: SavedRepliesProps) {
  const errs = (id: number | null) => (p.errorsFor === id ? p.errors : undefined);
  const vals = (id: number | null, r?: SavedReply) =>
    p.errorsFor === id && p.values ? p.values : { title: r?.title, body: r?.body };
  const Form = (f: { action: string; id: number | null; r?: SavedReply; label: string }) => (
    <form method="post" action={f.action} hx-boost="false">
      <label>
        Title
        <input
          name="title"
          value={vals(f.id, f.r).title}
          maxlength={80}
          required
          aria-invalid={invalid(errs(f.id), 'title')}
        />
        <Err errors={errs(f.id)} k="title" />
      </label>
      <label>
        Text
        <textarea name="body" rows={3} maxlength={5000} required aria-invalid={invalid(errs(f.id), 'body')}>
          {vals(f.id, f.r).body}
        </textarea>
        <Err errors={errs(f.id)} k="body" />
      </label>
      <button type="submit">{f.label}</button>
    </form>
  );
  return (
    <>
      <AgentNav />
      <h1>Saved replies</h1>
      {p.replies.map((r) => (
        <article id={`saved-${r.id}`}>
          <Form action={`/agent/replies/${r.id}`} id={r.id} r={r} label="Save" />
          <form method="post" action={`/agent/replies/${r.id}/delete`} hx-boost="false">
            <button type="submit" class="secondary">
              Delete
            </button>
          </form>
        </article>
      ))}
      <h2>New saved reply</h2>
      <Form action="/agent/replies" id={null} label="Add" />
    </>
  );
}
