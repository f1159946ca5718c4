import type { FieldErrors } from '../../src/lib/errors.js';
import { formatDateTime } from '../../src/lib/time.js';
import type { QueueQuery } from '../../src/support/schemas.js';
import {
  STATUS_LABEL,
  type AgentStat,
  type SavedReply,
  type SeenMark,
  type TicketDetails,
  type TicketMessage,
  type TicketStatus,
  type TicketSummary,
} from '../../src/support/types.js';
import { Err, invalid, StatusBadge, Thread, type Values } from './parts.js';

/* The agents' desk: the navigation, the queue with the agents' figures, and a ticket's page. */

export const AgentNav = () => (
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
  seen: SeenMark | null;
  savedReplies: SavedReply[];
  draft: string;
  meId: number;
  values?: Values;
  errors?: FieldErrors;
  /** Which form the errors belong to. */
  errorsFor?: 'reply' | 'note' | 'status';
}

function AgentTicketStatus(p: { ticket: TicketDetails }) {
  const t = p.ticket;
  return (
    <p id="ticket-status">
      <StatusBadge status={t.status} /> · <a href={`/agent/customers/${t.customer.id}`}>{t.customer.name}</a>
      {t.booking && <> · booking {t.booking.code}</>} · {t.assignee ? `assigned to ${t.assignee.name}` : 'unassigned'}
      {t.rating !== null && <> · rated {t.rating}/5</>}
    </p>
  );
}

/** The live part of an agent's ticket page (its htmx fragment): the status line and the thread. */
export function AgentTicketLive(p: Pick<AgentTicketProps, 'ticket' | 'messages' | 'seen'>) {
  return (
    <>
      <AgentTicketStatus ticket={p.ticket} />
      <Thread ticketId={p.ticket.id} messages={p.messages} viewer="agent" seen={p.seen} />
    </>
  );
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
      <AgentTicketStatus ticket={t} />
      {t.assignee?.id !== p.meId && (
        <form method="post" action={`${base}/assign`} hx-boost="false">
          <button type="submit" class="secondary">
            Assign to me
          </button>
        </form>
      )}
      <Thread ticketId={t.id} messages={p.messages} viewer="agent" seen={p.seen} />
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
          <textarea
            name="body"
            rows={5}
            maxlength={5000}
            required
            aria-invalid={invalid(errs('reply'), 'body')}
            data-typing={`${base}/typing`}
          >
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
