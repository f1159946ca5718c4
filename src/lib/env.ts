import type { Deps } from '../deps.js';
import type { HttpBindings } from '@hono/node-server';
import type { Link } from './errors.js';
import type { Banner, CurrentUser, Upload } from './request.js';

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
  link?: Link;
}

/**
 * Hono's typing for the request's variables across the app. Read them with `c.get('deps')`:
 * `c.var` copies every variable into a new object on each read.
 */
export interface AppEnv {
  /** Node's request and response, from @hono/node-server; absent under `app.request()`. */
  Bindings: Partial<HttpBindings>;
  Variables: {
    deps: Deps;
    requestId: string;
    user: CurrentUser | null;
    flash: Flash | null;
    /** The bell's count and running announcements of a signed-in GET (notifications' loadBell). */
    bell?: { unread: number; banners: Banner[] };
    /** Set by readUploadForm on the routes that take files. */
    upload?: Upload;
  };
}
