import type { FieldErrors } from '../../src/lib/errors.js';
import { FORM } from '../../src/lib/forms.js';

/** The id `Field` gives the input of `name`: `departures[0][start_date]` → `f-departures-0--start_date-`. */
export const fieldId = (name: string) => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export interface ErrorSummaryProps {
  errors: FieldErrors;
  /** The id of the element a field's error links to; `fieldId` unless the form names its inputs otherwise. */
  idOf?: (key: string) => string;
  /** The words that name a field in the list ("Guest 2: mobile"); the message alone without it. */
  labelOf?: (key: string) => string | undefined;
  /** Where a field comes on the form, to list the errors top to bottom (zod's order otherwise). */
  rank?: (key: string) => number;
}

/**
 * At the top of a form that came back with errors: how many there are and a link to each field,
 * so on a long form on a phone the first error is not below the first screen. It takes the focus
 * (`autofocus`: on a page load without JavaScript, and htmx focuses it after a swap), so a
 * screen reader reads it out first.
 */
export function ErrorSummary(p: ErrorSummaryProps) {
  const keys = Object.keys(p.errors).filter((k) => k !== FORM && p.errors[k]);
  if (p.rank) keys.sort((a, b) => p.rank!(a) - p.rank!(b));
  if (keys.length === 0) return null;
  const idOf = p.idOf ?? fieldId;
  return (
    <div
      id="error-summary"
      class="error-summary"
      role="alert"
      tabindex={-1}
      autofocus
      aria-labelledby="error-summary-title"
    >
      <h2 id="error-summary-title">
        Please fix {keys.length} thing{keys.length === 1 ? '' : 's'}
      </h2>
      <ul>
        {keys.map((k) => {
          const label = p.labelOf?.(k);
          return (
            <li>
              <a href={`#${idOf(k)}`}>
                {label ? `${label}: ` : ''}
                {p.errors[k]}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
