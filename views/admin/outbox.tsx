import type { AdminMessage } from '../../src/admin/types.js';
import type { OutboxFilter } from '../../src/admin/schemas.js';
import { CHANNELS, OUTBOX_STATUSES } from '../../src/admin/schemas.js';
import { formatDateTime } from '../../src/lib/time.js';
import { FilterForm, Pager, Select } from './parts.js';

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
}

export interface OutboxPageProps {
  counts: OutboxCounts;
  rows: AdminMessage[];
  total: number;
  page: number;
  pages: number;
  kinds: string[];
  maxAttempts: number;
  filter: OutboxFilter;
}

const STATE: Record<AdminMessage['status'], string> = {
  pending: 'waiting',
  sending: 'being sent',
  sent: 'sent',
  failed: 'FAILED',
};

/** The outbox: how many messages in each state, and every message, filtered; a failed one can be retried. */
export function OutboxPage(p: OutboxPageProps) {
  const c = p.counts;
  const f = p.filter;
  return (
    <section>
      <h1>Outbox</h1>
      <table id="outbox-counts">
        <tbody>
          <tr>
            <th scope="row">Waiting to be sent</th>
            <td>{c.pending}</td>
          </tr>
          <tr>
            <th scope="row">Being sent</th>
            <td>{c.sending}</td>
          </tr>
          <tr>
            <th scope="row">Sent</th>
            <td>{c.sent}</td>
          </tr>
          <tr>
            <th scope="row">Failed</th>
            <td>{c.failed}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">
        A message that cannot be delivered is retried after 1, 2, 4 … minutes, {p.maxAttempts} times in all, then marked
        failed. Retrying a failed message gives it a fresh set of attempts.
      </p>
      <FilterForm action="/admin/outbox" label="Filter messages">
        <Select name="status" label="Status" value={f.status} options={OUTBOX_STATUSES} all="Any status" />
        <Select name="channel" label="Channel" value={f.channel} options={CHANNELS} all="Any channel" />
        <Select name="kind" label="Kind" value={f.kind} options={p.kinds} all="Any kind" />
        <label>
          Recipient
          <input type="search" name="recipient" value={f.recipient} autocomplete="off" placeholder="Email or phone" />
        </label>
      </FilterForm>
      <Pager
        path="/admin/outbox"
        query={f}
        page={p.page}
        pages={p.pages}
        total={p.total}
        noun={['message', 'messages']}
      />
      <div id="messages">
        {p.rows.map((m) => (
          <article id={`message-${m.id}`}>
            <header>
              <strong>
                #{m.id} {m.template}
              </strong>{' '}
              · {m.channel} to {m.recipient}
            </header>
            <p>
              {m.status === 'failed' ? <strong>{STATE[m.status]}</strong> : STATE[m.status]}
              {m.status === 'pending' &&
                m.attempts > 0 &&
                `, retrying at ${formatDateTime(m.next_attempt_at)}`} after {m.attempts} of {p.maxAttempts} attempts
              <br />
              <small>
                Queued {formatDateTime(m.created_at)}
                {m.sent_at && ` · sent ${formatDateTime(m.sent_at)}`}
              </small>
            </p>
            {m.last_error && (
              <p>
                <small>Last error: {m.last_error}</small>
              </p>
            )}
            {m.status === 'failed' && (
              <form method="post" action={`/admin/outbox/${m.id}/retry`}>
                <button type="submit" class="secondary">
                  Retry
                </button>
              </form>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}
