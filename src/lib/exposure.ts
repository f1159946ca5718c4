import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { NotFoundError } from './errors.js';
import { isLoopback } from './net.js';

const bare = (host: string) =>
  host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');

/**
 * The names the development tools answer to: loopback (`localhost`, 127.x.x.x, ::1, any port),
 * PUBLIC_URL's host, and the address the server listens on when it is one (the app's own SDK
 * calls the test gateway there, server.ts). A page using DNS rebinding reaches us under its own
 * name (`Host: attacker.example`), which is none of these.
 */
export function ownHosts(config: { publicUrl: string; host: string }): (hostname: string) => boolean {
  const named = new Set([bare(new URL(config.publicUrl).hostname)]);
  const listening = bare(config.host);
  if (isIP(listening) && !/^(0\.0\.0\.0|::)$/.test(listening)) named.add(listening);
  return (hostname) => {
    const h = bare(hostname);
    return named.has(h) || h === 'localhost' || (isIP(h) !== 0 && isLoopback(h));
  };
}

/**
 * For every development-only route (the dev mailbox, the test gateway): a request under any
 * other name than ours (ownHosts) gets the 404 of a page that does not exist, so a web page
 * that rebinds its own name to 127.0.0.1 cannot read the admin's reset mail.
 */
export function ownHostOnly(config: { publicUrl: string; host: string }): MiddlewareHandler<AppEnv> {
  const isOwn = ownHosts(config);
  return async (c, next) => {
    if (!isOwn(new URL(c.req.url).hostname)) throw new NotFoundError();
    await next();
  };
}

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
