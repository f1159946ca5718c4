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
          <tr><th scope="row">Waiting to be sent</th><td>{c.pending}</td></tr>
          <tr><th scope="row">Being sent</th><td>{c.sending}</td></tr>
          <tr><th scope="row">Sent</th><td>{c.sent}</td></tr>
          <tr><th scope="row">Failed</th><td>{c.failed}</td></tr>
        </tbody>
      </table>
      <h2>Failing messages</h2>
      <p class="muted">
        A message that cannot be delivered is retried after 1, 2, 4 … minutes, {p.maxAttempts} times in all, then marked failed. Retrying a failed message
        gives it a fresh set of attempts.
      </p>
      {p.troubled.length === 0 ? (
        <p>No failing messages.</p>
      ) : (
        <table id="troubled">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">To</th>
              <th scope="col">Message</th>
              <th scope="col">State</th>
              <th scope="col">Last error</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {p.troubled.map((m) => (
              <tr id={`message-${m.id}`}>
                <td>{m.id}</td>
                <td>{m.channel} · {m.recipient}</td>
                <td>{m.template}<br /><small>{formatDateTime(m.created_at)}</small></td>
                <td>
                  {m.status === 'failed' ? <strong>failed</strong> : `retrying, next ${formatDateTime(m.next_attempt_at)}`}
                  <br />
                  <small>{m.attempts} of {p.maxAttempts} attempts</small>
                </td>
                <td><small>{m.last_error}</small></td>
                <td>
                  {m.status === 'failed' && (
                    <form method="post" action={`/admin/outbox/${m.id}/retry`} class="inline">
                      <button type="submit" class="secondary">Retry</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
