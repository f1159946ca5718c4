import { formatPaise } from '../../src/lib/money.js';
import { formatDate } from '../../src/lib/time.js';
import type { PlanTerms, SubscriptionView } from '../../src/billing/service.js';
import type { SubscriptionStatus } from '../../src/billing/tables.js';

const STATUS: Record<SubscriptionStatus, string> = {
  trial: 'Free trial',
  active: 'Active',
  past_due: 'Past due',
  inactive: 'Inactive',
  cancelled: 'Cancelled',
};

const days = (n: number) => (n === 0 ? 'ends today' : n === 1 ? '1 day left' : `${n} days left`);

const Terms = (p: { terms: PlanTerms }) => (
  <>
    {formatPaise(p.terms.amountPaise)} per {p.terms.periodDays} days, up to {p.terms.listings} active{' '}
    {p.terms.listings === 1 ? 'trip' : 'trips'}
  </>
);

export interface SubscriptionPageProps {
  /** Whose subscription this is, when an admin looks at an organizer's. */
  organizerName: string | null;
  sub: SubscriptionView | null;
  plan: PlanTerms;
}

export function SubscriptionPage(p: SubscriptionPageProps) {
  const s = p.sub;
  return (
    <>
      <h1>{p.organizerName ? `Subscription of ${p.organizerName}` : 'Your subscription'}</h1>
      {s ? (
        <Status sub={s} />
      ) : (
        <p id="subscription-status">
          No subscription yet: an organizer's free trial starts the first time they sign in.
        </p>
      )}
      <section>
        <h2>The plan</h2>
        <p id="plan-terms">
          <Terms terms={p.plan} />.
        </p>
        {s && s.status !== 'trial' && JSON.stringify(s.running) !== JSON.stringify(s.next) && (
          <p class="muted">
            Your current period keeps its terms (<Terms terms={s.running} />
            ); the plan above applies from your next period.
          </p>
        )}
      </section>
      <section>
        <h2>Payment history</h2>
        {s && s.charges.length > 0 ? (
          <table class="records" id="charges">
            <thead>
              <tr>
                <th>Period from</th>
                <th>Amount</th>
                <th>Status</th>
                <th>Date</th>
              </tr>
            </thead>
            <tbody>
              {s.charges.map((c) => (
                <tr>
                  <td data-label="Period from">{formatDate(c.periodStart)}</td>
                  <td data-label="Amount">{formatPaise(c.amountPaise)}</td>
                  <td data-label="Status">
                    {c.status}
                    {c.attempt > 1 && ` (attempt ${c.attempt})`}
                  </td>
                  <td data-label="Date">{formatDate(c.settledAt ?? c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p id="charges" class="muted">
            No payments yet.
          </p>
        )}
      </section>
    </>
  );
}

function Status(p: { sub: SubscriptionView }) {
  const s = p.sub;
  return (
    <section id="subscription-status">
      <p>
        <strong>{s.trialOver ? 'Free trial (ended)' : STATUS[s.status]}</strong>
        {s.status === 'trial' && !s.trialOver && <> · {days(s.daysLeft)}</>}
      </p>
      {s.status === 'trial' && (
        <>
          <p>
            {s.trialOver ? 'Your free trial ended on' : 'Your free trial ends on'} {formatDate(s.trialEndsAt)}. It
            includes up to {s.running.listings} active {s.running.listings === 1 ? 'trip' : 'trips'}.
          </p>
          <p>When it ends, travelers stop seeing your trips; bookings already made stay as they are.</p>
        </>
      )}
      {s.status === 'inactive' && (
        <p>Travelers do not see your trips, and no trip can be published. Bookings already made stay as they are.</p>
      )}
      {s.status !== 'trial' && s.status !== 'inactive' && (
        <p>
          Current period: {formatDate(s.periodStart)} to {formatDate(s.periodEnd)} ({days(s.daysLeft)}).
        </p>
      )}
      <p id="next-charge">
        {s.nextChargeAt ? (
          <>
            Next charge: {formatPaise(s.next.amountPaise)} on {formatDate(s.nextChargeAt)}.
          </>
        ) : (
          'No charge is scheduled.'
        )}
      </p>
    </section>
  );
}
