import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import type { FieldErrors } from '../lib/errors.js';
import { page } from '../render.js';
import { redirectWith } from '../lib/flash.js';
import { requirePermission } from '../auth/middleware.js';
import { formHook, readQuery, tryAction, tryForm, typedValues, type Status, type Values } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { istDate } from '../lib/time.js';
import * as authSchemas from '../auth/schemas.js';
import * as accounts from '../auth/account-admin.js';
import { planForm } from '../billing/schemas.js';
import { changePlan } from '../billing/plan.js';
import * as s from './schemas.js';
import { auditPage } from './audit-log.js';
import { eraseUser, erasureSubject } from './erasure.js';
import { bookingsCsv, bookingsPage, paymentsCsv, paymentsPage } from './money.js';
import { outboxPage, retryMessage } from './outbox.js';
import { changeBookingSettings, changePlatformSettings, settingsPage } from './settings.js';
import { deactivateTrip, reactivateTrip, tripsPage } from './trip-moderation.js';
import { platformAdminRoutes } from './platform-routes.js';
import { AdminHome } from '../../views/admin/home.js';
import { EraseUserPage, UserList, UsersPage } from '../../views/admin/users.js';
import { SettingsPage, type SettingsSection } from '../../views/admin/settings.js';
import { TripsPage } from '../../views/admin/trips.js';
import { BookingsPage, PaymentsPage } from '../../views/admin/money.js';
import { OutboxPage } from '../../views/admin/outbox.js';
import { AuditPage } from '../../views/admin/audit.js';
import { adminSubscriptionRoutes } from './subscriptions.js';

type C = Context<AppEnv>;
type Failed = { values: Values; errors: FieldErrors };

// ---------------------------------------------------------------- renderers

async function renderUsers(c: C, create?: Failed, status: Status = 200) {
  const f = readQuery(c, authSchemas.userSearch);
  const list = await accounts.listAccounts(c.get('deps'), f);
  const props = { ...list, q: f.q, role: f.role, selfId: actor(c).id, create };
  return page(c, <UsersPage {...props} />, { title: 'Users', status, fragment: <UserList {...props} /> });
}

async function renderErase(c: C, errors?: FieldErrors, typed?: string, status: Status = 200) {
  const user = await erasureSubject(c.get('deps'), actor(c), idParam(c));
  return page(c, <EraseUserPage user={user} errors={errors} typed={typed} />, { title: 'Delete user', status });
}

async function renderSettings(c: C, failed?: Failed & { section: SettingsSection }, status: Status = 200) {
  const props = await settingsPage(c.get('deps'));
  return page(c, <SettingsPage {...props} failed={failed} />, { title: 'Settings', status });
}

async function renderTrips(c: C, failed?: { id: number; reason: string; errors: FieldErrors }, status: Status = 200) {
  const filter = readQuery(c, s.tripFilter);
  const list = await tripsPage(c.get('deps'), filter);
  return page(c, <TripsPage {...list} filter={filter} failed={failed} />, { title: 'Trips', status });
}

const settingsFailed = (section: SettingsSection) => (c: C, values: Values, errors: FieldErrors, status: Status) =>
  renderSettings(c, { section, values, errors }, status);

const eraseFailed = (c: C, values: Values, errors: FieldErrors, status: Status) =>
  renderErase(c, errors, values.confirm, status);

const moderationFailed = (c: C, values: Values, errors: FieldErrors, status: Status) =>
  renderTrips(c, { id: idParam(c), reason: values.reason ?? '', errors }, status);

/** The row forms are a select or a hidden field: a bad value is a tampered form, sent back with a flash. */
const backWith = (message: string) => formHook((c) => redirectWith(c, back(c, '/admin/users'), message, 'error'));

/** Back to the list the admin was on (filters and page kept), never off-site. */
function back(c: C, path: string): string {
  const ref = c.req.header('Referer');
  if (ref) {
    const u = new URL(ref, c.req.url);
    if (u.origin === new URL(c.req.url).origin && u.pathname === path) return u.pathname + u.search;
  }
  return path;
}

/** A CSV download streamed as its lines are read; amounts are rupees, as the header says. */
function csv(c: C, name: string, lines: AsyncIterable<string>) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}-${istDate(c.get('deps').clock.now())}.csv"`);
  return stream(c, async (out) => {
    for await (const line of lines) await out.write(line);
  });
}

// ---------------------------------------------------------------- routes

const admin = requirePermission('platform:admin');
const users = requirePermission('users:manage');
const moderate = requirePermission('trips:moderate');

/** /admin pages: index, users, trips, bookings, payments, settings, outbox, audit (jobs: platform-routes.tsx). */
export const adminRoutes = new Hono<AppEnv>()
  .get('/admin', admin, (c) => page(c, <AdminHome />, { title: 'Admin' }))

  // users
  .get('/admin/users', users, (c) => renderUsers(c))
  .post(
    '/admin/users',
    users,
    zValidator(
      'form',
      authSchemas.staffForm,
      formHook((c, values, errors, status) => renderUsers(c, { values, errors }, status)),
    ),
    async (c) => {
      const input = c.req.valid('form');
      const r = await tryForm(() => accounts.createStaffAccount(c.get('deps'), actor(c).id, input));
      if (!r.ok) return renderUsers(c, { values: typedValues(input), errors: r.errors }, r.status);
      const done = `${input.name} can now sign in as ${input.role}. We sent them a link to confirm their email.`;
      return redirectWith(c, '/admin/users', done);
    },
  )
  .post('/admin/users/:id/role', users, zValidator('form', authSchemas.roleForm, backWith('Choose a role.')), (c) => {
    const { role } = c.req.valid('form');
    const change = () => accounts.changeRole(c.get('deps'), actor(c).id, idParam(c), role);
    return tryAction(c, back(c, '/admin/users'), change, `Role changed to ${role}.`);
  })
  .post(
    '/admin/users/:id/status',
    users,
    zValidator('form', authSchemas.statusForm, backWith('Choose a status.')),
    (c) => {
      const { status } = c.req.valid('form');
      const done = status === 'active' ? 'Account reactivated.' : 'Account deactivated and signed out everywhere.';
      const change = () => accounts.setAccountStatus(c.get('deps'), actor(c).id, idParam(c), status);
      return tryAction(c, back(c, '/admin/users'), change, done);
    },
  )
  .get('/admin/users/:id/delete', users, (c) => renderErase(c))
  .post('/admin/users/:id/delete', users, zValidator('form', s.eraseForm, formHook(eraseFailed)), async (c) => {
    const { confirm } = c.req.valid('form');
    const r = await tryForm(() => eraseUser(c.get('deps'), actor(c), idParam(c), confirm));
    if (!r.ok) return renderErase(c, r.errors, confirm, r.status);
    return redirectWith(c, '/admin/users', 'The account is deleted and its personal data erased.');
  })

  // trips (moderation)
  .get('/admin/trips', moderate, (c) => renderTrips(c))
  .post(
    '/admin/trips/:id/deactivate',
    moderate,
    zValidator('form', s.moderationForm, formHook(moderationFailed)),
    (c) => {
      const { reason } = c.req.valid('form');
      const act = () => deactivateTrip(c.get('deps'), actor(c), idParam(c), reason);
      return tryAction(c, back(c, '/admin/trips'), act, 'Trip deactivated; the organizer has been told why.');
    },
  )
  .post(
    '/admin/trips/:id/reactivate',
    moderate,
    zValidator('form', s.moderationForm, formHook(moderationFailed)),
    (c) => {
      const { reason } = c.req.valid('form');
      const act = () => reactivateTrip(c.get('deps'), actor(c), idParam(c), reason);
      return tryAction(c, back(c, '/admin/trips'), act, 'Trip reactivated; the organizer has been told.');
    },
  )

  // bookings and payments
  .get('/admin/bookings', admin, async (c) => {
    const filter = readQuery(c, s.bookingFilter);
    const list = await bookingsPage(c.get('deps'), filter);
    return page(c, <BookingsPage {...list} filter={filter} />, { title: 'Bookings' });
  })
  .get('/admin/bookings.csv', admin, (c) =>
    csv(c, 'bookings', bookingsCsv(c.get('deps'), readQuery(c, s.bookingFilter))),
  )
  .get('/admin/payments', admin, async (c) => {
    const filter = readQuery(c, s.paymentFilter);
    const list = await paymentsPage(c.get('deps'), filter);
    return page(c, <PaymentsPage {...list} filter={filter} />, { title: 'Payments' });
  })
  .get('/admin/payments.csv', admin, (c) =>
    csv(c, 'payments', paymentsCsv(c.get('deps'), readQuery(c, s.paymentFilter))),
  )

  // settings
  .get('/admin/settings', admin, (c) => renderSettings(c))
  .post('/admin/settings/plan', admin, zValidator('form', planForm, formHook(settingsFailed('plan'))), async (c) => {
    await changePlan(c.get('deps'), actor(c).id, c.req.valid('form'));
    return redirectWith(c, '/admin/settings', 'Plan saved. Subscriptions take it from their next period.');
  })
  .post(
    '/admin/settings/bookings',
    admin,
    zValidator('form', s.bookingSettingsForm, formHook(settingsFailed('bookings'))),
    async (c) => {
      await changeBookingSettings(c.get('deps'), actor(c), c.req.valid('form'));
      return redirectWith(c, '/admin/settings', 'Booking settings saved. New bookings and new trips use them.');
    },
  )
  .post(
    '/admin/settings/platform',
    admin,
    zValidator('form', s.platformSettingsForm, formHook(settingsFailed('platform'))),
    async (c) => {
      await changePlatformSettings(c.get('deps'), actor(c), c.req.valid('form'));
      return redirectWith(c, '/admin/settings', 'Platform settings saved.');
    },
  )

  // outbox and audit
  .get('/admin/outbox', admin, async (c) => {
    const filter = readQuery(c, s.outboxFilter);
    const props = await outboxPage(c.get('deps'), filter);
    return page(c, <OutboxPage {...props} filter={filter} />, { title: 'Outbox' });
  })
  .post('/admin/outbox/:id/retry', admin, async (c) => {
    const id = idParam(c);
    await retryMessage(c.get('deps'), actor(c), id);
    return redirectWith(c, back(c, '/admin/outbox'), `Message #${id} is queued again.`);
  })
  .get('/admin/audit', admin, async (c) => {
    const filter = readQuery(c, s.auditFilter);
    const props = await auditPage(c.get('deps'), filter);
    return page(c, <AuditPage {...props} filter={filter} />, { title: 'Audit log' });
  });

adminRoutes.route('/', platformAdminRoutes);
adminRoutes.route('/', adminSubscriptionRoutes);
