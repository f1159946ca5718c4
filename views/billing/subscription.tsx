import { formatPaise } from '../../src/lib/money.js';
import { formatDate } from '../../src/lib/time.js';
import type {
  ChargeKind,
  MandateMethod,
  PlanTerms,
  Receipt,
  SubscriptionStatus,
  SubscriptionView,
  TokenStatus,
} from '../../src/billing/types.js';

const METHOD: Record<MandateMethod, string> = { upi: 'UPI Autopay', card: 'Card', emandate: 'Bank e-mandate' };
const TOKEN: Record<TokenStatus, string> = {
  pending: 'waiting for your bank to confirm',
  confirmed: 'active',
  rejected: 'rejected by your bank',
  paused: 'paused at your bank',
  cancelled: 'cancelled',
};
const KIND: Record<ChargeKind, string> = { mandate: 'Auto-pay set-up', auto: 'Auto-pay', manual: 'Paid by you' };

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
      {s && !p.organizerName && <Actions sub={s} />}
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
                <th>Receipt</th>
              </tr>
            </thead>
            <tbody>
              {s.charges.map((c) => (
                <tr>
                  <td data-label="Period from">{formatDate(c.periodStart)}</td>
                  <td data-label="Amount">{formatPaise(c.amountPaise)}</td>
                  <td data-label="Status">
                    {KIND[c.kind]}: {c.status}
                    {c.attempt > 1 && ` (attempt ${c.attempt})`}
                  </td>
                  <td data-label="Date">{formatDate(c.settledAt ?? c.createdAt)}</td>
                  <td data-label="Receipt">
                    {c.status === 'paid' ? <a href={`/organizer/subscription/charges/${c.id}`}>Receipt</a> : '—'}
                  </td>
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
          {s.startsLater ? 'Paid period' : 'Current period'}: {formatDate(s.periodStart)} to {formatDate(s.periodEnd)}
          {s.startsLater ? ' (it starts when your trial or the period before it ends)' : ` (${days(s.daysLeft)})`}.
        </p>
      )}
      <p id="mandate">
        {s.mandate ? (
          <>
            Auto-pay: {s.mandate.method ? METHOD[s.mandate.method] : 'mandate'}
            {s.mandate.maxAmountPaise !== null && <>, up to {formatPaise(s.mandate.maxAmountPaise)} a debit</>},{' '}
            {s.cancelAtPeriodEnd ? 'cancelled' : TOKEN[s.mandate.status]}.
            {s.needsNewMandate && <strong> Auto-pay needs a new mandate.</strong>}
          </>
        ) : (
          'Auto-pay is not set up.'
        )}
      </p>
      {s.cancelAtPeriodEnd && <p>Cancelled: your subscription stays active until {formatDate(s.periodEnd)}.</p>}
      {s.failedAttempts > 0 && s.status === 'past_due' && (
        <p role="alert">
          The last {s.failedAttempts === 1 ? 'charge' : `${s.failedAttempts} charges`} failed. Pay now to keep your
          trips visible.
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

/** Set up auto-pay, pay now / reactivate, cancel: plain forms (JavaScript off works). */
function Actions(p: { sub: SubscriptionView }) {
  const s = p.sub;
  const autopayOn = s.mandate?.status === 'confirmed' && !s.cancelAtPeriodEnd;
  const open = s.status !== 'cancelled' && !s.cancelAtPeriodEnd;
  return (
    <section id="subscription-actions">
      <h2>Actions</h2>
      {!autopayOn && !s.pending && (
        <form method="post" action="/organizer/subscription/autopay">
          <fieldset>
            <legend>Set up auto-pay</legend>
            {(['upi', 'card', 'emandate'] as const).map((m, i) => (
              <label>
                <input type="radio" name="method" value={m} checked={i === 0} /> {METHOD[m]}
              </label>
            ))}
          </fieldset>
          <p class="muted">
            The first payment pays your next period; later periods are charged automatically two days before they start.
          </p>
          <button type="submit">Set up auto-pay</button>
        </form>
      )}
      {s.payNowOffered && (
        <form method="post" action="/organizer/subscription/pay">
          <button type="submit" class="secondary">
            {s.status === 'inactive' || s.status === 'cancelled' ? 'Pay and reactivate' : 'Pay now'} (
            {formatPaise(s.next.amountPaise)})
          </button>
        </form>
      )}
      {s.pending && <p>A payment is on its way; its outcome shows here once the bank answers.</p>}
      {open && s.status !== 'inactive' && (
        <form method="post" action="/organizer/subscription/cancel">
          <button type="submit" class="secondary outline">
            Cancel subscription
          </button>
        </form>
      )}
    </section>
  );
}

/** One paid charge, as a receipt. */
export function ReceiptPage(p: { receipt: Receipt }) {
  const r = p.receipt;
  return (
    <article id="receipt">
      <h1>Receipt {r.number}</h1>
      <dl>
        <dt>Paid by</dt>
        <dd>
          {r.organizer} ({r.email})
        </dd>
        <dt>Amount</dt>
        <dd>{formatPaise(r.amountPaise)}</dd>
        <dt>For</dt>
        <dd>
          TrekTribe organizer subscription, {formatDate(r.periodStart)} to {formatDate(r.periodEnd)}
        </dd>
        <dt>Paid on</dt>
        <dd>{formatDate(r.paidAt)}</dd>
        <dt>How</dt>
        <dd>
          {KIND[r.kind]}
          {r.razorpayPaymentId && <> (Razorpay {r.razorpayPaymentId})</>}
        </dd>
      </dl>
      <p>
        <a href="/organizer/subscription">Back to your subscription</a>
      </p>
    </article>
  );
}

/** Razorpay Checkout for a subscription payment (with real keys); the script posts the outcome to `action`. */
export function SubscriptionCheckoutPage(p: {
  orderId: string;
  amountPaise: number;
  recurring: boolean;
  customerId: string | null;
  keyId: string;
  action: string;
  name: string;
  email: string;
  phone: string | null;
}) {
  return (
    <section>
      <h1>Pay {formatPaise(p.amountPaise)}</h1>
      <p>
        {p.recurring ? 'This payment also sets up auto-pay for your next periods.' : 'Your TrekTribe subscription.'}
      </p>
      <form
        id="rzp-form"
        method="post"
        action={p.action}
        data-key={p.keyId}
        data-amount={String(p.amountPaise)}
        data-order={p.orderId}
        data-description="TrekTribe subscription"
        data-name={p.name}
        data-email={p.email}
        data-contact={p.phone ?? ''}
        data-customer={p.customerId ?? ''}
        data-recurring={p.recurring ? '1' : ''}
      >
        <input type="hidden" name="razorpay_order_id" value="" />
        <input type="hidden" name="razorpay_payment_id" value="" />
        <input type="hidden" name="razorpay_signature" value="" />
        <input type="hidden" name="error_description" value="" />
      </form>
      <button id="rzp-pay" type="button">
        Pay with Razorpay
      </button>
    </section>
  );
}
