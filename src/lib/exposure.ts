import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { notFound } from './error-pages.js';
import { can } from '../auth/permissions.js';

/**
 * For the development tools that act for anyone (the dev mailbox shows every reset link
 * and phone code; the test gateway confirms bookings with no money): while the server
 * listens beyond loopback (config.beyondLoopback), only a signed-in admin sees them, and
 * everyone else, whoever and wherever they are, gets the same 404 as for a page that does
 * not exist. On loopback only this machine can reach them, and they stay open.
 */
export const adminWhenBeyondLoopback: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('deps').config.beyondLoopback) return next();
  const user = c.get('user');
  return user && can(user.role, 'platform:admin') ? next() : notFound(c);
};

/** The line the start prints when the development tools are limited to admins, or null. */
export function beyondLoopbackNotice(config: {
  beyondLoopback: boolean;
  host: string;
  devMailbox: boolean;
  testGateway: boolean;
}): string | null {
  if (!config.beyondLoopback) return null;
  const tools = [config.devMailbox && '/dev/mailbox', config.testGateway && "the test gateway's checkout"].filter(
    Boolean,
  );
  if (tools.length === 0) return null;
  return `Listening beyond loopback (HOST=${config.host}): ${tools.join(' and ')} answer only signed-in admins (404 for everyone else)${config.testGateway ? ', so travelers pay by UPI here' : ''}; set HOST=127.0.0.1 to open them on this machine only`;
}
