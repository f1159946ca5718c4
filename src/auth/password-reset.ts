import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import { HOUR, isoNow } from '../lib/clock.js';
import { BadRequest } from '../lib/errors.js';
import { hashToken } from '../lib/tokens.js';
import { clearHits, consume, RateLimitedError } from '../lib/rate-limit.js';
import { enqueue } from '../notifications/outbox.js';
import { LINK_DEAD, newLink } from './email-verification.js';
import { LIMITS } from './limits.js';
import { hashPassword } from './passwords.js';
import * as q from './queries.js';
import { invalidateUserSessions } from './session.js';
import { signInFailKey } from './sign-in.js';
import { resetPasswordHtml, resetPasswordText } from '../../views/auth/emails.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;
type Db = Kysely<Database>;

export const RESET_TTL = HOUR;

/**
 * Emails a reset link when the address belongs to an active account. The caller answers
 * the same either way; only the per-address limit is visible, since it says nothing about
 * the account.
 */
export async function requestPasswordReset(deps: Ctx, email: string, ip: string): Promise<void> {
  const { db, clock } = deps;
  await consume(
    db,
    clock,
    [{ key: `forgot:ip:${ip}`, rule: LIMITS.forgotPerIp }],
    'Too many reset requests from your network.',
    'email',
  );
  const user = await q.findUserByEmail(db, email);
  if (!user || user.status !== 'active') return;
  try {
    await consume(db, clock, [{ key: `forgot:acct:${user.id}`, rule: LIMITS.forgotPerAccount }]);
  } catch (e) {
    if (e instanceof RateLimitedError) return;
    throw e;
  }
  await db.transaction().execute(async (trx) => {
    const p = { name: user.name, link: await newLink(trx, deps, user, 'reset-password', RESET_TTL) };
    await enqueue(trx, deps, {
      channel: 'email',
      to: user.email,
      template: 'reset-password',
      subject: 'Reset your TrekTribe password',
      text: resetPasswordText(p),
      html: resetPasswordHtml(p),
    });
  });
}

async function openResetToken(db: Db, clock: Clock, token: string) {
  const row = await q.findToken(db, 'reset-password', hashToken(token));
  if (!row || row.used_at || row.expires_at <= isoNow(clock)) return null;
  const user = await q.findUserById(db, row.user_id);
  if (!user || user.email !== row.target || user.status !== 'active') return null;
  return { row, user };
}

export async function resetTokenIsValid(deps: Ctx, token: string): Promise<boolean> {
  return (await openResetToken(deps.db, deps.clock, token)) !== null;
}

/** Sets a new password from a reset link (once, within the hour) and signs out every session. */
export async function resetPassword(deps: Ctx, token: string, password: string): Promise<number> {
  const { db, clock } = deps;
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const found = await openResetToken(trx, clock, token);
    const now = isoNow(clock);
    if (!found || !(await q.useToken(trx, found.row.id, now))) throw new BadRequest(LINK_DEAD, 'password');
    // Opening the emailed link proves the address too.
    await q.updateUser(trx, found.user.id, {
      password_hash: passwordHash,
      email_verified_at: found.user.email_verified_at ?? now,
      updated_at: now,
    });
    await q.voidTokens(trx, found.user.id, 'reset-password', now);
    await invalidateUserSessions(trx, found.user.id);
    // The guesses spread over many addresses were aimed at a password that no longer
    // exists: lift the account's ceiling so the owner can sign in with the new one.
    await clearHits(trx, signInFailKey.account(found.user.email));
    return found.user.id;
  });
}
