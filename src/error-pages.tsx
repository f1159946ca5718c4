import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ErrorBody, ErrorFragment, ForbiddenBody, NotFoundBody } from '../views/errors.js';
import type { AppEnv } from './lib/env.js';
import { DomainError, Unavailable } from './lib/errors.js';
import { isStorageFull, STORAGE_FULL_MESSAGE, storageFull } from './lib/storage.js';
import { sqliteOf } from './db.js';
import { page } from './render.js';

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  page(c, <NotFoundBody />, { title: 'Not found', status: 404, fragment: <ErrorFragment message="Not found." /> });

const forbidden = (c: Context<AppEnv>, message: string) =>
  page(c, <ForbiddenBody message={message} />, {
    title: 'Not allowed',
    status: 403,
    fragment: <ErrorFragment message={message} />,
  });

const errorPage = (c: Context<AppEnv>, message: string, status: 400 | 409 | 422 | 429 | 503) =>
  page(
    c,
    <section>
      <h1>That did not work</h1>
      <p>{message}</p>
    </section>,
    { title: 'Error', status, fragment: <ErrorFragment message={message} /> },
  );

/**
 * One place turns errors into pages: 4xx for what the user can fix, 503 while the disk is full
 * (logged once per episode, lib/storage.ts), 500 (logged) for the rest.
 */
export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  if (isStorageFull(err)) {
    const deps = c.get('deps');
    const sqlite = deps && sqliteOf(deps.db);
    if (sqlite) storageFull(sqlite, deps.log, err);
    err = new Unavailable(STORAGE_FULL_MESSAGE);
  }
  if (err instanceof DomainError) {
    if (err.status === 404) return notFound(c as Context<AppEnv>);
    if (err.status === 403) return forbidden(c as Context<AppEnv>, err.message);
    return errorPage(c as Context<AppEnv>, err.message, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    if (err.status === 404) return notFound(c as Context<AppEnv>);
    // A middleware's own answer (Basic auth's challenge) stands; a library's message is not shown.
    if (err.res) return err.getResponse();
    if (err.status === 403)
      return forbidden(c as Context<AppEnv>, 'That request was refused. Go back to the page and try again.');
    return errorPage(c as Context<AppEnv>, 'That request could not be read. Go back to the page and try again.', 400);
  }
  const log = c.get('deps')?.log;
  if (log) log.error({ reqId: c.get('requestId'), err }, 'unhandled error');
  else console.error(err);
  const rid = c.get('requestId') ?? '-';
  return page(c as Context<AppEnv>, <ErrorBody requestId={rid} />, {
    title: 'Error',
    status: 500,
    fragment: <ErrorFragment message={`Something went wrong (reference ${rid}). Please try again.`} />,
  });
};
