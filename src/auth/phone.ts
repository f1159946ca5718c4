import type { Deps } from '../deps.js';
import { MINUTE, addMs, isoNow } from '../lib/clock.js';
import { DomainError } from '../lib/errors.js';
import { constantTimeEqual, hashToken } from '../lib/tokens.js';
import { consume } from '../lib/rate-limit.js';
import { enqueue } from '../notifications/outbox.js';
import { randomInt } from 'node:crypto';
import { getAccount } from './accounts.js';
import { LIMITS } from './limits.js';
import * as q from './queries.js';
import { phoneCodeText } from '../../views/auth/emails.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

export const OTP_TTL = 10 * MINUTE;
export const OTP_MAX_ATTEMPTS = 5;

const otpHash = (userId: number, issuedAt: string, code: string) => hashToken(`otp:${userId}:${issuedAt}:${code}`);

/** Texts a 6-digit code to the user's phone: one a minute, a few an hour. */
export async function sendPhoneCode(deps: Ctx, userId: number, ip: string): Promise<void> {
  const { db, clock } = deps;
  const user = await q.findUserById(db, userId);
  if (!user?.phone) throw new DomainError('Add your mobile number first.', 'phone');
  if (user.phone_verified_at) throw new DomainError('Your mobile number is already verified.');
  await consume(
    db,
    clock,
    [
      { key: `otp-send:cooldown:${userId}`, rule: LIMITS.otpSendCooldown },
      { key: `otp-send:acct:${userId}`, rule: LIMITS.otpSendPerAccount },
      { key: `otp-send:ip:${ip}`, rule: LIMITS.otpSendPerIp },
    ],
    'We sent a code recently.',
    'code',
  );
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.transaction().execute(async (trx) => {
    const now = clock.now();
    await q.voidTokens(trx, userId, 'phone-otp', now.toISOString());
    await q.insertToken(trx, {
      userId,
      purpose: 'phone-otp',
      tokenHash: otpHash(userId, now.toISOString(), code),
      target: user.phone!,
      expiresAt: addMs(now, OTP_TTL).toISOString(),
      createdAt: now.toISOString(),
    });
    await enqueue(trx, deps, { channel: 'sms', to: user.phone!, template: 'phone-otp', text: phoneCodeText(code) });
  });
}

/** Checks a code: right once, within 10 minutes, with at most 5 wrong tries per code. */
export async function verifyPhoneCode(deps: Ctx, userId: number, code: string): Promise<void> {
  const { db, clock } = deps;
  // A wrong try must be counted even though the answer is an error: the transaction
  // returns the refusal instead of throwing it, so the count is committed.
  const refusal = await db.transaction().execute(async (trx): Promise<string | null> => {
    const now = isoNow(clock);
    const row = await q.latestOpenToken(trx, userId, 'phone-otp');
    const user = await q.findUserById(trx, userId);
    if (!row || !user || row.expires_at <= now || row.target !== user.phone)
      return 'That code has expired. Ask for a new one.';
    if (row.attempts >= OTP_MAX_ATTEMPTS) return 'Too many wrong codes. Ask for a new one.';
    if (!constantTimeEqual(otpHash(userId, row.created_at, code), row.token_hash)) {
      await q.countTokenAttempt(trx, row.id);
      const left = OTP_MAX_ATTEMPTS - row.attempts - 1;
      return left > 0
        ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`
        : 'Too many wrong codes. Ask for a new one.';
    }
    if (!(await q.useToken(trx, row.id, now))) return 'That code has expired. Ask for a new one.';
    await q.updateUser(trx, userId, { phone_verified_at: now, updated_at: now });
    return null;
  });
  if (refusal) throw new DomainError(refusal, 'code');
}

/** A new number is unverified until its code is entered. */
export async function changePhone(deps: Ctx, userId: number, phone: string): Promise<boolean> {
  const { db, clock } = deps;
  const user = await getAccount(deps, userId);
  if (user.phone === phone) return false;
  await db.transaction().execute(async (trx) => {
    const now = isoNow(clock);
    await q.updateUser(trx, userId, { phone, phone_verified_at: null, updated_at: now });
    await q.voidTokens(trx, userId, 'phone-otp', now);
  });
  return true;
}
