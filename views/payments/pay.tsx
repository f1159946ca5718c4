import type { FieldErrors } from '../../src/lib/errors.js';
import { formatPaise } from '../../src/lib/money.js';
import { MAX_IMAGE_BYTES } from '../../src/lib/images.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';
import type { KeptScreenshot, PayableBooking, PayerContact, UpiProofRecord } from '../../src/bookings/types.js';

export interface PayPageProps {
  booking: PayableBooking;
  upiLink: string | null;
  gatewayMode: 'razorpay' | 'test' | 'off';
  pendingProof: UpiProofRecord | null;
  rejectedProof: UpiProofRecord | null;
  /** A screenshot sent with an earlier try of the proof form, kept so it need not be sent again. */
  kept: KeptScreenshot | null;
  errors: FieldErrors;
  utr: string;
  proofHoldMinutes: number;
  /** Paying for a move to another departure (its own paths under /bookings/:id/move/pay): the new start. */
  forMove?: { toStart: string };
}

const formatHours = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;

/** Pay a held booking: online (Razorpay or the test gateway) or by UPI with a proof. */
export function PayPage(p: PayPageProps) {
  const b = p.booking;
  const base = p.forMove ? `/bookings/${b.id}/move/pay` : `/bookings/${b.id}/pay`;
  return (
    <section>
      <hgroup>
        <h1>
          {b.balance ? 'Pay the balance: ' : 'Pay '}
          {formatPaise(b.amountPaise)}
          {p.forMove && ` to move to ${formatDay(p.forMove.toStart)}`}
        </h1>
        <p>
          {b.title} · {formatDay(b.startDate)} · {b.guests} guest{b.guests === 1 ? '' : 's'} · booking{' '}
          <strong>{b.code}</strong>
        </p>
      </hgroup>
      {b.amountPaise < b.totalPaise && (
        <p id="pay-part">
          {b.balance
            ? `Of ${formatPaise(b.totalPaise)} in all; the deposit is paid.`
            : `The deposit of ${formatPaise(b.totalPaise)} in all; the balance of ${formatPaise(b.totalPaise - b.amountPaise)} is due by ${b.balanceDueOn ? formatDay(b.balanceDueOn) : 'the due date'}.`}
        </p>
      )}
      {b.holdExpiresAt && (
        <p>
          Your seats are held until <strong>{formatDateTime(b.holdExpiresAt)}</strong>.
        </p>
      )}
      {p.pendingProof ? (
        <article>
          <p>
            Your UPI payment (UTR {p.pendingProof.utr}) is with the organizer for checking. We will tell you as soon as
            they confirm it.
          </p>
          <p>
            <a href={`/bookings/${b.id}`}>See your booking</a>
          </p>
        </article>
      ) : (
        <>
          {p.gatewayMode !== 'off' && (
            <article>
              <h2>Pay online</h2>
              <p class="muted">
                UPI, cards, net banking or wallets through Razorpay.
                {p.gatewayMode === 'test' && ' Test mode: no real money moves.'}
              </p>
              <form method="post" action={`${base}/online`} hx-boost="false">
                <button type="submit">Pay {formatPaise(b.amountPaise)} online</button>
              </form>
            </article>
          )}
          {b.upiId && (
            <article>
              <h2>Pay by UPI</h2>
              <p>
                Pay <strong>{formatPaise(b.amountPaise)}</strong> to <strong>{b.organizerName}</strong>, UPI ID{' '}
                <code>{b.upiId}</code>, with the note <strong>{b.code}</strong>.
              </p>
              {p.upiLink && (
                <p>
                  <a href={p.upiLink} role="button" class="secondary">
                    Open my UPI app
                  </a>
                </p>
              )}
              <img
                src={p.forMove ? `/bookings/${b.id}/move/upi-qr.svg` : `/bookings/${b.id}/upi-qr.svg`}
                width={200}
                height={200}
                alt={`UPI QR code to pay ${formatPaise(b.amountPaise)} to ${b.upiId}`}
              />
              {p.rejectedProof &&
                (p.rejectedProof.resendBy ? (
                  <p class="flash error" id="resend-request">
                    The organizer asks you to send your payment proof again: {p.rejectedProof.reason} Send it by{' '}
                    {formatDateTime(p.rejectedProof.resendBy)}; your seats stay held until then.
                  </p>
                ) : (
                  <p class="flash error">Your last proof was not accepted: {p.rejectedProof.reason}</p>
                ))}
              <p id="upi-proof-needs">
                Send both: the 12-digit UTR from your UPI app and a screenshot of the payment (JPEG, PNG or WebP, up to{' '}
                {MAX_IMAGE_BYTES / 1024 / 1024} MB).{' '}
                {p.forMove
                  ? 'Your booking stays on its date until the organizer confirms the payment; it moves then, if the seats are still there (if not, the money comes back).'
                  : `The organizer confirms or refuses it within ${formatHours(p.proofHoldMinutes)}; your seats stay held until then.`}
              </p>
              <form method="post" action={`${base}/upi`} enctype="multipart/form-data" hx-boost="false">
                <label>
                  UTR (12-digit UPI reference)
                  <input
                    name="utr"
                    inputmode="numeric"
                    autocomplete="off"
                    pattern="[0-9]{12}"
                    maxlength={12}
                    required
                    value={p.utr}
                    aria-invalid={p.errors.utr ? 'true' : undefined}
                  />
                  {p.errors.utr && <small class="field-error">{p.errors.utr}</small>}
                </label>
                <label>
                  Screenshot of the payment
                  {p.kept && (
                    <small id="kept-screenshot">
                      Your screenshot <strong>{p.kept.fileName}</strong> is kept — choose another file only to replace
                      it.
                    </small>
                  )}
                  <input
                    name="screenshot"
                    type="file"
                    accept="image/jpeg,image/png,image/webp"
                    required={!p.kept}
                    aria-describedby={p.kept ? 'kept-screenshot' : undefined}
                    aria-invalid={p.errors.screenshot ? 'true' : undefined}
                  />
                  {p.errors.screenshot && <small class="field-error">{p.errors.screenshot}</small>}
                </label>
                {p.kept && <input type="hidden" name="kept" value={p.kept.ref} />}
                <button type="submit">Send payment proof</button>
              </form>
            </article>
          )}
        </>
      )}
    </section>
  );
}

/** Real Razorpay Checkout (only with real keys): their script opens, ours posts the result back. */
export function RazorpayCheckoutPage(p: {
  booking: PayableBooking;
  orderId: string;
  keyId: string;
  traveler: PayerContact;
  /** Where Checkout's result is posted (the booking's own payment by default). */
  verifyPath?: string;
}) {
  const b = p.booking;
  return (
    <section>
      <h1>Pay {formatPaise(b.amountPaise)}</h1>
      <p>
        {b.title} · booking {b.code}
      </p>
      <form
        id="rzp-form"
        method="post"
        action={p.verifyPath ?? `/bookings/${b.id}/pay/verify`}
        data-key={p.keyId}
        data-amount={String(b.amountPaise)}
        data-order={p.orderId}
        data-description={`${b.title} (${b.code})`}
        data-name={p.traveler.name}
        data-email={p.traveler.email}
        data-contact={p.traveler.phone ?? ''}
      >
        <input type="hidden" name="razorpay_order_id" value="" />
        <input type="hidden" name="razorpay_payment_id" value="" />
        <input type="hidden" name="razorpay_signature" value="" />
        <input type="hidden" name="error_description" value="" />
      </form>
      <button id="rzp-pay" type="button">
        Pay with Razorpay
      </button>
      <noscript>
        <p>
          Online payment needs JavaScript.{' '}
          <a href={p.verifyPath?.replace(/\/verify$/, '') ?? `/bookings/${b.id}/pay`}>Pay by UPI instead</a>.
        </p>
      </noscript>
    </section>
  );
}

/** The built-in test gateway's checkout: what Razorpay's page would be, clearly not real. */
export function TestCheckoutPage(p: {
  orderId: string;
  amount: number;
  receipt: string | null;
  callback: string;
  /** An auto-pay authorisation (the order carries token terms): the mandate can be made to fail its later debits. */
  mandate: boolean;
}) {
  return (
    <section>
      <p class="test-mode">TEST GATEWAY — no real money moves</p>
      <h1>Pay {formatPaise(p.amount)}</h1>
      <p>
        Order {p.orderId}
        {p.receipt && <> · reference {p.receipt}</>}
      </p>
      <form method="post" action={`/test-gateway/checkout/${p.orderId}`} hx-boost="false">
        <input type="hidden" name="callback" value={p.callback} />
        <button type="submit" name="outcome" value="pay">
          Pay (test success)
        </button>
        {p.mandate && (
          <button type="submit" name="outcome" value="pay-failing-mandate" class="secondary">
            Pay, with a mandate whose later debits fail
          </button>
        )}
        <button type="submit" name="outcome" value="fail" class="secondary">
          Fail (test decline)
        </button>
      </form>
    </section>
  );
}
