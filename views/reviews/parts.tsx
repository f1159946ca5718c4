import { formatDate } from '../../src/lib/time.js';
import type { Rating, ReviewView } from '../../src/reviews/types.js';
import { REVIEW_TAGS } from '../../src/reviews/schemas.js';

/** An average to one decimal, as every page shows it: 4.333… → "4.3". */
export const formatAverage = (average: number) => (Math.round(average * 10) / 10).toFixed(1);

const count = (n: number) => `${n} ${n === 1 ? 'review' : 'reviews'}`;

/** "★ 4.3 · 3 reviews", or "No reviews yet" (cards, trip and organizer pages). */
export function RatingBadge(p: { rating: Rating | null; none?: string }) {
  if (!p.rating) return <span class="rating muted">{p.none ?? 'No reviews yet'}</span>;
  return (
    <span
      class="rating"
      role="img"
      aria-label={`Rated ${formatAverage(p.rating.average)} of 5, ${count(p.rating.count)}`}
    >
      <span aria-hidden="true">★</span> <strong>{formatAverage(p.rating.average)}</strong> · {count(p.rating.count)}
    </span>
  );
}

export const Stars = (p: { n: number; label: string }) => (
  <span role="img" aria-label={`${p.label}: ${p.n} of 5`}>
    <span aria-hidden="true">
      {'★'.repeat(p.n)}
      {'☆'.repeat(5 - p.n)}
    </span>
  </span>
);

/** One review: stars, title, who and when, the comment, tags, the organizer's reply; a report link. */
export function ReviewItem(p: { review: ReviewView; showTrip?: boolean; report?: boolean }) {
  const r = p.review;
  return (
    <article class="review" id={`review-${r.id}`}>
      <header>
        <strong>{r.title}</strong>
        <br />
        <Stars n={r.tripStars} label="Trip" /> <small class="muted">trip</small> ·{' '}
        <Stars n={r.organizerStars} label="Organizer" /> <small class="muted">organizer</small>
      </header>
      <p class="muted">
        {r.authorName}
        {r.verified && (
          <>
            {' '}
            <span class="badge ok">Verified trip</span>
          </>
        )}{' '}
        · {formatDate(r.createdAt)}
        {p.showTrip && <> · {r.tripTitle}</>}
      </p>
      {r.comment.split(/\n{2,}/).map((para) => (
        <p>{para}</p>
      ))}
      {r.tags.length > 0 && (
        <p>
          {r.tags.map((t) => (
            <>
              <span class="badge">{REVIEW_TAGS[t]}</span>{' '}
            </>
          ))}
        </p>
      )}
      {r.reply && (
        <blockquote>
          <strong>Reply from {r.organizerName}</strong>
          <br />
          {r.reply}
        </blockquote>
      )}
      {p.report && (
        <footer>
          <a href={`/reviews/${r.id}/report`} rel="nofollow">
            Report this review
          </a>
        </footer>
      )}
    </article>
  );
}

/** The reviews section of a trip or organizer page. */
export function ReviewsSection(p: {
  rating: Rating | null;
  reviews: ReviewView[];
  heading: string;
  showTrip?: boolean;
}) {
  return (
    <section id="reviews">
      <h2>{p.heading}</h2>
      <p>
        <RatingBadge rating={p.rating} />
      </p>
      {p.reviews.map((r) => (
        <ReviewItem review={r} showTrip={p.showTrip} report />
      ))}
    </section>
  );
}
