import type { OrganizerProfile } from '../../src/trips/types.js';
import { formatDate } from '../../src/lib/time.js';
import { TripCardView } from '../trips/parts.js';
import { RatingBadge, ReviewsSection } from '../reviews/parts.js';

export function OrganizerPage(p: { org: OrganizerProfile }) {
  const o = p.org;
  return (
    <>
      <hgroup>
        <h1>{o.name}</h1>
        <p>
          {o.location ? `${o.location} · ` : ''}on TrekTribe since {formatDate(o.since)}
        </p>
        <p>
          <RatingBadge rating={o.rating} />
        </p>
      </hgroup>
      {o.about && <p>{o.about}</p>}
      <h2>Upcoming treks</h2>
      {o.trips.length === 0 ? (
        <p>No upcoming treks right now.</p>
      ) : (
        <div class="cards">
          {o.trips.map((t) => (
            <TripCardView trip={t} level={3} />
          ))}
        </div>
      )}
      <ReviewsSection heading="What travelers say" rating={o.rating} reviews={o.reviews} showTrip />
    </>
  );
}
