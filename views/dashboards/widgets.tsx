import type { Child } from 'hono/jsx';
import type {
  AdminDashboard,
  AgentDashboard,
  OrganizerDashboard,
  TravelerDashboard,
} from '../../src/dashboards/service.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDate, formatDateTime, formatDay, formatMonth } from '../../src/lib/time.js';
import { Avatar, Badge } from '../account/pages.js';
import { BarChart } from './Chart.js';

/**
 * Every widget of every dashboard, each a pure function of its own data. Each renders one
 * <section id="widget-NAME">: the page includes them all, and GET /dashboard/ROLE/NAME returns
 * one alone, for a live update to swap in (hx-swap="outerHTML" on the same id).
 */
export function Widget(p: { name: string; title: string; children?: Child }) {
  return (
    <section id={`widget-${p.name}`} aria-labelledby={`widget-${p.name}-h`}>
      <h2 id={`widget-${p.name}-h`}>{p.title}</h2>
      {p.children}
    </section>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const shortDay = new Intl.DateTimeFormat('en-IN', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const weekLabel = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`));

const BOOKING_STATUS: Record<string, string> = {
  pending: 'awaiting payment',
  confirmed: 'confirmed',
  completed: 'completed',
  cancelled: 'cancelled',
};

// ---------------------------------------------------------------- everyone

type Profile = OrganizerDashboard['profile'];

export const ProfileWidget = (p: { data: Profile }) => {
  const a = p.data;
  return (
    <Widget name="profile" title="Your account">
      <Avatar photo={a.photo} name={a.name} size={64} />
      <dl>
        <dt>Email</dt>
        <dd>
          {a.email} <Badge ok={a.emailVerified} />
        </dd>
        <dt>Mobile</dt>
        <dd>
          {a.phone ?? '—'} {a.phone && <Badge ok={a.phoneVerified} />}
        </dd>
        {a.location && (
          <>
            <dt>Location</dt>
            <dd>{a.location}</dd>
          </>
        )}
        {a.bio && (
          <>
            <dt>Bio</dt>
            <dd>{a.bio}</dd>
          </>
        )}
        <dt>Member since</dt>
        <dd>{formatDate(a.createdAt)}</dd>
      </dl>
      <a href="/me">Edit profile</a>
    </Widget>
  );
};

// ---------------------------------------------------------------- organizer

type O = OrganizerDashboard;

export const TripsWidget = (p: { data: O['trips'] }) => (
  <Widget name="trips" title="Active trips">
    <p>
      <strong>{p.data.active}</strong> {p.data.active === 1 ? 'trip is' : 'trips are'} open for booking
      {p.data.drafts > 0 && <>, {plural(p.data.drafts, 'draft')} not published yet</>}.
    </p>
    {p.data.active > p.data.included && (
      <p id="over-plan">
        Your plan includes {plural(p.data.included, 'active trip')}: the {p.data.active - p.data.included} over it stay
        open for booking, but no trip can be published until fewer than {p.data.included} are active.{' '}
        <a href="/organizer/subscription">See your plan</a>
      </p>
    )}
    <a href="/organizer/trips">Your trips</a>
  </Widget>
);

export const DeparturesWidget = (p: { data: O['departures'] }) => (
  <Widget name="departures" title="Upcoming departures">
    {p.data.length === 0 ? (
      <p>No departures coming up.</p>
    ) : (
      <table class="records">
        <thead>
          <tr>
            <th>Trip</th>
            <th>Starts</th>
            <th>Seats taken</th>
            <th>Filled</th>
            <th>Bookings</th>
          </tr>
        </thead>
        <tbody>
          {p.data.map((d) => (
            <tr>
              <td>{d.title}</td>
              <td data-label="Starts">{formatDay(d.startDate)}</td>
              <td data-label="Seats taken">
                {d.seatsTaken} of {d.capacity}
              </td>
              <td data-label="Filled">{d.fillPercent}%</td>
              <td>
                <a href={`/organizer/bookings?departure=${d.id}`}>Its bookings</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Widget>
);

export const NewBookingsWidget = (p: { data: O['newBookings'] }) => (
  <Widget name="newBookings" title="New bookings">
    <p>
      <strong>{p.data.total}</strong> in the last {p.data.days} days.
    </p>
    {p.data.latest.length > 0 && (
      <ul>
        {p.data.latest.map((b) => (
          <li>
            <a href={`/bookings/${b.id}`}>{b.code}</a> {b.title}: {plural(b.guests, 'guest')},{' '}
            {formatPaise(b.amountPaise)}, {BOOKING_STATUS[b.status]} ({formatDateTime(b.createdAt)})
          </li>
        ))}
      </ul>
    )}
    <a href="/organizer/bookings">All bookings</a>
  </Widget>
);

export const VerificationsWidget = (p: { data: O['verifications'] }) => (
  <Widget name="verifications" title="Payments to verify">
    <p>
      <strong>{p.data.pending}</strong> UPI {p.data.pending === 1 ? 'payment waits' : 'payments wait'} for you to check
      {p.data.oldestAt && <> (the oldest since {formatDateTime(p.data.oldestAt)})</>}.
    </p>
    <a href="/organizer/verifications">Payments to verify</a>
  </Widget>
);

export const RefundsWidget = (p: { data: O['refunds'] }) => (
  <Widget name="refunds" title="Refunds to pay back">
    <p>
      {p.data.count === 0 ? (
        'Nothing to pay back.'
      ) : (
        <>
          <strong>{formatPaise(p.data.paise)}</strong> to pay back to travelers ({plural(p.data.count, 'refund')}).
        </>
      )}
    </p>
    <a href="/organizer/verifications">Refunds</a>
  </Widget>
);

export const EarningsWidget = (p: { data: O['earnings'] }) => {
  const total = p.data.reduce((n, w) => n + w.netPaise, 0);
  return (
    <Widget name="earnings" title="Earnings, last 12 weeks">
      <p>
        <strong>{formatPaise(total)}</strong> received after refunds.
      </p>
      <BarChart
        id="earnings-chart"
        title="Earnings per week after refunds (week starting)"
        columns={['Week starting', 'Earnings after refunds']}
        bars={p.data.map((w) => ({ label: weekLabel(w.weekStart), value: w.netPaise, text: formatPaise(w.netPaise) }))}
      />
      <a href="/organizer/earnings">Earnings by month</a>
    </Widget>
  );
};

const SUB_STATUS: Record<string, string> = {
  trial: 'Free trial',
  active: 'Active',
  past_due: 'Past due: a payment failed',
  inactive: 'Inactive',
  cancelled: 'Cancelled',
};

export const SubscriptionWidget = (p: { data: O['subscription'] }) => {
  const s = p.data;
  return (
    <Widget name="subscription" title="Subscription">
      <p>
        {!s ? (
          'No subscription yet.'
        ) : (
          <>
            <strong>{s.trialOver ? 'Free trial (ended)' : SUB_STATUS[s.status]}</strong>:{' '}
            {s.daysLeft === 0 ? 'the period ends today' : `${plural(s.daysLeft, 'day')} left`} (until{' '}
            {formatDate(s.periodEnd)}), up to {plural(s.running.listings, 'active trip')}.
          </>
        )}
      </p>
      <a href="/organizer/subscription">Subscription and plan</a>
    </Widget>
  );
};

export const AlertsWidget = (p: { data: O['alerts'] }) => (
  <Widget name="alerts" title="Needs your attention">
    {p.data.length === 0 ? (
      <p>Nothing needs your attention.</p>
    ) : (
      <ul>
        {p.data.map((a) =>
          a.kind === 'proof-overdue' ? (
            <li>
              UPI payment of <a href="/organizer/verifications">{a.code}</a> ({a.title}) is past its deadline (
              {formatDateTime(a.dueAt)}): verify or reject it.
            </li>
          ) : (
            <li>
              <a href={`/organizer/trips/${a.tripId}/edit`}>{a.title}</a> starts {formatDay(a.startDate)} with only{' '}
              {a.seatsTaken} of {a.capacity} seats taken.
            </li>
          ),
        )}
      </ul>
    )}
  </Widget>
);

// ---------------------------------------------------------------- traveler

type T = TravelerDashboard;

export const UpcomingWidget = (p: { data: T['upcoming'] }) => (
  <Widget name="upcoming" title="Your upcoming trips">
    {p.data.length === 0 ? (
      <p>
        No trips booked. <a href="/trips">Find a trek</a>
      </p>
    ) : (
      <ul>
        {p.data.map((b) => (
          <li>
            <a href={`/bookings/${b.id}`}>{b.title}</a> {formatDay(b.startDate)} to {formatDay(b.endDate)},{' '}
            {plural(b.guests, 'guest')}
          </li>
        ))}
      </ul>
    )}
  </Widget>
);

export const NeedingActionWidget = (p: { data: T['needingAction'] }) => (
  <Widget name="needingAction" title="Bookings needing your action">
    {p.data.length === 0 ? (
      <p>Nothing to do.</p>
    ) : (
      <ul>
        {p.data.map((b) => (
          <li>
            <a href={`/bookings/${b.id}`}>{b.code}</a> {b.title} ({formatDay(b.startDate)}):{' '}
            {b.balanceDueOn ? (
              <a href={`/bookings/${b.id}/pay`}>
                pay the balance of {formatPaise(b.amountPaise)} by {formatDay(b.balanceDueOn)}
              </a>
            ) : b.proofRejected ? (
              'your UPI payment was not accepted, pay again'
            ) : (
              `pay ${formatPaise(b.amountPaise)}`
            )}
            {b.holdExpiresAt && <> by {formatDateTime(b.holdExpiresAt)}</>}
          </li>
        ))}
      </ul>
    )}
  </Widget>
);

/**
 * The slot the reviews feature fills: a link to review a past trip, shown only when the
 * trip has one (none does until src/reviews/ exists).
 */
export const ReviewSlot = (p: { href: string | null; title: string }) =>
  p.href ? <a href={p.href}>Review {p.title}</a> : null;

export const PastWidget = (p: { data: T['past'] }) => (
  <Widget name="past" title="Past trips">
    {p.data.length === 0 ? (
      <p>No past trips yet.</p>
    ) : (
      <ul>
        {p.data.map((b) => (
          <li>
            <a href={`/bookings/${b.id}`}>{b.title}</a> {formatDay(b.startDate)} to {formatDay(b.endDate)}{' '}
            <ReviewSlot href={b.reviewHref} title={b.title} />
          </li>
        ))}
      </ul>
    )}
  </Widget>
);

// ---------------------------------------------------------------- agent

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

// ---------------------------------------------------------------- admin

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
