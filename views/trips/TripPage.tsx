import { CATEGORIES, DIFFICULTY_LABEL } from '../../src/trips/catalog.js';
import type { TripDetail } from '../../src/trips/types.js';
import { imageUrl } from '../../src/lib/images.js';
import { Dates, Photo, Price, SeatsLeft } from './parts.js';
import { RefundPolicyList } from '../bookings/booking.js';
import { RatingBadge, ReviewsSection } from '../reviews/parts.js';

/** Open Graph tags so a shared link shows the trek. */
export function TripHead(p: { trip: TripDetail; publicUrl: string }) {
  const cover = p.trip.images[0];
  return (
    <>
      <meta property="og:type" content="website" />
      <meta property="og:title" content={p.trip.title} />
      <meta property="og:description" content={p.trip.description.slice(0, 200)} />
      <meta property="og:url" content={`${p.publicUrl}/trips/${p.trip.id}`} />
      {cover && (
        <meta property="og:image" content={`${p.publicUrl}${imageUrl(cover.key, Math.min(1280, cover.width))}`} />
      )}
      <meta name="description" content={p.trip.description.slice(0, 160)} />
    </>
  );
}

export function TripPage(p: { trip: TripDetail }) {
  const t = p.trip;
  const [cover, ...more] = t.images;
  return (
    <article>
      {!t.isPublic && (
        <p class="flash error" role="status">
          Only you can see this page: the trip is {t.status}
          {t.status === 'active' ? ' but has no upcoming departure' : ''}.
        </p>
      )}
      {t.canManage && (
        <p>
          <a href={`/organizer/trips/${t.id}/edit`}>Edit this trip</a>
        </p>
      )}
      <hgroup>
        <h1>{t.title}</h1>
        <p>
          {t.days > 0 && (
            <strong>
              {t.days} {t.days === 1 ? 'day' : 'days'}
            </strong>
          )}
          {t.days > 0 && ' · '}
          {t.destination} · {t.region} · {DIFFICULTY_LABEL[t.difficulty]} · by {t.organizer.name}
        </p>
      </hgroup>
      <p class="trip-rating">
        <a href="#reviews">
          <RatingBadge rating={t.rating} />
        </a>
      </p>
      {cover && <Photo image={cover} alt={t.title} sizes="(min-width: 64rem) 60rem, 100vw" show={1280} eager />}
      <p>
        <Price paise={t.pricePaise} /> per person
      </p>
      {t.categories.length > 0 && (
        <p class="muted">{t.categories.map((c) => CATEGORIES[c as keyof typeof CATEGORIES] ?? c).join(' · ')}</p>
      )}

      <section id="departures">
        <h2>Departures</h2>
        {t.departures.length === 0 ? (
          <p>No upcoming departures.</p>
        ) : (
          <ul class="departures">
            {t.departures.map((d) => (
              <li>
                <strong>
                  <Dates d={d} />
                </strong>
                <span class="muted">
                  <SeatsLeft d={d} /> · <Price paise={t.pricePaise} /> per person
                </span>
                {d.seatsLeft > 0 && t.isPublic && (
                  <a role="button" href={`/trips/${t.id}/book?departure=${d.id}`}>
                    Book this date
                  </a>
                )}
                {d.seatsLeft === 0 && t.isPublic && t.pricePaise > 0 && (
                  <a role="button" class="secondary" href={`/trips/${t.id}/book?departure=${d.id}`}>
                    Join the waitlist
                  </a>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section>
        <h2>About this trek</h2>
        {t.description.split(/\n{2,}/).map((para) => (
          <p>{para}</p>
        ))}
      </section>

      {t.schedule.length > 0 && (
        <section>
          <h2>Day by day</h2>
          {t.schedule.map((d) => (
            <details>
              <summary>
                Day {d.day}
                {d.title && `: ${d.title}`}
              </summary>
              <p>{d.activities}</p>
            </details>
          ))}
        </section>
      )}
      {t.itinerary && (
        <section>
          <h2>Itinerary</h2>
          {t.itinerary.split(/\n{2,}/).map((para) => (
            <p>{para}</p>
          ))}
        </section>
      )}
      {t.included.length > 0 && (
        <section>
          <h2>What's included</h2>
          <ul>
            {t.included.map((i) => (
              <li>{i}</li>
            ))}
          </ul>
        </section>
      )}
      {t.requirements.length > 0 && (
        <section id="pack">
          <h2>What to pack</h2>
          <ul>
            {t.requirements.map((i) => (
              <li>{i}</li>
            ))}
          </ul>
        </section>
      )}
      {t.deposit && (
        <p id="deposit-terms">
          Book with a deposit of{' '}
          <strong>{t.deposit.kind === 'percent' ? `${t.deposit.value}%` : <Price paise={t.deposit.value} />}</strong>
          {t.deposit.kind === 'amount' && ' per guest'}; the balance is due {t.deposit.dueDays} days before the start
          (bookings made later pay in full). An unpaid balance cancels the booking under the policy below.
        </p>
      )}
      <section id="cancellation">
        <h2>If you cancel</h2>
        <RefundPolicyList policy={t.refundPolicy} />
        <p class="muted">Counted from the departure's start date. If the organizer cancels, you get everything back.</p>
      </section>
      {t.meetingPoint && (
        <p>
          <strong>Meeting point:</strong> {t.meetingPoint}
        </p>
      )}
      {more.length > 0 && (
        <section>
          <h2>Photos</h2>
          <div class="cards">
            {more.map((i) => (
              <Photo image={i} alt={t.title} sizes="(min-width: 36rem) 20rem, 100vw" />
            ))}
          </div>
        </section>
      )}
      <section>
        <h2>Your organizer</h2>
        <p>
          <a href={`/organizers/${t.organizer.id}`}>{t.organizer.name}</a>
          {t.organizer.location && ` · ${t.organizer.location}`} ·{' '}
          <RatingBadge rating={t.organizerRating} none="no organizer reviews yet" />
        </p>
        {t.organizer.about && <p>{t.organizer.about}</p>}
        <p id="contact">
          Questions before you book?{' '}
          <a href={`mailto:${t.organizer.email}?subject=${encodeURIComponent(t.title)}`}>Email {t.organizer.name}</a>
          {t.organizer.phone && (
            <>
              {' '}
              or{' '}
              <a href={`tel:${t.organizer.phone}`} hx-boost="false">
                call {t.organizer.phone}
              </a>
            </>
          )}
        </p>
      </section>
      <ReviewsSection heading="Reviews" rating={t.rating} reviews={t.reviews} />
    </article>
  );
}
