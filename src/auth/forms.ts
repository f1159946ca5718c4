import type { Context } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { DomainError, type FieldErrors } from '../lib/errors.js';

export type Status = 200 | 400 | 403 | 404 | 409 | 422 | 429 | 503;
export type Values = Record<string, string | undefined>;
export type RenderForm = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status) => Response | Promise<Response>;

/** What was typed, as text (files and passwords are never echoed back). */
export function typedValues(data: unknown): Values {
  const out: Values = {};
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string' && !/password|current/.test(k)) out[k] = v;
  }
  return out;
}

/** The first message for each field of a failed zod parse. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const key = String(i.path[0] ?? '_form');
    errors[key] ??= i.message;
  }
  return errors;
}

/** zValidator's hook: the same form again, with each message next to its field, 422. */
export function formHook(render: RenderForm) {
  // Context<any>: zValidator types its hook with the default Env; the app's is AppEnv.
  return (result: { success: boolean; data: unknown; error?: unknown }, c: Context<any>) => {
    if (result.success) return;
    const issues = (result.error as { issues: { path: PropertyKey[]; message: string }[] }).issues;
    return render(c as Context<AppEnv>, typedValues(result.data), fieldErrors(issues), 422);
  };
}

/**
 * Runs a service call; a DomainError the user can fix (field errors, rate limits) becomes
 * form errors, anything else (403/404/500) goes on to the error pages.
 */
export async function tryForm<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors; status: Exclude<Status, 200> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof DomainError && (e.field || e.status === 422 || e.status === 429 || e.status === 409)) {
      return { ok: false, errors: { [e.field ?? '_form']: e.message }, status: e.status };
    }
    throw e;
  }
}
