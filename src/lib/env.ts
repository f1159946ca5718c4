import type { Deps } from '../deps.js';
import type { CurrentUser } from '../auth/session.js';

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
}

/** Hono's typing for c.var across the app. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    user: CurrentUser | null;
    flash: Flash | null;
  };
}
