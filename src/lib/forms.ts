import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import type { z, ZodType } from 'zod';
import { BadRequest, DomainError, type FieldErrors } from './errors.js';
import { redirectWith } from './flash.js';

export type { FieldErrors } from './errors.js';
export type Status = 200 | 400 | 403 | 404 | 409 | 422 | 429 | 503;
export type Values = Record<string, string | undefined>;
export type RenderForm = (
  c: Context<AppEnv>,
  values: Values,
  errors: FieldErrors,
  status: Status,
) => Response | Promise<Response>;

/** The key of a message about the whole form rather than one field. */
export const FORM = 'form';

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * The first message for each field of a failed zod parse, keyed by the field's name in the
 * form: `email`, `departures[0][start_date]`, `name[2]` (the third of the repeated `name`
 * inputs). Fields listed in `whole` (a set of checkboxes, say) take their items' messages
 * themselves. A message about no field goes under `form`.
 */
export function fieldErrors(issues: readonly Issue[], whole: readonly string[] = []): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const [head, ...rest] = issue.path.map(String);
    const key = head === undefined ? FORM : whole.includes(head) ? head : head + rest.map((p) => `[${p}]`).join('');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** What was typed, as text (files and passwords are never echoed back). */
export function typedValues(data: unknown): Values {
  const out: Values = {};
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string' && !/password|current/.test(k)) out[k] = v;
  }
  return out;
}

/**
 * The hook of every zValidator: with `render`, the same form again with each message next to
 * its field (422); without one (a form with nothing to show again, a query string), the error
 * page (400). Never zod's own answer.
 */
export function formHook(render?: RenderForm) {
  // Context<any>: zValidator types its hook with the default Env; the app's is AppEnv.
  return (result: { success: boolean; data: unknown; error?: unknown }, c: Context<any>) => {
    if (result.success) return;
    if (!render) throw notValid();
    return render(
      c as Context<AppEnv>,
      typedValues(result.data),
      fieldErrors((result.error as { issues: Issue[] }).issues),
      422,
    );
  };
}

const notValid = () =>
  new BadRequest('Something in that request is not valid. Go back to the page, check what you entered and try again.');

/** A query string read with `schema`; one it cannot read is the error page (400), not an exception. */
export function readQuery<T extends ZodType>(c: Context<AppEnv>, schema: T): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw notValid();
  return parsed.data;
}

/**
 * Whether the user can act on this error where they are: a field to fix, a form to send again
 * (422), a state that changed (409), a wait (429), a service to try again later (503). The rest
 * (400, 403, 404, or not a DomainError at all) goes on to the error pages.
 */
export const userCanFix = (e: unknown): e is DomainError =>
  e instanceof DomainError &&
  (e.field !== undefined || e.status === 409 || e.status === 422 || e.status === 429 || e.status === 503);

/**
 * Runs a service call; an error the user can fix becomes form errors, anything else is thrown on.
 * With `fieldsOnly`, only an error about a field stays on the form (the rest go to the error pages).
 */
export async function tryForm<T>(
  fn: () => Promise<T>,
  o: { fieldsOnly?: boolean } = {},
): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors; status: Exclude<Status, 200> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (userCanFix(e) && (!o.fieldsOnly || e.field))
      return { ok: false, errors: { [e.field ?? FORM]: e.message }, status: e.status };
    throw e;
  }
}

/**
 * An action button (publish, cancel, verify): does it and goes back to `to` with what
 * happened, or with why not when the user can do something about it.
 */
export async function tryAction(
  c: Context<AppEnv>,
  to: string,
  fn: () => Promise<unknown>,
  done: string,
): Promise<Response> {
  try {
    await fn();
  } catch (e) {
    if (userCanFix(e)) return redirectWith(c, to, e.message, 'error', e.link);
    throw e;
  }
  return redirectWith(c, to, done);
}
