import { expect } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import type { ParsedMail } from 'mailparser';
import { SESSION_COOKIE } from '../../src/auth/session.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { linkPath, type TestSmtp } from '../support/smtp.js';

export const PASSWORD = 'correct horse battery';

/** An app whose per-IP limits read X-Forwarded-For, so each test can say where it comes from. */
export function accountsApp(env: Record<string, string> = {}) {
  return makeTestApp({ TRUST_PROXY: 'on', ...env });
}

let n = 0;
export function newPerson(over: Record<string, string> = {}) {
  n += 1;
  return {
    name: `Asha ${n}`,
    email: `asha${n}-${Math.random().toString(36).slice(2, 7)}@example.test`,
    phone: '98765 43210',
    password: PASSWORD,
    role: 'traveler',
    ...over,
  };
}

export const fromIp = (ip: string) => ({ 'X-Forwarded-For': ip });

/** The session token a response set, or null if it set none (or cleared it). */
export function sessionToken(res: Response): string | null {
  let token: string | null = null;
  // The last one wins, as in a browser (a stale cookie may be cleared before a new one is set).
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(new RegExp(`^${SESSION_COOKIE}=([^;]*)`));
    if (m) token = m[1] || null;
  }
  return token;
}

export const cookieOf = (token: string) => `${SESSION_COOKIE}=${token}`;

export async function register(t: TestApp, over: Record<string, string> = {}, ip = '10.0.0.1') {
  const person = newPerson(over);
  const res = await t.post('/register', person, undefined, fromIp(ip));
  return { person, res };
}

/** Registers through the form and signs out of the session registering starts: an account, and no session yet. */
export async function registered(t: TestApp, over: Record<string, string> = {}, ip = '10.0.0.1') {
  const { person, res } = await register(t, over, ip);
  const token = sessionToken(res);
  if (token) await t.post('/logout', {}, cookieOf(token), fromIp(ip));
  return { person, res };
}

/** Signs in through the form; returns the Cookie header for the new session. */
export async function signIn(t: TestApp, email: string, password = PASSWORD, ip = '10.0.0.1', cookie?: string) {
  const res = await t.post('/login', { email, password }, cookie, fromIp(ip));
  expect(res.status, await res.clone().text()).toBe(303);
  const token = sessionToken(res);
  expect(token).toBeTruthy();
  return { res, cookie: cookieOf(token!), token: token! };
}

export interface Queued {
  id: number;
  channel: string;
  recipient: string;
  template: string;
  subject: string | null;
  text: string;
  html: string | null;
}

/** Messages queued in the outbox for a recipient (oldest first). */
export async function queued(t: TestApp, to: string, template?: string): Promise<Queued[]> {
  let q = t.db.selectFrom('outbox').selectAll().where('recipient', '=', to).orderBy('id');
  if (template) q = q.where('template', '=', template);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    recipient: r.recipient,
    template: r.template,
    ...JSON.parse(r.payload),
  }));
}

/** The path + query of the first link to `path` in a message's text. */
export function linkIn(text: string, path: string): string {
  const m = text.match(new RegExp(`https?://[^\\s"<]+${path.replace(/[/]/g, '\\/')}\\?token=[a-z0-9]+`));
  expect(m, `no ${path} link in: ${text}`).toBeTruthy();
  const u = new URL(m![0]);
  return u.pathname + u.search;
}

export const flashOf = (res: Response) => {
  for (const c of res.headers.getSetCookie()) {
    const m = c.match(/^tt_flash=([^;]+)/);
    if (m) return JSON.parse(decodeURIComponent(m[1])).message as string;
  }
  return null;
};

/** Delivers the outbox through the app's real transport, then returns every mail the test SMTP server got for `to` with that subject (at least `atLeast`). */
export async function mailsFor(
  t: TestApp,
  smtp: TestSmtp,
  to: string,
  subject: RegExp,
  atLeast = 1,
): Promise<ParsedMail[]> {
  expect(await deliverDue(t.deps)).toMatch(/^sent \d+, retrying 0, failed 0$/);
  const matches = () =>
    smtp.messages.filter((m) => recipients(m).includes(to.toLowerCase()) && subject.test(m.subject ?? ''));
  const deadline = Date.now() + 5000;
  while (matches().length < atLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(matches().length, `mails to ${to} matching ${subject}`).toBeGreaterThanOrEqual(atLeast);
  return matches();
}

/** The last such mail's link to `prefix` (path + query). */
export async function mailedLink(
  t: TestApp,
  smtp: TestSmtp,
  to: string,
  subject: RegExp,
  prefix: string,
  atLeast = 1,
): Promise<string> {
  return linkPath((await mailsFor(t, smtp, to, subject, atLeast)).at(-1)!, prefix);
}

function recipients(m: ParsedMail): string {
  const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
  return to.map((a) => a.text.toLowerCase()).join(', ');
}
