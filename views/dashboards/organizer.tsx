import type { OrganizerDashboard } from '../../src/dashboards/types.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDate, formatDateTime, formatDay } from '../../src/lib/time.js';
import { BarChart } from './Chart.js';
import { Widget, plural } from './widget.js';

/** The organizer dashboard's widgets: trips, departures, bookings, payments to check, money, the plan, alerts. */

const shortDay = new Intl.DateTimeFormat('en-IN', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const weekLabel = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`));

const BOOKING_STATUS: Record<string, string> = {
  pending: 'awaiting payment',
  confirmed: 'confirmed',
  completed: 'completed',
  cancelled: 'cancelled',
};

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

/** How the next departures fill: a report, not a task, so folded (a closed <details>) below the work to do. */
export const DeparturesWidget = (p: { data: O['departures'] }) => (
  <Widget name="departures" title="Upcoming departures">
    {p.data.length === 0 ? (
      <p>No departures coming up.</p>
    ) : (
      <details>
        <summary>Seats taken on the next {plural(p.data.length, 'departure')}</summary>
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
      </details>
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
            {formatPaise(b.amountPaise)}
            {b.depositPaidPaise !== null && ` (${formatPaise(b.depositPaidPaise)} received, the balance owed)`},{' '}
            {BOOKING_STATUS[b.status]} ({formatDateTime(b.createdAt)})
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

/**
 * Overdue UPI payments, each listed (each needs a decision); departures filling slowly gathered
 * in one closed <details>: worth a look, but never above the payments to verify.
 */
export const AlertsWidget = (p: { data: O['alerts'] }) => {
  const overdue = p.data.filter((a) => a.kind === 'proof-overdue');
  const slow = p.data.filter((a) => a.kind === 'under-filled');
  return (
    <Widget name="alerts" title="Needs your attention">
      {p.data.length === 0 && <p>Nothing needs your attention.</p>}
      {overdue.length > 0 && (
        <ul>
          {overdue.map((a) => (
            <li>
              UPI payment of <a href="/organizer/verifications">{a.code}</a> ({a.title}) is past its deadline (
              {formatDateTime(a.dueAt)}): verify or reject it.
            </li>
          ))}
        </ul>
      )}
      {slow.length > 0 && (
        <details id="filling-slowly">
          <summary>
            {plural(slow.length, 'departure')} {slow.length === 1 ? 'is' : 'are'} filling slowly
          </summary>
          <ul>
            {slow.map((a) => (
              <li>
                <a href={`/organizer/trips/${a.tripId}/edit`}>{a.title}</a> starts {formatDay(a.startDate)} with only{' '}
                {a.seatsTaken} of {a.capacity} seats taken.
              </li>
            ))}
          </ul>
        </details>
      )}
    </Widget>
  );
};
