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

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** A form control the user fills in (not a hidden input or a button). */
const CONTROL = /<(?:input(?![^>]*type="(?:hidden|submit|button)")|select|textarea)\b[^>]*>/g;
/** A message next to a field (`class="field-error"` on a small; a paragraph of them is about the whole form). */
const MESSAGE = /<small\b([^>]*)class="field-error"([^>]*)>([\s\S]*?)<\/small>/g;

/**
 * A rendered form page (422) with the error summary on top of the form holding the first error:
 * every message next to a field becomes a link to that field (its control's id; the message
 * itself when the control has none), whichever way the view wrote the field. This is how every
 * form gets the summary without each view adding it; a view that adds its own (the booking and
 * trip forms, with their own labels and order) is left as it is.
 */
export async function withErrorSummary(html: string): Promise<string> {
  if (html.includes('id="error-summary"')) return html;
  const controls = [...html.matchAll(CONTROL)].map((m) => ({ at: m.index, id: /\bid="([^"]+)"/.exec(m[0])?.[1] }));
  const links: Record<string, string> = {};
  const named: { at: number; tag: string; with: string }[] = [];
  let first = -1;
  let previous = -1;
  for (const m of html.matchAll(MESSAGE)) {
    const text = unescape(m[3].replace(/<[^>]*>/g, '').trim());
    if (!text) continue;
    // The message's field: the last control before it, and after the message before it.
    const control = controls.filter((c) => c.at < m.index && c.at > previous).pop();
    previous = m.index;
    let target = control?.id;
    if (!target) {
      target = /\bid="([^"]+)"/.exec(m[1] + m[2])?.[1];
      if (!target) {
        target = `error-${named.length + 1}`;
        named.push({ at: m.index, tag: m[0], with: m[0].replace('<small', `<small id="${target}"`) });
      }
    }
    links[target] ??= text;
    if (first < 0) first = m.index;
  }
  if (first < 0) return html;
  for (const n of named.reverse()) html = html.slice(0, n.at) + n.with + html.slice(n.at + n.tag.length);
  const form = html.lastIndexOf('<form', first);
  const at = form >= 0 ? form : 0;
  const summary = await (<ErrorSummary errors={links} idOf={(k) => k} />).toString();
  return html.slice(0, at) + summary + html.slice(at);
}
