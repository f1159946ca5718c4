import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import { HOUR, addMs, isoNow } from '../lib/clock.js';
import { BadRequest, DomainError, NotFoundError } from '../lib/errors.js';
import { hashToken, randomToken } from '../lib/tokens.js';
import { consume } from '../lib/rate-limit.js';
import { enqueue } from '../notifications/outbox.js';
import { LIMITS } from './limits.js';
import * as q from './queries.js';
import { verifyEmailHtml, verifyEmailText } from '../../views/auth/emails.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;
type Db = Kysely<Database>;

export const VERIFY_EMAIL_TTL = 24 * HOUR;

/**
 * A new one-time link of the user's for `purpose` (`/verify-email`, `/reset-password`), valid
 * for `ttlMs`; any earlier one for the same purpose stops working. Only its hash is stored.
 */
export async function newLink(
  trx: Db,
  deps: Ctx,
  u: { id: number; email: string },
  purpose: 'verify-email' | 'reset-password',
  ttlMs: number,
): Promise<string> {
  const token = randomToken();
  const now = deps.clock.now();
  await q.voidTokens(trx, u.id, purpose, now.toISOString());
  await q.insertToken(trx, {
    userId: u.id,
    purpose,
    tokenHash: hashToken(token),
    target: u.email,
    expiresAt: addMs(now, ttlMs).toISOString(),
    createdAt: now.toISOString(),
  });
  return `${deps.config.publicUrl}/${purpose}?token=${token}`;
}

export async function issueEmailVerification(trx: Db, deps: Ctx, u: { id: number; email: string; name: string }) {
  const p = { name: u.name, link: await newLink(trx, deps, u, 'verify-email', VERIFY_EMAIL_TTL) };
  await enqueue(trx, deps, {
    channel: 'email',
    to: u.email,
    template: 'verify-email',
    subject: 'Confirm your email address',
    text: verifyEmailText(p),
    html: verifyEmailHtml(p),
  });
}

/** A new verification link, at most one a minute. */
export async function resendEmailVerification(deps: Ctx, userId: number): Promise<void> {
  const { db, clock } = deps;
  const user = await q.findUserById(db, userId);
  if (!user) throw new NotFoundError();
  if (user.email_verified_at) throw new DomainError('Your email address is already confirmed.');
  await consume(
    db,
    clock,
    [{ key: `verify-resend:${userId}`, rule: LIMITS.verifyResendCooldown }],
    'We just sent you a link.',
  );
  await db.transaction().execute((trx) => issueEmailVerification(trx, deps, user));
}

export const LINK_DEAD = 'This link has expired or was already used. Ask for a new one.';

async function openEmailToken(db: Db, clock: Clock, token: string) {
  const row = await q.findToken(db, 'verify-email', hashToken(token));
  if (!row || row.used_at || row.expires_at <= isoNow(clock)) return null;
  const user = await q.findUserById(db, row.user_id);
  if (!user || user.email !== row.target) return null;
  return { row, user };
}

/** Whether a verification link would still work; looking does not use it up. */
export async function emailTokenIsValid(deps: Ctx, token: string): Promise<boolean> {
  return (await openEmailToken(deps.db, deps.clock, token)) !== null;
}

/**
 * Confirms the email address a link was sent to; the link works once, for 24 hours. Called
 * from the confirmation page's POST only: mail scanners and link previews open the GET.
 */
export async function verifyEmail(deps: Ctx, token: string): Promise<number> {
  const { db, clock } = deps;
  return db.transaction().execute(async (trx) => {
    const found = await openEmailToken(trx, clock, token);
    const now = isoNow(clock);
    if (!found || !(await q.useToken(trx, found.row.id, now))) throw new BadRequest(LINK_DEAD);
    if (!found.user.email_verified_at)
      await q.updateUser(trx, found.user.id, { email_verified_at: now, updated_at: now });
    return found.user.id;
  });
}
