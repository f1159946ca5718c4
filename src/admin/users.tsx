import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import type { FieldErrors } from '../lib/errors.js';
import { page } from '../lib/render.js';
import { redirectWith } from '../lib/flash.js';
import { requirePermission } from '../auth/middleware.js';
import { formHook, tryAction, tryForm, typedValues, type Status, type Values } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import * as s from '../auth/schemas.js';
import * as svc from '../auth/service.js';
import { UserList, UsersPage } from '../../views/admin/users.js';

async function renderUsers(c: Context<AppEnv>, create?: { values: Values; errors: FieldErrors }, status: Status = 200) {
  const f = s.userSearch.parse(c.req.query());
  const list = await svc.listAccounts(c.get('deps'), f);
  const props = { ...list, q: f.q, role: f.role, selfId: c.get('user')!.id, create };
  return page(c, <UsersPage {...props} />, { title: 'Users', status, fragment: <UserList {...props} /> });
}

const createFailed = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status) =>
  renderUsers(c, { values, errors }, status);

/** The row forms are a select or a hidden field: a bad value is a tampered form, sent back with a flash. */
const backWith = (message: string) => (result: { success: boolean }, c: Context<any>) =>
  result.success ? undefined : redirectWith(c as Context<AppEnv>, back(c as Context<AppEnv>), message, 'error');

/** /admin/users: list, search, create staff, change role, deactivate/reactivate. */
export const adminUserRoutes = new Hono<AppEnv>()
  .use('/admin/users', requirePermission('users:manage'))
  .use('/admin/users/*', requirePermission('users:manage'))
  .get('/admin/users', (c) => renderUsers(c))
  .post('/admin/users', zValidator('form', s.staffForm, formHook(createFailed)), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => svc.createStaffAccount(c.get('deps'), actor(c).id, input));
    if (!r.ok) return renderUsers(c, { values: typedValues(input), errors: r.errors }, r.status);
    return redirectWith(
      c,
      '/admin/users',
      `${input.name} can now sign in as ${input.role}. We sent them a link to confirm their email.`,
    );
  })
  .post('/admin/users/:id/role', zValidator('form', s.roleForm, backWith('Choose a role.')), async (c) => {
    const { role } = c.req.valid('form');
    return tryAction(
      c,
      back(c),
      () => svc.changeRole(c.get('deps'), actor(c).id, idParam(c), role),
      `Role changed to ${role}.`,
    );
  })
  .post('/admin/users/:id/status', zValidator('form', s.statusForm, backWith('Choose a status.')), async (c) => {
    const { status } = c.req.valid('form');
    const done = status === 'active' ? 'Account reactivated.' : 'Account deactivated and signed out everywhere.';
    return tryAction(c, back(c), () => svc.setAccountStatus(c.get('deps'), actor(c).id, idParam(c), status), done);
  });

/** Back to the list the admin was on (search and page kept), never off-site. */
function back(c: Context<AppEnv>): string {
  const ref = c.req.header('Referer');
  if (ref) {
    const u = new URL(ref, c.req.url);
    if (u.origin === new URL(c.req.url).origin && u.pathname === '/admin/users') return u.pathname + u.search;
  }
  return '/admin/users';
}
