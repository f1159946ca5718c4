/**
 * The expected access table for the role × route test. Each feature lists its routes in
 * test/access/<feature>.ts; the matrix test enumerates app.routes and fails for a route
 * that no file lists.
 */
export type Who = 'anon' | 'traveler' | 'organizer' | 'agent' | 'admin';

export interface RouteAccess {
  method: 'GET' | 'POST';
  /** The path exactly as registered (with :params), e.g. "/trips/:id/edit". */
  path: string;
  /**
   * Who gets through the permission check. "all" = everyone including anonymous
   * visitors; otherwise the listed kinds. Anonymous visitors not listed must be sent to
   * /login (303, or 401 with HX-Redirect); signed-in users not listed must get 403 (or
   * 404 where existence must not leak, see `deniedStatus`).
   */
  allowed: 'all' | Who[];
  /** A concrete URL to request (params filled in with something that exists or not). */
  sample?: string;
  deniedStatus?: 403 | 404;
  /** Authenticated by an API key (HTTP Basic), not a session: 401 for every role without it. */
  apiKey?: true;
  /** Why a route is not checked the usual way (webhooks, SSE streams), if so. */
  note?: string;
}
