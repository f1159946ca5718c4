import type { Channel } from '../../src/lib/tables.js';
import { formatDateTime } from '../../src/lib/time.js';

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
}

export interface TroubledMessage {
  id: number;
  channel: Channel;
  recipient: string;
  template: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

/** The outbox at a glance: how many messages in each state, and the ones that are failing. */
export function OutboxPage(p: { counts: OutboxCounts; troubled: TroubledMessage[]; maxAttempts: number }) {
  const c = p.counts;
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
      <h2>Failing messages</h2>
      <p class="muted">
        A message that cannot be delivered is retried after 1, 2, 4 … minutes, {p.maxAttempts} times in all, then marked
        failed. Retrying a failed message gives it a fresh set of attempts.
      </p>
      {p.troubled.length === 0 ? (
        <p>No failing messages.</p>
      ) : (
        <div id="troubled">
          {p.troubled.map((m) => (
            <article id={`message-${m.id}`}>
              <header>
                <strong>
                  #{m.id} {m.template}
                </strong>{' '}
                · {m.channel} to {m.recipient}
              </header>
              <p>
                {m.status === 'failed' ? (
                  <strong>Failed</strong>
                ) : (
                  `Retrying, next at ${formatDateTime(m.next_attempt_at)}`
                )}{' '}
                after {m.attempts} of {p.maxAttempts} attempts
                <br />
                <small>Queued {formatDateTime(m.created_at)}</small>
              </p>
              <p>
                <small>Last error: {m.last_error}</small>
              </p>
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
      )}
    </section>
  );
}
