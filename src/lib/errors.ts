/**
 * A business rule said no. The message is fit to show the user; `field` puts it next to
 * the form field it concerns. Throw the subclass that names the reason; a route turns any of
 * them into a response in one way (see `lib/forms.ts` and `src/error-pages.tsx`).
 */
export class DomainError extends Error {
  /** Where the user can do something about it, shown with the message ("See your plan"). */
  link?: Link;

  constructor(
    message: string,
    readonly field?: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 429 | 503 = 422,
  ) {
    super(message);
  }

  /** The same error, pointing to the page that resolves it. */
  withLink(href: string, label: string): this {
    this.link = { href, label };
    return this;
  }
}

export interface Link {
  href: string;
  label: string;
}

/** The request itself is wrong (a dead link, a bad signature): 400. */
export class BadRequest extends DomainError {
  constructor(message: string, field?: string) {
    super(message, field, 400);
  }
}

/** The thing changed under the user, or is in a state that forbids this now: 409. */
export class Conflict extends DomainError {
  constructor(message: string, field?: string) {
    super(message, field, 409);
  }
}

/** Something we depend on is not there right now (a provider, a setting): 503. */
export class Unavailable extends DomainError {
  constructor(message: string) {
    super(message, undefined, 503);
  }
}

export class NotFoundError extends DomainError {
  constructor(message = 'Not found') {
    super(message, undefined, 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do that.') {
    super(message, undefined, 403);
  }
}

export type FieldErrors = Record<string, string>;

/** The one wording of every size limit: "That upload is too large (the limit is 48 MB)." */
export function tooLarge(subject: string, maxBytes: number): DomainError {
  const size =
    maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return new DomainError(`${subject} is too large (the limit is ${size}).`, undefined, 422);
}
