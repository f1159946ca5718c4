import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { notFound } from '../lib/error-pages.js';
import { adminWhenBeyondLoopback } from '../lib/exposure.js';
import { page } from '../lib/render.js';
import { MailboxMessagePage, MailboxPage } from '../../views/notifications/mailbox.js';
import { devMailbox, devMessage } from './service.js';

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
