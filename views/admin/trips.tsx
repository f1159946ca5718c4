import type { FieldErrors } from '../../src/lib/errors.js';
import type { AdminTrip, OrganizerChoice } from '../../src/admin/types.js';
import type { TripFilter } from '../../src/admin/schemas.js';
import { TRIP_STATUSES } from '../../src/admin/schemas.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime } from '../../src/lib/time.js';
import { FilterForm, Pager, Select } from './parts.js';

export interface TripsPageProps {
  rows: AdminTrip[];
  total: number;
  page: number;
  pages: number;
  organizers: OrganizerChoice[];
  filter: TripFilter;
  /** The moderation form of one trip, as posted, when it was refused. */
  failed?: { id: number; reason: string; errors: FieldErrors };
}

function ModerationForm(p: { trip: AdminTrip; failed?: TripsPageProps['failed'] }) {
  const t = p.trip;
  const mine = p.failed?.id === t.id ? p.failed : undefined;
  const deactivate = t.moderated_at === null;
  const action = `/admin/trips/${t.id}/${deactivate ? 'deactivate' : 'reactivate'}`;
  if (deactivate && t.status !== 'active') return null;
  return (
    <form method="post" action={action} class="moderation">
      <label for={`reason-${t.id}`}>
        {deactivate ? 'Reason (sent to the organizer)' : 'Note to the organizer'}
        <textarea
          id={`reason-${t.id}`}
          name="reason"
          rows={2}
          required
          maxlength={500}
          aria-invalid={mine ? 'true' : undefined}
        >
          {mine?.reason ?? ''}
        </textarea>
        {mine?.errors.reason && <small class="field-error">{mine.errors.reason}</small>}
        {mine?.errors.form && <small class="field-error">{mine.errors.form}</small>}
      </label>
      <button type="submit" class={deactivate ? 'secondary' : undefined}>
        {deactivate ? 'Deactivate' : 'Reactivate'}
      </button>
    </form>
  );
}

export function TripsPage(p: TripsPageProps) {
  const f = p.filter;
  return (
    <section>
      <h1>Trips</h1>
      <FilterForm action="/admin/trips" label="Filter trips">
        <input type="search" name="q" value={f.q} placeholder="Title or destination" aria-label="Search trips" />
        <Select name="status" label="Status" value={f.status} options={TRIP_STATUSES} all="Any status" />
        <Select
          name="organizer"
          label="Organizer"
          value={f.organizer}
          options={p.organizers.map((o) => ({ value: o.id, label: o.name }))}
          all="Any organizer"
        />
        <label>
          <input type="checkbox" name="moderated" value="yes" checked={f.moderated} /> Deactivated by an admin
        </label>
      </FilterForm>
      <Pager path="/admin/trips" query={f} page={p.page} pages={p.pages} total={p.total} noun={['trip', 'trips']} />
      <div id="trip-list">
        {p.rows.map((t) => (
          <article id={`trip-${t.id}`}>
            <header>
              <a href={`/trips/${t.id}`}>{t.title}</a> · {t.destination} · {formatPaise(t.price_paise)}
            </header>
            <p>
              {t.status}
              {t.moderated_at && (
                <>
                  {' '}
                  · <strong>deactivated by an admin</strong> {formatDateTime(t.moderated_at)}: {t.moderation_reason}
                </>
              )}
              <br />
              <small>
                by <a href={`/admin/trips?organizer=${t.organizer_id}`}>{t.organizer_name}</a>
              </small>
            </p>
            <ModerationForm trip={t} failed={p.failed} />
          </article>
        ))}
      </div>
    </section>
  );
}
