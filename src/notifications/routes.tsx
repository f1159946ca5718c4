import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { notFound } from '../error-pages.js';
import { page } from '../render.js';
import { MailboxMessagePage, MailboxPage } from '../../views/notifications/mailbox.js';
import { devMailbox, devMessage } from './service.js';
import * as svc from './service.js';
import { adminWhenBeyondLoopback, requirePermission, requireUser, safeNext } from '../auth/middleware.js';
import { actor, idParam } from '../lib/params.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm, type Status, type Values } from '../lib/forms.js';
import type { FieldErrors } from '../lib/errors.js';
import { announcementForm, preferencesForm } from './schemas.js';
import { AnnouncementsPage, NotificationsPage, PreferencesPage } from '../../views/notifications/pages.js';

const devOnly: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('deps').config.devMailbox ? next() : notFound(c));

/**
 * The dev mailbox (/dev/mailbox and everything under it): only when config.devMailbox,
 * never in production, and for admins alone while the server listens beyond loopback.
 */
export const notificationRoutes = new Hono<AppEnv>()
  .use('/dev/mailbox/*', devOnly, adminWhenBeyondLoopback)
  .get('/dev/mailbox', async (c) => {
    const to = (c.req.query('to') ?? '').trim().slice(0, 200);
    const items = await devMailbox(c.get('deps'), to);
    return page(c, <MailboxPage items={items} to={to} />, { title: 'Dev mailbox' });
  })
  .get('/dev/mailbox/:id{[0-9]+}', async (c) => {
    const m = await devMessage(c.get('deps'), Number(c.req.param('id')));
    return page(c, <MailboxMessagePage m={m} />, { title: m.subject ?? 'Message' });
  });

/**
 * For a signed-in request: the bell's count and the running announcements, for the header that
 * page() renders (two indexed queries). The stream itself and assets skip it.
 */
export const loadBell: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user');
  // Every method: a form sent back with its errors (422) is a whole page, header and bell included.
  if (user && c.req.path !== '/events') c.set('bell', await svc.bellOf(c.get('deps'), user.id));
  return next();
};

/** Back where the form was sent from, when that is a page of ours. */
const back = (c: Context<AppEnv>, fallback: string) => {
  const ref = c.req.header('Referer');
  if (!ref) return fallback;
  try {
    const u = new URL(ref);
    return u.origin === new URL(c.req.url).origin ? (safeNext(u.pathname + u.search) ?? fallback) : fallback;
  } catch {
    return fallback;
  }
};

async function renderAnnouncements(c: Context<AppEnv>, values?: Values, errors?: FieldErrors, status: Status = 200) {
  const list = await svc.announcements(c.get('deps'));
  return page(c, <AnnouncementsPage list={list} values={values} errors={errors} />, { title: 'Announcements', status });
}

/** The notification centre: /notifications (list, mark read), its settings, banners, and the admin's announcements. */
export const notificationCentreRoutes = new Hono<AppEnv>()
  .use('/notifications', requireUser)
  .use('/notifications/*', requireUser)
  .use('/announcements/*', requireUser)
  .use('/admin/announcements', requirePermission('platform:admin'))
  .get('/notifications', async (c) => {
    const before = Number(c.req.query('before'));
    const list = await svc.notificationsOf(
      c.get('deps'),
      actor(c),
      Number.isSafeInteger(before) && before > 0 ? before : undefined,
    );
    return page(c, <NotificationsPage items={list.items} more={list.more} />, { title: 'Notifications' });
  })
  .post('/notifications/read-all', async (c) => {
    const n = await svc.markAllRead(c.get('deps'), actor(c));
    return redirectWith(c, '/notifications', n === 0 ? 'Nothing was unread.' : `Marked ${n} read.`);
  })
  .post('/notifications/:id{[0-9]+}/read', async (c) => {
    await svc.markRead(c.get('deps'), actor(c), idParam(c));
    return c.redirect(back(c, '/notifications'), 303);
  })
  .get('/notifications/settings', async (c) => {
    const rows = await svc.preferencesOf(c.get('deps'), actor(c));
    return page(c, <PreferencesPage groups={rows} />, { title: 'How you are told' });
  })
  .post('/notifications/settings', zValidator('form', preferencesForm, formHook()), async (c) => {
    await svc.savePreferences(c.get('deps'), actor(c), c.req.valid('form'));
    return redirectWith(c, '/notifications/settings', 'Saved.');
  })
  .post('/announcements/:id{[0-9]+}/dismiss', async (c) => {
    await svc.dismissAnnouncement(c.get('deps'), actor(c), idParam(c));
    return c.redirect(back(c, '/'), 303);
  })
  .get('/admin/announcements', (c) => renderAnnouncements(c))
  .post(
    '/admin/announcements',
    zValidator(
      'form',
      announcementForm,
      formHook((c, values, errors, status) => renderAnnouncements(c, values, errors, status)),
    ),
    async (c) => {
      const r = await tryForm(() => svc.announce(c.get('deps'), actor(c), c.req.valid('form')));
      if (!r.ok) return renderAnnouncements(c, (await c.req.parseBody()) as Values, r.errors, r.status);
      return redirectWith(c, '/admin/announcements', 'Announcement sent.');
    },
  );
