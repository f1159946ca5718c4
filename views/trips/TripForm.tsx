import { Field } from '../components/Field.js';
import { ErrorSummary, fieldId } from '../components/ErrorSummary.js';
import type { FieldErrors, Link } from '../../src/lib/errors.js';
import { CATEGORIES, DIFFICULTY_LABEL, MAX_CATEGORIES, REGIONS } from '../../src/trips/catalog.js';
import { MAX_DAYS, MAX_DEPARTURES, MAX_IMAGES, type TripDraft } from '../../src/trips/schemas.js';
import type { DepartureView, ImageRef } from '../../src/trips/types.js';
import type { TripStatus } from '../../src/trips/tables.js';
import { Dates, Photo, SeatsLeft } from './parts.js';

const Err = (p: { errors: FieldErrors; name: string }) =>
  p.errors[p.name] ? (
    <small id={`f-${p.name}-error`} class="field-error">
      {p.errors[p.name]}
    </small>
  ) : null;

function Area(p: {
  label: string;
  name: string;
  value: string;
  errors: FieldErrors;
  rows?: number;
  hint?: string;
  maxlength?: number;
}) {
  const bad = Boolean(p.errors[p.name]);
  return (
    <label>
      {p.label}
      <textarea
        id={fieldId(p.name)}
        name={p.name}
        rows={p.rows ?? 4}
        maxlength={p.maxlength}
        aria-invalid={bad ? 'true' : undefined}
      >
        {p.value}
      </textarea>
      {p.hint && !bad && <small>{p.hint}</small>}
      <Err errors={p.errors} name={p.name} />
    </label>
  );
}

export interface TripFormProps {
  action: string;
  draft: TripDraft;
  errors: FieldErrors;
  /** Where to go about the form's error (see DomainError.link). */
  formLink?: Link;
  today: string;
  /** Photos stored when the form was shown again, to be attached by the save (in order). */
  pending?: ImageRef[];
  /** Editing an existing trip. */
  existing?: {
    id: number;
    status: TripStatus;
    images: (ImageRef & { id: number; isCover: boolean })[];
    departures: DepartureView[];
  };
}

/** The one trip form: details, departures, days and photos. Works without JavaScript. */
export function TripForm(p: TripFormProps) {
  const { draft: d, errors } = p;
  const pending = p.pending ?? [];
  // With htmx only the section is swapped: the file input keeps its selection and the
  // pending photos stay on the page, so the files are not sent (nor stored) twice.
  const swap = (target: string) => ({
    'hx-post': p.action,
    'hx-target': target,
    'hx-select': target,
    'hx-swap': 'outerHTML',
    'hx-encoding': 'multipart/form-data',
    'hx-params': 'not images,remove_photos',
  });
  return (
    <form method="post" action={p.action} enctype="multipart/form-data" hx-boost="false">
      {/* Enter in a field presses the form's first submit button: make that the save, not "Add departure". */}
      <button type="submit" name="intent" value="save" class="default-submit" tabindex={-1} aria-hidden="true">
        {p.existing ? 'Save changes' : 'Save as draft'}
      </button>
      {errors.form && (
        <p class="flash error" role="alert">
          {errors.form}
          {p.formLink && (
            <>
              {' '}
              <a href={p.formLink.href}>{p.formLink.label}</a>
            </>
          )}
        </p>
      )}
      <ErrorSummary errors={errors} idOf={(k) => (k === 'departures' ? 'departures-form' : fieldId(k))} />
      <Field
        label="Title"
        name="title"
        value={d.title}
        errors={errors}
        required
        maxlength={120}
        placeholder="Kedarkantha Winter Trek"
      />
      <Area label="Description" name="description" value={d.description} errors={errors} rows={6} maxlength={5000} />
      <Field
        label="Destination"
        name="destination"
        value={d.destination}
        errors={errors}
        required
        maxlength={120}
        placeholder="Sankri, Uttarkashi"
      />
      <label>
        Region
        <select id={fieldId('region')} name="region" required aria-invalid={errors.region ? 'true' : undefined}>
          <option value="">Choose…</option>
          {REGIONS.map((r) => (
            <option value={r} selected={d.region === r}>
              {r}
            </option>
          ))}
        </select>
        <Err errors={errors} name="region" />
      </label>
      <Field
        label="Price per person (₹)"
        name="price"
        value={d.price}
        errors={errors}
        required
        inputmode="decimal"
        placeholder="12499"
      />
      <Field
        label="Moves to another departure: until how many days before the start"
        name="move_cutoff_days"
        value={d.move_cutoff_days}
        errors={errors}
        inputmode="numeric"
        hint="Travelers can also change their participants' details until then."
      />
      <Field
        label="Fee for a traveler's move (₹, 0 for free)"
        name="move_fee"
        value={d.move_fee}
        errors={errors}
        inputmode="decimal"
      />
      <label>
        Difficulty
        <select id={fieldId('difficulty')} name="difficulty">
          {Object.entries(DIFFICULTY_LABEL).map(([v, l]) => (
            <option value={v} selected={d.difficulty === v}>
              {l}
            </option>
          ))}
        </select>
        <Err errors={errors} name="difficulty" />
      </label>
      <fieldset>
        <legend>Categories (up to {MAX_CATEGORIES})</legend>
        {Object.entries(CATEGORIES).map(([v, l], i) => (
          <label>
            <input
              id={i === 0 ? fieldId('categories') : undefined}
              type="checkbox"
              name="categories"
              value={v}
              checked={d.categories.includes(v)}
            />{' '}
            {l}
          </label>
        ))}
        <Err errors={errors} name="categories" />
      </fieldset>

      <section id="departures-form">
        <h2>Departures</h2>
        <Err errors={errors} name="departures" />
        {d.departures.map((row, i) => {
          const n = (f: string) => `departures[${i}][${f}]`;
          return (
            <fieldset>
              <legend>
                Departure {i + 1}
                {row.seats_taken ? ` · ${row.seats_taken} seats booked` : ''}
              </legend>
              <input type="hidden" name={n('id')} value={row.id} />
              <div class="grid">
                <Field
                  label="Start date"
                  name={n('start_date')}
                  type="date"
                  value={row.start_date}
                  errors={errors}
                  min={p.today}
                />
                <Field
                  label="End date"
                  name={n('end_date')}
                  type="date"
                  value={row.end_date}
                  errors={errors}
                  min={p.today}
                />
                <Field
                  label="Seats"
                  name={n('capacity')}
                  type="number"
                  value={row.capacity}
                  errors={errors}
                  inputmode="numeric"
                  min={1}
                  max={500}
                />
              </div>
              {(row.id || d.departures.length > 1) && (
                <label>
                  <input type="checkbox" name={n('remove')} value="1" checked={row.remove} /> Remove this departure
                </label>
              )}
            </fieldset>
          );
        })}
        {d.departures.length < MAX_DEPARTURES && (
          <button
            type="submit"
            name="intent"
            value="add_departure"
            class="secondary"
            formnovalidate
            {...swap('#departures-form')}
          >
            Add departure
          </button>
        )}
      </section>

      <section id="days-form">
        <h2>Day by day</h2>
        {d.schedule.map((row, i) => (
          <fieldset>
            <legend>Day {i + 1}</legend>
            <Field label="Title" name={`schedule[${i}][title]`} value={row.title} errors={errors} maxlength={120} />
            <Area
              label="Activities"
              name={`schedule[${i}][activities]`}
              value={row.activities}
              errors={errors}
              rows={3}
              maxlength={2000}
            />
          </fieldset>
        ))}
        {d.schedule.length < MAX_DAYS && (
          <button type="submit" name="intent" value="add_day" class="secondary" formnovalidate {...swap('#days-form')}>
            Add day
          </button>
        )}
      </section>

      <h2>Details</h2>
      <Area label="What's included (one per line)" name="included" value={d.included} errors={errors} />
      <Area label="Requirements (one per line)" name="requirements" value={d.requirements} errors={errors} />
      <Area label="Itinerary notes" name="itinerary" value={d.itinerary} errors={errors} rows={6} maxlength={10000} />
      <Field label="Meeting point" name="meeting_point" value={d.meeting_point} errors={errors} maxlength={200} />

      <fieldset id="deposit-terms">
        <legend>Deposit</legend>
        <label>
          Deposit to book
          <select
            id={fieldId('deposit_kind')}
            name="deposit_kind"
            aria-invalid={errors.deposit_kind ? 'true' : undefined}
          >
            <option value="" selected={!d.deposit_kind}>
              None: paid in full when booked
            </option>
            <option value="percent" selected={d.deposit_kind === 'percent'}>
              A percentage of the price
            </option>
            <option value="amount" selected={d.deposit_kind === 'amount'}>
              An amount per guest (₹)
            </option>
          </select>
          <Err errors={errors} name="deposit_kind" />
        </label>
        <Field
          label="Deposit (% or ₹ per guest)"
          name="deposit_value"
          value={d.deposit_value}
          errors={errors}
          inputmode="decimal"
        />
        <Field
          label="Balance due (days before the start)"
          name="balance_due_days"
          value={d.balance_due_days}
          errors={errors}
          inputmode="numeric"
        />
      </fieldset>

      <h2>Photos</h2>
      {p.existing && p.existing.images.length > 0 && (
        <fieldset class="photo-picks">
          <legend>Current photos: choose the cover, tick any to remove</legend>
          {p.existing.images.map((img) => (
            <div>
              <Photo image={img} alt="" sizes="10rem" show={320} />
              <label>
                <input
                  type="radio"
                  name="cover"
                  value={String(img.id)}
                  checked={d.cover ? d.cover === String(img.id) : img.isCover}
                />{' '}
                Cover
              </label>
              <label>
                <input
                  type="checkbox"
                  name="remove_images"
                  value={String(img.id)}
                  checked={d.remove_images.includes(String(img.id))}
                />{' '}
                Remove
              </label>
            </div>
          ))}
        </fieldset>
      )}
      {pending.length > 0 && (
        <fieldset class="photo-picks">
          <legend>Photos to add when you save: tick any to remove</legend>
          {pending.map((img, i) => (
            <div>
              <input type="hidden" name="photos" value={img.key} />
              <Photo image={img} alt={`New photo ${i + 1}`} sizes="10rem" show={320} />
              <label>
                <input type="checkbox" name="remove_photos" value={img.key} /> Remove
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <label>
        {pending.length ? 'Add more photos' : 'Add photos'} (JPEG, PNG or WebP, up to 8 MB each, {MAX_IMAGES} per trip)
        <input
          id={fieldId('images')}
          type="file"
          name="images"
          accept="image/jpeg,image/png,image/webp"
          multiple
          aria-invalid={errors.images ? 'true' : undefined}
        />
        {!errors.images && (
          <small>
            {p.existing?.images.length
              ? 'New photos are added after the current ones.'
              : 'The first photo becomes the cover.'}
          </small>
        )}
        <Err errors={errors} name="images" />
      </label>

      <div class="grid">
        <button type="submit" name="intent" value="save" class="secondary">
          {p.existing ? 'Save changes' : 'Save as draft'}
        </button>
        {(!p.existing || p.existing.status !== 'active') && (
          <button type="submit" name="intent" value="publish">
            Save and publish
          </button>
        )}
      </div>
    </form>
  );
}

export function TripFormPage(p: TripFormProps & { title: string }) {
  return (
    <>
      <h1>{p.title}</h1>
      <TripForm {...p} />
      {p.existing && (
        <DepartureActions tripId={p.existing.id} status={p.existing.status} departures={p.existing.departures} />
      )}
    </>
  );
}

/** Cancel buttons: separate forms below the main one (forms cannot nest). */
function DepartureActions(p: { tripId: number; status: TripStatus; departures: DepartureView[] }) {
  const open = p.departures.filter((d) => d.status === 'open');
  return (
    <section>
      <h2>Cancel</h2>
      {open.map((d) => (
        <form method="post" action={`/organizer/trips/${p.tripId}/departures/${d.id}/cancel`} class="inline">
          <p>
            <Dates d={d} /> · <SeatsLeft d={d} />{' '}
            <button type="submit" class="secondary outline">
              Cancel this departure
            </button>
          </p>
        </form>
      ))}
      {p.status !== 'cancelled' && (
        <form method="post" action={`/organizer/trips/${p.tripId}/cancel`}>
          <button type="submit" class="secondary outline">
            Cancel the whole trip
          </button>
        </form>
      )}
    </section>
  );
}
