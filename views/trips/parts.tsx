import { createContext, useContext } from 'hono/jsx';
import { formatPaise } from '../../src/lib/money.js';
import { formatDay } from '../../src/lib/time.js';
import { imageUrl, storedWidths } from '../../src/lib/images.js';
import { DIFFICULTY_LABEL } from '../../src/trips/catalog.js';
import type { DepartureView, ImageRef, TripCard } from '../../src/trips/types.js';
import type { Difficulty } from '../../src/trips/tables.js';
import { RatingBadge } from '../reviews/parts.js';

/**
 * The visitor asked to save data (`Save-Data: on`): every photo under this provider comes in
 * its smallest width only, with no srcset a browser could upgrade from.
 */
export const SaveData = createContext(false);

/** A stored photo: WebP in every stored width, sized for layout, loaded lazily. */
export function Photo(p: { image: ImageRef; alt: string; sizes: string; show?: number; eager?: boolean }) {
  const lean = useContext(SaveData);
  const widths = storedWidths(p.image.width);
  const shown = lean ? widths[0] : (widths.filter((w) => w <= (p.show ?? 640)).pop() ?? widths[0]);
  return (
    <img
      src={imageUrl(p.image.key, shown)}
      srcset={lean ? undefined : widths.map((w) => `${imageUrl(p.image.key, w)} ${w}w`).join(', ')}
      sizes={lean ? undefined : p.sizes}
      width={shown}
      height={Math.round((p.image.height * shown) / p.image.width)}
      alt={p.alt}
      loading={p.eager ? undefined : 'lazy'}
      decoding="async"
    />
  );
}

export const Price = (p: { paise: number }) => <strong>{formatPaise(p.paise)}</strong>;

export const DifficultyTag = (p: { level: Difficulty }) => <span>{DIFFICULTY_LABEL[p.level]}</span>;

export function SeatsLeft(p: { d: DepartureView }) {
  if (p.d.seatsLeft === 0) return <span>Full</span>;
  return <span>{p.d.seatsLeft === 1 ? '1 seat left' : `${p.d.seatsLeft} seats left`}</span>;
}

export const Dates = (p: { d: DepartureView }) => (
  <span>
    {p.d.startDate === p.d.endDate
      ? formatDay(p.d.startDate)
      : `${formatDay(p.d.startDate)} – ${formatDay(p.d.endDate)}`}
  </span>
);

/**
 * A trip in a list: photo beside title, organizer, where, days, difficulty, price, next departure and seats left.
 * `level` is its heading's: one below the heading the list sits under (h2 under a page's h1).
 */
export function TripCardView(p: { trip: TripCard; level: 2 | 3 }) {
  const t = p.trip;
  const Heading = p.level === 2 ? 'h2' : 'h3';
  return (
    <article class="trip-card">
      {t.image && (
        <a href={`/trips/${t.id}`} tabindex={-1} aria-hidden="true">
          <Photo image={t.image} alt="" sizes="6.5rem" show={320} />
        </a>
      )}
      <div>
        <Heading>
          <a href={`/trips/${t.id}`}>{t.title}</a>
        </Heading>
        <p class="muted">
          by {t.organizerName}
          {t.rating && (
            <>
              {' '}
              · <RatingBadge rating={t.rating} />
            </>
          )}
        </p>
        <p class="muted">
          {t.region} · {t.days} {t.days === 1 ? 'day' : 'days'} · <DifficultyTag level={t.difficulty} />
        </p>
        <p>
          <Price paise={t.pricePaise} />
          {t.next && (
            <>
              {' '}
              · <Dates d={t.next} /> · <SeatsLeft d={t.next} />
              {t.moreDepartures > 0 && (
                <span class="muted">
                  {' '}
                  · +{t.moreDepartures} more {t.moreDepartures === 1 ? 'date' : 'dates'}
                </span>
              )}
            </>
          )}
        </p>
      </div>
    </article>
  );
}
