import type { FieldErrors } from '../../src/lib/errors.js';
import { formatDate, formatDateTime, formatDay } from '../../src/lib/time.js';
import type { ModerationItem, ReviewableBooking, ReviewView } from '../../src/reviews/types.js';
import { MAX_TAGS, REPORT_REASONS, REVIEW_TAGS } from '../../src/reviews/schemas.js';
import { Field } from '../components/Field.js';
import { ReviewItem } from './parts.js';

const STAR_WORDS = ['', 'Poor', 'Fair', 'Good', 'Very good', 'Excellent'];

const ErrorText = (p: { errors: FieldErrors; name: string }) =>
  p.errors[p.name] ? (
    <small id={`f-${p.name}-error`} class="field-error">
      {p.errors[p.name]}
    </small>
  ) : null;

/** Five radio buttons, 5 first, each a full-width 44 px label. */
function StarChoice(p: { name: string; legend: string; value?: string; errors: FieldErrors }) {
  return (
    <fieldset aria-invalid={p.errors[p.name] ? 'true' : undefined}>
      <legend>{p.legend}</legend>
      {[5, 4, 3, 2, 1].map((n) => (
        <label>
          <input type="radio" name={p.name} value={String(n)} checked={p.value === String(n)} required />
          <span aria-hidden="true">{'★'.repeat(n)}</span> {n} · {STAR_WORDS[n]}
        </label>
      ))}
      <ErrorText errors={p.errors} name={p.name} />
    </fieldset>
  );
}

export interface ReviewValues {
  trip_stars?: string;
  organizer_stars?: string;
  title?: string;
  comment?: string;
  tags: string[];
}

/** The review form of one completed booking; bad input comes back with each message at its field. */
export function ReviewFormPage(p: { booking: ReviewableBooking; values: ReviewValues; errors: FieldErrors }) {
  const b = p.booking;
  const e = p.errors;
  return (
    <section class="narrow">
      <hgroup>
        <h1>Review {b.title}</h1>
        <p>
          {formatDay(b.startDate)} – {formatDay(b.endDate)} with {b.organizerName} · booking {b.code}
        </p>
      </hgroup>
      {e.form && (
        <p class="flash error" role="alert">
          {e.form}
        </p>
      )}
      <form method="post" action={`/bookings/${b.id}/review`}>
        <StarChoice name="trip_stars" legend="How was the trip?" value={p.values.trip_stars} errors={e} />
        <StarChoice
          name="organizer_stars"
          legend={`How was ${b.organizerName} as organizer?`}
          value={p.values.organizer_stars}
          errors={e}
        />
        <Field label="Title" name="title" value={p.values.title} errors={e} required maxlength={100} />
        <label for="f-comment">
          Your review
          <textarea
            id="f-comment"
            name="comment"
            rows={6}
            required
            maxlength={2000}
            aria-invalid={e.comment ? 'true' : undefined}
            aria-describedby={e.comment ? 'f-comment-error' : undefined}
          >
            {p.values.comment ?? ''}
          </textarea>
          {!e.comment && <small>What went well, what could be better: at least 20 characters.</small>}
          <ErrorText errors={e} name="comment" />
        </label>
        <fieldset aria-invalid={e.tags ? 'true' : undefined}>
          <legend>Tags (up to {MAX_TAGS}, optional)</legend>
          {Object.entries(REVIEW_TAGS).map(([slug, label]) => (
            <label>
              <input type="checkbox" name="tags" value={slug} checked={p.values.tags.includes(slug)} />
              {label}
            </label>
          ))}
          <ErrorText errors={e} name="tags" />
        </fieldset>
        <button type="submit">Publish my review</button>
      </form>
    </section>
  );
}

/** The traveler's reviews: trips waiting for one, and those written. */
export function MyReviewsPage(p: { awaiting: ReviewableBooking[]; written: ReviewView[] }) {
  return (
    <>
      <h1>Your reviews</h1>
      <section>
        <h2>Trips to review</h2>
        {p.awaiting.length === 0 ? (
          <p class="muted">Nothing to review right now.</p>
        ) : (
          <ul>
            {p.awaiting.map((b) => (
              <li>
                {b.title}, {formatDay(b.startDate)} <a href={`/bookings/${b.id}/review`}>Write a review</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Written by you</h2>
        {p.written.length === 0 ? (
          <p class="muted">You have not written a review yet.</p>
        ) : (
          p.written.map((r) => (
            <>
              {r.status === 'hidden' && <p class="flash error">An admin hid this review.</p>}
              <ReviewItem review={r} showTrip />
            </>
          ))
        )}
      </section>
    </>
  );
}

/** The reply form under one review; its error when it came back. */
function ReplyForm(p: { review: ReviewView; value?: string; error?: string }) {
  const id = `f-reply-${p.review.id}`;
  return (
    <form method="post" action={`/organizer/reviews/${p.review.id}/reply`}>
      <label for={id}>
        Your reply (one, shown under the review)
        <textarea
          id={id}
          name="reply"
          rows={3}
          required
          maxlength={1000}
          aria-invalid={p.error ? 'true' : undefined}
          aria-describedby={p.error ? `${id}-error` : undefined}
        >
          {p.value ?? ''}
        </textarea>
        {p.error && (
          <small id={`${id}-error`} class="field-error">
            {p.error}
          </small>
        )}
      </label>
      <button type="submit">Reply</button>
    </form>
  );
}

/** The organizer's reviews, each with its reply or the form to write it. */
export function OrganizerReviewsPage(p: {
  reviews: ReviewView[];
  failed?: { id: number; value: string; error: string };
}) {
  return (
    <>
      <h1>Reviews of your trips</h1>
      {p.reviews.length === 0 && <p class="muted">No reviews yet. Travelers are asked after each trip.</p>}
      {p.reviews.map((r) => (
        <>
          {r.status === 'hidden' && <p class="flash error">An admin hid this review; travelers do not see it.</p>}
          <ReviewItem review={r} showTrip />
          {!r.reply && (
            <ReplyForm
              review={r}
              value={p.failed?.id === r.id ? p.failed.value : undefined}
              error={p.failed?.id === r.id ? p.failed.error : undefined}
            />
          )}
        </>
      ))}
    </>
  );
}

/** Why the review is reported, for the admins. */
export function ReportPage(p: {
  review: ReviewView;
  values: { reason?: string; details?: string };
  errors: FieldErrors;
}) {
  const e = p.errors;
  return (
    <section class="narrow">
      <h1>Report a review</h1>
      <ReviewItem review={p.review} showTrip />
      <form method="post" action={`/reviews/${p.review.id}/report`}>
        <fieldset aria-invalid={e.reason ? 'true' : undefined}>
          <legend>What is wrong with it?</legend>
          {Object.entries(REPORT_REASONS).map(([slug, label]) => (
            <label>
              <input type="radio" name="reason" value={slug} checked={p.values.reason === slug} required />
              {label}
            </label>
          ))}
          <ErrorText errors={e} name="reason" />
        </fieldset>
        <label for="f-details">
          Details (optional)
          <textarea
            id="f-details"
            name="details"
            rows={3}
            maxlength={500}
            aria-invalid={e.details ? 'true' : undefined}
          >
            {p.values.details ?? ''}
          </textarea>
          <ErrorText errors={e} name="details" />
        </label>
        <button type="submit">Send the report</button>
      </form>
      <p>
        <a href={`/trips/${p.review.tripId}#reviews`}>Back to the trip</a>
      </p>
    </section>
  );
}

/** Reported (or hidden) reviews, each with hide/restore and the reason asked for. */
export function AdminReviewsPage(p: {
  show: 'reported' | 'hidden';
  items: ModerationItem[];
  failed?: { id: number; value: string; error: string };
}) {
  return (
    <>
      <h1>Reviews</h1>
      <nav aria-label="Which reviews">
        <ul>
          <li>
            <a href="/admin/reviews" aria-current={p.show === 'reported' ? 'page' : undefined}>
              Reported
            </a>
          </li>
          <li>
            <a href="/admin/reviews?show=hidden" aria-current={p.show === 'hidden' ? 'page' : undefined}>
              Hidden
            </a>
          </li>
        </ul>
      </nav>
      {p.items.length === 0 && (
        <p class="muted">{p.show === 'reported' ? 'No review waits for a decision.' : 'No review is hidden.'}</p>
      )}
      {p.items.map((r) => {
        const failed = p.failed?.id === r.id ? p.failed : undefined;
        const hide = r.status === 'visible';
        const id = `f-reason-${r.id}`;
        return (
          <article>
            <ReviewItem review={r} showTrip />
            <p>
              <strong>{r.status === 'hidden' ? 'Hidden' : 'Visible'}</strong>
              {r.openReports > 0 && ` · ${r.openReports} open ${r.openReports === 1 ? 'report' : 'reports'}`}
              {r.moderatedAt && ` · last decision ${formatDateTime(r.moderatedAt)}: ${r.moderationReason}`}
            </p>
            {r.reports.length > 0 && (
              <ul>
                {r.reports.map((x) => (
                  <li>
                    {REPORT_REASONS[x.reason] ?? x.reason} — {x.reporterName}, {formatDate(x.createdAt)}
                    {x.details && `: ${x.details}`}
                    {!x.open && <span class="muted"> (decided)</span>}
                  </li>
                ))}
              </ul>
            )}
            <form method="post" action={`/admin/reviews/${r.id}/${hide ? 'hide' : 'restore'}`}>
              <label for={id}>
                Reason (kept in the audit log)
                <input
                  id={id}
                  name="reason"
                  required
                  maxlength={300}
                  value={failed?.value}
                  aria-invalid={failed ? 'true' : undefined}
                  aria-describedby={failed ? `${id}-error` : undefined}
                />
                {failed && (
                  <small id={`${id}-error`} class="field-error">
                    {failed.error}
                  </small>
                )}
              </label>
              <button type="submit" class={hide ? undefined : 'secondary'}>
                {hide ? 'Hide this review' : 'Restore this review'}
              </button>
            </form>
            {hide && r.openReports > 0 && (
              <form method="post" action={`/admin/reviews/${r.id}/restore`}>
                <input type="hidden" name="reason" value="Reports reviewed: nothing wrong with it." />
                <button type="submit" class="secondary outline">
                  Keep it visible and close the reports
                </button>
              </form>
            )}
          </article>
        );
      })}
    </>
  );
}
