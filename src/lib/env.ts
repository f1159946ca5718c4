import type { Deps } from '../deps.js';
import type { CurrentUser } from '../auth/session.js';

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
}

/**
 * Hono's typing for the request's variables across the app. Read them with `c.get('deps')`:
 * `c.var` copies every variable into a new object on each read.
 */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    user: CurrentUser | null;
    flash: Flash | null;
  };
}
