import type { TravelerDashboard } from '../../src/dashboards/types.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';
import { Widget, plural } from './widget.js';

/** The traveler dashboard's widgets: upcoming trips, bookings to pay, past trips to review. */

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
              'your UPI payment was not accepted: send a new proof'
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
