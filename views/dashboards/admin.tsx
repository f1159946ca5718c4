import type { AdminDashboard } from '../../src/dashboards/types.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatMonth } from '../../src/lib/time.js';
import { BarChart } from './Chart.js';
import { Widget, plural } from './widget.js';

/** The admin dashboard's widgets: counts, money, growth, failing jobs and the outbox. */

type A = AdminDashboard;

function Counts(p: { counts: Record<string, number>; labels: Record<string, string> }) {
  return (
    <table class="records">
      <tbody>
        {Object.entries(p.labels).map(([k, label]) => (
          <tr>
            <th scope="row">{label}</th>
            <td>{p.counts[k] ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const total = (c: Record<string, number>) => Object.values(c).reduce((n, v) => n + v, 0);

export const UsersWidget = (p: { data: A['users'] }) => (
  <Widget name="users" title={`Users (${total(p.data)} active)`}>
    <Counts
      counts={p.data}
      labels={{ traveler: 'Travelers', organizer: 'Organizers', agent: 'Support agents', admin: 'Admins' }}
    />
    <a href="/admin/users">Manage users</a>
  </Widget>
);

export const AdminTripsWidget = (p: { data: A['trips'] }) => (
  <Widget name="trips" title={`Trips (${total(p.data)})`}>
    <Counts
      counts={p.data}
      labels={{
        active: 'Active',
        draft: 'Draft',
        inactive: 'Inactive',
        completed: 'Completed',
        cancelled: 'Cancelled',
      }}
    />
    <a href="/admin/trips">Trips</a>
  </Widget>
);

export const AdminBookingsWidget = (p: { data: A['bookings'] }) => (
  <Widget name="bookings" title={`Bookings (${total(p.data)})`}>
    <Counts
      counts={p.data}
      labels={{ pending: 'Awaiting payment', confirmed: 'Confirmed', completed: 'Completed', cancelled: 'Cancelled' }}
    />
    <a href="/admin/bookings">All bookings</a>
  </Widget>
);

export const GmvWidget = (p: { data: A['gmv'] }) => (
  <Widget name="gmv" title="Booking value received (GMV)">
    <p>
      <strong>{formatPaise(p.data.totalPaise)}</strong> in all, {formatPaise(p.data.monthPaise)} this month (before
      refunds).
    </p>
  </Widget>
);

export const SubscriptionRevenueWidget = (p: { data: A['subscriptionRevenue'] }) => (
  <Widget name="subscriptionRevenue" title="Subscription revenue">
    <p>
      <strong>{formatPaise(p.data.totalPaise)}</strong> in all, {formatPaise(p.data.monthPaise)} this month.
    </p>
    <a href="/admin/settings">Settings and plan</a>
  </Widget>
);

export const GrowthWidget = (p: { data: A['growth'] }) => (
  <Widget name="growth" title="Growth, last 12 months">
    <h3>New accounts per month</h3>
    <BarChart
      id="growth-users"
      title="New accounts per month"
      columns={['Month', 'New accounts']}
      bars={p.data.map((m) => ({ label: formatMonth(m.month), value: m.users, text: String(m.users) }))}
    />
    <h3>New bookings per month</h3>
    <BarChart
      id="growth-bookings"
      title="New bookings per month"
      columns={['Month', 'New bookings']}
      bars={p.data.map((m) => ({ label: formatMonth(m.month), value: m.bookings, text: String(m.bookings) }))}
    />
  </Widget>
);

export const FailingJobsWidget = (p: { data: A['failingJobs'] }) => (
  <Widget name="failingJobs" title="Failing jobs">
    {p.data.length === 0 ? (
      <p>Every job's last run went through.</p>
    ) : (
      <ul>
        {p.data.map((j) => (
          <li>
            <strong>{j.name}</strong> failed at {formatDateTime(j.lastRunAt)} ({plural(j.failuresToday, 'failure')} in
            the last day){j.detail && <>: {j.detail}</>}
          </li>
        ))}
      </ul>
    )}
    <a href="/admin/jobs">Scheduled jobs</a>
  </Widget>
);

export const OutboxWidget = (p: { data: A['outbox'] }) => (
  <Widget name="outbox" title="Outgoing messages">
    <p>
      <strong>{p.data.pending}</strong> waiting to send
      {p.data.oldestDue && <> (the first due {formatDateTime(p.data.oldestDue)})</>}, {p.data.sending} sending,{' '}
      <strong>{p.data.failed}</strong> failed.
    </p>
    <a href="/admin/outbox">Outgoing messages</a>
  </Widget>
);
