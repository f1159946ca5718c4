import { formatPaise } from '../../src/lib/money.js';
import { formatDay } from '../../src/lib/time.js';
import type { ManagedTrip } from '../../src/trips/types.js';

const STATUS_LABEL = {
  draft: 'Draft',
  active: 'Published',
  inactive: 'Deactivated',
  cancelled: 'Cancelled',
  completed: 'Completed',
} as const;

function Action(p: { tripId: number; verb: string; label: string }) {
  return (
    <form method="post" action={`/organizer/trips/${p.tripId}/${p.verb}`} class="inline">
      <button type="submit" class="secondary outline">
        {p.label}
      </button>
    </form>
  );
}

/** The organizer's trips with status, departures and fill rate. */
export function ManageList(p: { trips: ManagedTrip[] }) {
  return (
    <>
      <h1>Your trips</h1>
      <p>
        <a role="button" href="/organizer/trips/new">
          New trip
        </a>{' '}
        <a href="/organizer/reviews">Reviews of your trips</a>
      </p>
      {p.trips.length === 0 ? (
        <p>No trips yet. Create your first one: it takes a few minutes.</p>
      ) : (
        p.trips.map((t) => (
          <article>
            <h3>
              <a href={`/trips/${t.id}`}>{t.title}</a>
            </h3>
            <p>
              <strong>{STATUS_LABEL[t.status]}</strong> · {t.destination} · {formatPaise(t.pricePaise)}
            </p>
            <p>
              {t.departures} {t.departures === 1 ? 'departure' : 'departures'}
              {t.firstStart &&
                ` (${formatDay(t.firstStart)}${t.lastStart && t.lastStart !== t.firstStart ? ` – ${formatDay(t.lastStart)}` : ''})`}{' '}
              · filled {t.taken}/{t.capacity}
              {t.capacity > 0 && ` (${Math.round((100 * t.taken) / t.capacity)} %)`}
            </p>
            {t.booked.length > 0 && (
              <p class="trip-actions">
                {t.booked.map((d) => (
                  <a href={`/organizer/departures/${d.id}/participants.csv`} hx-boost="false" download>
                    Participants {formatDay(d.startDate)} ({d.taken}), CSV
                  </a>
                ))}
              </p>
            )}
            <div class="trip-actions">
              {t.status !== 'cancelled' && t.status !== 'completed' && (
                <a href={`/organizer/trips/${t.id}/edit`}>Edit</a>
              )}{' '}
              {(t.status === 'draft' || t.status === 'inactive') && (
                <Action tripId={t.id} verb="publish" label="Publish" />
              )}{' '}
              {t.status === 'active' && <Action tripId={t.id} verb="deactivate" label="Deactivate" />}{' '}
              <Action tripId={t.id} verb="duplicate" label="Duplicate" />
            </div>
          </article>
        ))
      )}
    </>
  );
}
