import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import type { CurrentUser } from './request.js';
import { NotFoundError } from './errors.js';

/** A positive integer path parameter (`/trips/:id`); anything else is a 404. */
export function idParam(c: Context<AppEnv>, name = 'id'): number {
  const n = Number(c.req.param(name));
  if (!Number.isSafeInteger(n) || n <= 0) throw new NotFoundError();
  return n;
}

/** Who is acting, on a route behind `requireUser` or `requirePermission`. */
export function actor(c: Context<AppEnv>): Pick<CurrentUser, 'id' | 'role'> {
  const user = c.get('user');
  if (!user) throw new Error('actor() on a route that lets signed-out visitors through');
  return { id: user.id, role: user.role };
}
