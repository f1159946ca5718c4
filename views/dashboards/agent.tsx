import type { AgentDashboard } from '../../src/dashboards/types.js';
import { formatDate } from '../../src/lib/time.js';
import { Widget, plural } from './widget.js';

/** The support agent dashboard's widgets: the ticket queue and the customer search. */

export const TicketsWidget = (p: { data: AgentDashboard['tickets'] }) => (
  <Widget name="tickets" title="Ticket queue">
    <p>
      <a href="/agent/tickets">{plural(p.data.active, 'ticket')} in the queue</a> ·{' '}
      <a href="/agent/tickets?assignee=mine">{plural(p.data.mine.open, 'open ticket')} assigned to you</a>
    </p>
    <p>
      {plural(p.data.mine.resolvedThisWeek, 'ticket')} you resolved this week · your median first reply:{' '}
      {p.data.mine.medianFirstResponseMinutes === null
        ? 'none yet'
        : plural(p.data.mine.medianFirstResponseMinutes, 'minute')}
    </p>
  </Widget>
);

export const CustomersWidget = (p: { data: AgentDashboard['customers'] }) => (
  <Widget name="customers" title="Find a customer">
    <form method="get" action="/dashboard/agent" role="search">
      <input
        type="search"
        name="q"
        value={p.data.q}
        placeholder="Name, email or phone"
        aria-label="Name, email or phone"
        autocomplete="off"
        maxlength={100}
      />
      <button type="submit">Search</button>
    </form>
    {p.data.q &&
      (p.data.results.length === 0 ? (
        <p>Nobody matches “{p.data.q}”.</p>
      ) : (
        <>
          <p>
            {p.data.total > p.data.results.length
              ? `The first ${p.data.results.length} of ${p.data.total} matches for “${p.data.q}”.`
              : `${plural(p.data.total, 'match', 'matches')} for “${p.data.q}”.`}
          </p>
          <table class="records">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Phone</th>
                <th>Role</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              {p.data.results.map((u) => (
                <tr>
                  <td>{u.name}</td>
                  <td data-label="Email">{u.email}</td>
                  <td data-label="Phone">{u.phone ?? '—'}</td>
                  <td data-label="Role">
                    {u.role}
                    {u.status !== 'active' && ` (${u.status})`}
                  </td>
                  <td data-label="Since">{formatDate(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ))}
  </Widget>
);
