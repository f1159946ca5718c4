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
