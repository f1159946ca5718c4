/**
 * A business rule said no. The message is fit to show the user; `field` puts it next to
 * the form field it concerns.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 429 | 503 = 422,
  ) {
    super(message);
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
  const size = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return new DomainError(`${subject} is too large (the limit is ${size}).`, undefined, 422);
}
