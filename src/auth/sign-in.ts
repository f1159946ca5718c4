import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import { isoNow } from '../lib/clock.js';
import { DomainError } from '../lib/errors.js';
import { clearHits, recordHit, refundHit, retryAfter, RateLimitedError } from '../lib/rate-limit.js';
import { startTrial } from '../billing/trial.js';
import { LIMITS } from './limits.js';
import * as q from './queries.js';
import type { UserRow } from './queries.js';
import { verifyNothing, verifyPassword } from './passwords.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;
type Db = Kysely<Database>;

const WRONG = 'Wrong email or password.';

/**
 * What sign-in failures are counted under. Keys name the email as typed (normalised), never
 * the account, so an unknown email is limited exactly like a real one and the limiter
 * cannot tell anyone which addresses have accounts.
 */
export const signInFailKey = {
  pair: (email: string, ip: string) => `signin-fail:acct-ip:${email} ${ip}`,
  account: (email: string) => `signin-fail:acct:${email}`,
  ip: (ip: string) => `signin-fail:ip:${ip}`,
};

/**
 * Checks an email and password. Failures count three ways, all checked before the password
 * (a locked-out guesser must not learn whether a guess was right):
 * - per account and address, tightly (5 / 15 min): a guesser's address is locked out of
 *   that account, while the owner, from their own address, signs in as usual. Counting
 *   per account alone let anyone who knew a traveler's email keep them out for good.
 * - per address across all accounts (30 / 15 min): one address sweeping many accounts.
 * - per account across all addresses, a ceiling (50 / hour) against guessing spread over
 *   many addresses. When it is reached, NOBODY signs in to that account with a password
 *   until the window ends; the owner gets in at once through "Forgot your password?" (the
 *   emailed link proves them without the password, and a reset lifts the ceiling). We
 *   chose this over letting in a right password from an address with no failures: with a
 *   botnet every address is fresh, so each one would still get a guess per window and the
 *   ceiling would bound nothing. Here the guesses against one account stay near 50 an hour
 *   however many addresses guess; that matters most for organizers, whose account says
 *   where travelers' UPI payments go. The price, a detour through email for the owner,
 *   is only paid while such an attack is going on.
 */
export async function signIn(deps: Ctx, email: string, password: string, ip: string): Promise<UserRow> {
  const { db, clock } = deps;
  const pair = { key: signInFailKey.pair(email, ip), rule: LIMITS.signInFailPerAccountAndIp };
  const account = { key: signInFailKey.account(email), rule: LIMITS.signInFailPerAccount };
  const address = { key: signInFailKey.ip(ip), rule: LIMITS.signInFailPerIp };
  // Every attempt is counted as a failure when it is let through, in the same transaction as
  // the check, and given back if the password was right. Counted after the slow password
  // check instead, guesses fired all at once each passed the check before any was counted.
  await db.transaction().execute(async (trx) => {
    const addressWait = Math.max(
      await retryAfter(trx, clock, pair.key, pair.rule),
      await retryAfter(trx, clock, address.key, address.rule),
    );
    const accountWait = await retryAfter(trx, clock, account.key, account.rule);
    if (accountWait > 0)
      throw new RateLimitedError(
        Math.max(accountWait, addressWait),
        'Too many failed sign-in attempts on this account.',
        'email',
        'To get in now, reset your password with "Forgot your password?".',
      );
    if (addressWait > 0) throw new RateLimitedError(addressWait, 'Too many failed sign-in attempts.', 'email');
    for (const c of [pair, account, address]) await recordHit(trx, clock, c.key, c.rule);
  });
  const user = await q.findUserByEmail(db, email);
  const ok = user?.password_hash ? await verifyPassword(user.password_hash, password) : await verifyNothing(password);
  if (!user || !ok) {
    if (user && !user.password_hash && user.google_sub)
      throw new DomainError(
        'This account signs in with Google. Use "Sign in with Google", or reset your password to set one.',
        'email',
      );
    throw new DomainError(WRONG, 'email');
  }
  const active = user.status === 'active';
  await db.transaction().execute(async (trx) => {
    for (const c of [account, address]) await refundHit(trx, c.key);
    if (active) await clearHits(trx, pair.key);
    else await refundHit(trx, pair.key);
  });
  if (!active)
    throw new DomainError(
      'This account has been deactivated. Contact support if you think this is a mistake.',
      'email',
      403,
    );
  await noteSignIn(deps, user);
  return user;
}

/** The free trial of an organizer starts at their first sign-in. */
export async function noteSignIn(deps: Ctx, user: UserRow): Promise<void> {
  if (user.role === 'organizer')
    await deps.db.transaction().execute((trx) => startOrganizerTrial(trx, deps.clock, user));
}

/** Billing makes the trial once, however many sign-ins race to start it. */
export async function startOrganizerTrial(
  trx: Db,
  clock: Clock,
  user: Pick<UserRow, 'id' | 'first_organizer_login_at'>,
): Promise<void> {
  if (!user.first_organizer_login_at) await q.markFirstOrganizerLogin(trx, user.id, isoNow(clock));
  await startTrial(trx, clock, user.id);
}
