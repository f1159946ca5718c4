import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import type { Clock } from '../lib/clock.js';
import { HOUR, MINUTE, addMs, isoNow } from '../lib/clock.js';
import { BadRequest, Conflict, DomainError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { constantTimeEqual, hashToken, randomToken } from '../lib/tokens.js';
import { audit } from '../lib/audit.js';
import { removeImage, storeImage } from '../lib/images.js';
import {
  clearHits,
  consume,
  recordHit,
  refundHit,
  retryAfter,
  RateLimitedError,
  type RateRule,
} from '../lib/rate-limit.js';
import { enqueue } from '../notifications/outbox.js';
import * as billing from '../billing/service.js';
import { randomInt } from 'node:crypto';
import * as q from './queries.js';
import type { UserRow } from './queries.js';
import { hashPassword, verifyNothing, verifyPassword } from './passwords.js';
import { invalidateUserSessions } from './session.js';
import { channel, publish } from '../live/service.js';
import { SIGNED_OUT } from '../live/events.js';
import type { OrganizerInput, ProfileInput, RegisterInput, StaffInput } from './schemas.js';
import type { Role, UserStatus } from './tables.js';
import { getSetting } from '../lib/settings.js';
import {
  phoneCodeText,
  resetPasswordHtml,
  resetPasswordText,
  verifyEmailHtml,
  verifyEmailText,
  welcomeHtml,
  welcomeText,
} from '../../views/auth/emails.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;
type Db = Kysely<Database>;

export const VERIFY_EMAIL_TTL = 24 * HOUR;
export const RESET_TTL = HOUR;
export const OTP_TTL = 10 * MINUTE;
export const OTP_MAX_ATTEMPTS = 5;

/** The brute-force budget of every endpoint that needs one. */
export const LIMITS = {
  signInFailPerAccountAndIp: { limit: 5, windowMs: 15 * MINUTE },
  signInFailPerAccount: { limit: 50, windowMs: HOUR },
  signInFailPerIp: { limit: 30, windowMs: 15 * MINUTE },
  registerPerIp: { limit: 10, windowMs: HOUR },
  forgotPerIp: { limit: 10, windowMs: HOUR },
  forgotPerAccount: { limit: 3, windowMs: HOUR },
  otpSendCooldown: { limit: 1, windowMs: MINUTE },
  otpSendPerAccount: { limit: 5, windowMs: HOUR },
  otpSendPerIp: { limit: 20, windowMs: HOUR },
  verifyResendCooldown: { limit: 1, windowMs: MINUTE },
} satisfies Record<string, RateRule>;

const EMAIL_TAKEN = 'An account with this email already exists. Sign in, or reset your password.';

/** Two sign-ups with one email at the same moment: the unique index decides, the loser gets a message. */
async function uniqueEmail<T>(fn: () => Promise<T>, message = EMAIL_TAKEN): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (
      (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      /users\.email/.test(String((e as Error).message))
    )
      throw new DomainError(message, 'email');
    throw e;
  }
}

// ---------------------------------------------------------------- registration

export async function registerAccount(deps: Ctx, input: RegisterInput, ip: string): Promise<number> {
  const { db, clock } = deps;
  await consume(
    db,
    clock,
    [{ key: `register:ip:${ip}`, rule: LIMITS.registerPerIp }],
    'Too many new accounts from your network.',
  );
  if (await q.findUserByEmail(db, input.email)) throw new DomainError(EMAIL_TAKEN, 'email');
  const passwordHash = await hashPassword(input.password);
  return uniqueEmail(() =>
    db.transaction().execute(async (trx) => {
      const now = isoNow(clock);
      const userId = await insertAccount(trx, input, passwordHash, now);
      await sendWelcome(trx, deps, { email: input.email, name: input.name, role: input.role });
      await issueEmailVerification(trx, deps, { id: userId, email: input.email, name: input.name });
      // Registering signs the new account in (see the route): that is the organizer's first sign-in.
      if (input.role === 'organizer')
        await startOrganizerTrial(trx, clock, { id: userId, first_organizer_login_at: null });
      return userId;
    }),
  );
}

/** A new account with a password, its email and phone not yet confirmed; its id. */
const insertAccount = (
  trx: Db,
  a: { email: string; name: string; phone: string; role: Role },
  passwordHash: string,
  now: string,
) =>
  q.insertUser(trx, {
    email: a.email,
    name: a.name,
    phone: a.phone,
    role: a.role,
    password_hash: passwordHash,
    email_verified_at: null,
    phone_verified_at: null,
    created_at: now,
    updated_at: now,
  });

async function sendWelcome(trx: Db, deps: Ctx, u: { email: string; name: string; role: Role }) {
  const p = { name: u.name, role: u.role, url: deps.config.publicUrl, trialDays: await getSetting(trx, 'trialDays') };
  await enqueue(trx, deps, {
    channel: 'email',
    to: u.email,
    template: 'welcome',
    subject: 'Welcome to TrekTribe',
    text: welcomeText(p),
    html: welcomeHtml(p),
  });
}

/**
 * A new one-time link of the user's for `purpose` (`/verify-email`, `/reset-password`), valid
 * for `ttlMs`; any earlier one for the same purpose stops working. Only its hash is stored.
 */
async function newLink(
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

async function issueEmailVerification(trx: Db, deps: Ctx, u: { id: number; email: string; name: string }) {
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

const LINK_DEAD = 'This link has expired or was already used. Ask for a new one.';

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

// ---------------------------------------------------------------- sign in

const WRONG = 'Wrong email or password.';

/**
 * What sign-in failures are counted under. Keys name the email as typed (normalised), never
 * the account, so an unknown email is limited exactly like a real one and the limiter
 * cannot tell anyone which addresses have accounts.
 */
const signInFailKey = {
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
async function noteSignIn(deps: Ctx, user: UserRow): Promise<void> {
  if (user.role === 'organizer')
    await deps.db.transaction().execute((trx) => startOrganizerTrial(trx, deps.clock, user));
}

/** Billing makes the trial once, however many sign-ins race to start it. */
async function startOrganizerTrial(
  trx: Db,
  clock: Clock,
  user: Pick<UserRow, 'id' | 'first_organizer_login_at'>,
): Promise<void> {
  if (!user.first_organizer_login_at) await q.markFirstOrganizerLogin(trx, user.id, isoNow(clock));
  await billing.startTrial(trx, clock, user.id);
}

// ---------------------------------------------------------------- password reset

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

// ---------------------------------------------------------------- phone verification

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

// ---------------------------------------------------------------- Google

export interface GoogleClaims {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

/**
 * The account for a Google identity: the one already linked, else an account with the
 * same verified email (now linked), else a new one that must complete its profile.
 */
export async function googleSignIn(deps: Ctx, g: GoogleClaims): Promise<UserRow> {
  const { db, clock } = deps;
  const email = g.email.trim().toLowerCase();
  const user = await db.transaction().execute(async (trx) => {
    const now = isoNow(clock);
    const linked = await q.findUserByGoogleSub(trx, g.sub);
    if (linked) return linked;
    const same = await q.findUserByEmail(trx, email);
    if (same) {
      if (!g.emailVerified)
        throw new ForbiddenError(
          'Google has not verified this email address, so we cannot link it to your account. Sign in with your password.',
        );
      await q.updateUser(trx, same.id, {
        google_sub: g.sub,
        email_verified_at: same.email_verified_at ?? now,
        updated_at: now,
      });
      return (await q.findUserById(trx, same.id))!;
    }
    const id = await q.insertUser(trx, {
      email,
      name: g.name.trim().slice(0, 80) || email.split('@')[0],
      phone: null,
      role: 'traveler',
      google_sub: g.sub,
      password_hash: null,
      profile_complete: 0,
      email_verified_at: g.emailVerified ? now : null,
      phone_verified_at: null,
      created_at: now,
      updated_at: now,
    });
    return (await q.findUserById(trx, id))!;
  });
  if (user.status !== 'active')
    throw new ForbiddenError('This account has been deactivated. Contact support if you think this is a mistake.');
  await noteSignIn(deps, user);
  return user;
}

/** The phone and role a Google user still owes us; then the welcome email. */
export async function completeProfile(
  deps: Ctx,
  userId: number,
  input: { phone: string; role: 'traveler' | 'organizer' },
): Promise<void> {
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const user = await q.findUserById(trx, userId);
    if (!user) throw new NotFoundError();
    if (user.profile_complete) throw new DomainError('Your profile is already complete.');
    const now = isoNow(clock);
    await q.updateUser(trx, userId, {
      phone: input.phone,
      role: input.role,
      profile_complete: 1,
      phone_verified_at: null,
      updated_at: now,
    });
    await sendWelcome(trx, deps, { email: user.email, name: user.name, role: input.role });
    if (!user.email_verified_at) await issueEmailVerification(trx, deps, user);
  });
  const user = (await q.findUserById(db, userId))!;
  await noteSignIn(deps, user);
}

// ---------------------------------------------------------------- profile

export interface Account {
  id: number;
  name: string;
  email: string;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  role: Role;
  bio: string | null;
  location: string | null;
  photo: { key: string; width: number; height: number } | null;
  orgDisplayName: string | null;
  orgAbout: string | null;
  upiId: string | null;
  hasPassword: boolean;
  createdAt: string;
  sessions: number;
}

/** What the profile and summary pages show of an account. */
export async function accountSummary(deps: Pick<Deps, 'db'>, userId: number): Promise<Account> {
  const u = await getAccount(deps, userId);
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    emailVerified: u.email_verified_at !== null,
    phone: u.phone,
    phoneVerified: u.phone_verified_at !== null,
    role: u.role,
    bio: u.bio,
    location: u.location,
    photo:
      u.photo && u.photo_width && u.photo_height
        ? { key: u.photo, width: u.photo_width, height: u.photo_height }
        : null,
    orgDisplayName: u.org_display_name,
    orgAbout: u.org_about,
    upiId: u.upi_id,
    hasPassword: u.password_hash !== null,
    createdAt: u.created_at,
    sessions: await q.countSessions(deps.db, userId),
  };
}

export async function getAccount(deps: Pick<Deps, 'db'>, userId: number): Promise<UserRow> {
  const user = await q.findUserById(deps.db, userId);
  if (!user) throw new NotFoundError();
  return user;
}

const PHOTO_WIDTHS = [320];

/** Name, bio, location and an optional new photo (the old one is removed). */
export async function updateProfile(deps: Ctx, userId: number, input: ProfileInput): Promise<void> {
  const { db, clock, config } = deps;
  const before = await getAccount(deps, userId);
  const file = input.photo instanceof File && input.photo.size > 0 ? input.photo : null;
  const photo = file ? await storeImage(config.dataDir, file, 'photo', PHOTO_WIDTHS) : null;
  try {
    await q.updateUser(db, userId, {
      name: input.name,
      bio: input.bio,
      location: input.location,
      ...(photo ? { photo: photo.key, photo_width: photo.width, photo_height: photo.height } : {}),
      updated_at: isoNow(clock),
    });
  } catch (e) {
    if (photo) await removeImage(config.dataDir, photo.key, photo.widths);
    throw e;
  }
  if (photo && before.photo)
    await removeImage(config.dataDir, before.photo, before.photo_width ? [before.photo_width] : PHOTO_WIDTHS);
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

/** A new password signs out every session; the caller starts a fresh one for this browser. */
export async function changePassword(deps: Ctx, userId: number, current: string, next: string): Promise<void> {
  const { db, clock } = deps;
  const user = await getAccount(deps, userId);
  if (user.password_hash && !(await verifyPassword(user.password_hash, current)))
    throw new DomainError('That is not your current password.', 'current');
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    const now = isoNow(clock);
    await q.updateUser(trx, userId, { password_hash: passwordHash, updated_at: now });
    await q.voidTokens(trx, userId, 'reset-password', now);
    await invalidateUserSessions(trx, userId);
  });
}

/** An organizer's public profile and the UPI ID travelers pay to. */
export async function updateOrganizerProfile(
  deps: Ctx,
  actor: { id: number; role: Role },
  input: OrganizerInput,
): Promise<void> {
  if (actor.role !== 'organizer') throw new ForbiddenError('Only organizers have a public profile.');
  await q.updateUser(deps.db, actor.id, { ...input, updated_at: isoNow(deps.clock) });
}

export async function signOutEverywhere(deps: Pick<Deps, 'db' | 'clock' | 'log'>, userId: number): Promise<void> {
  await invalidateUserSessions(deps.db, userId);
  await publish(deps, { to: channel.user(userId), event: SIGNED_OUT });
}

// ---------------------------------------------------------------- admin

/** One row of the admin's list of accounts. */
export interface AccountListItem {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  createdAt: string;
}

export async function listAccounts(
  deps: Pick<Deps, 'db'>,
  f: { q: string; role: Role | ''; page: number },
  perPage = 25,
) {
  const found = await q.listUsers(deps.db, { q: f.q, role: f.role, limit: perPage, offset: (f.page - 1) * perPage });
  const rows = found.rows.map((u): AccountListItem => ({
    id: u.id,
    name: u.name,
    email: u.email,
    phone: u.phone,
    role: u.role,
    status: u.status,
    emailVerified: u.email_verified_at !== null,
    createdAt: u.created_at,
  }));
  return { rows, total: found.total, page: f.page, pages: Math.max(1, Math.ceil(found.total / perPage)) };
}

/** Agents and admins are made by an admin, never by registering. */
export async function createStaffAccount(deps: Ctx, actorId: number, input: StaffInput): Promise<number> {
  const { db, clock } = deps;
  if (await q.findUserByEmail(db, input.email))
    throw new DomainError('An account with this email already exists.', 'email');
  const passwordHash = await hashPassword(input.password);
  return uniqueEmail(
    () =>
      db.transaction().execute(async (trx) => {
        const now = isoNow(clock);
        const id = await insertAccount(trx, input, passwordHash, now);
        await audit(trx, clock, {
          actorId,
          action: 'user.created',
          targetType: 'user',
          targetId: id,
          after: { email: input.email, name: input.name, role: input.role },
        });
        await issueEmailVerification(trx, deps, { id, email: input.email, name: input.name });
        return id;
      }),
    'An account with this email already exists.',
  );
}

function notSelf(actorId: number, userId: number, what: string) {
  if (actorId === userId) throw new Conflict(`You cannot ${what} your own account; ask another admin.`);
}

export async function changeRole(deps: Ctx, actorId: number, userId: number, role: Role): Promise<void> {
  notSelf(actorId, userId, 'change the role of');
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const user = await q.findUserById(trx, userId);
    if (!user || user.status === 'deleted') throw new NotFoundError();
    if (user.role === role) return;
    await q.updateUser(trx, userId, { role, updated_at: isoNow(clock) });
    await audit(trx, clock, {
      actorId,
      action: 'user.role_changed',
      targetType: 'user',
      targetId: userId,
      before: { role: user.role },
      after: { role },
    });
  });
}

/** Deactivating signs the user out everywhere and keeps them out; reactivating lets them back. */
export async function setAccountStatus(
  deps: Ctx,
  actorId: number,
  userId: number,
  status: 'active' | 'deactivated',
): Promise<void> {
  notSelf(actorId, userId, 'deactivate');
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const user = await q.findUserById(trx, userId);
    if (!user || user.status === 'deleted') throw new NotFoundError();
    if (user.status === status) return;
    await q.updateUser(trx, userId, { status, updated_at: isoNow(clock) });
    if (status === 'deactivated') await invalidateUserSessions(trx, userId);
    await audit(trx, clock, {
      actorId,
      action: status === 'active' ? 'user.reactivated' : 'user.deactivated',
      targetType: 'user',
      targetId: userId,
      before: { status: user.status },
      after: { status },
    });
  });
}

// ---------------------------------------------------------------- setup

export const PRESET_ACCOUNTS: { role: Role; email: string; name: string; phone: string }[] = [
  { role: 'admin', email: 'admin@trektribe.local', name: 'TrekTribe Admin', phone: '+919000000001' },
  { role: 'agent', email: 'agent@trektribe.local', name: 'TrekTribe Support', phone: '+919000000002' },
  { role: 'organizer', email: 'organizer@trektribe.local', name: 'Demo Organizer', phone: '+919000000003' },
  { role: 'traveler', email: 'traveler@trektribe.local', name: 'Demo Traveler', phone: '+919000000004' },
];

/** Creates whichever preset account is missing (verified, ready to sign in); returns those created. */
export async function ensurePresetAccounts(deps: Pick<Deps, 'db' | 'clock'>, password: string): Promise<string[]> {
  const { db, clock } = deps;
  const created: string[] = [];
  const passwordHash = await hashPassword(password);
  for (const a of PRESET_ACCOUNTS) {
    await db.transaction().execute(async (trx) => {
      if (await q.findUserByEmail(trx, a.email)) return;
      const now = isoNow(clock);
      const id = await q.insertUser(trx, {
        ...a,
        password_hash: passwordHash,
        email_verified_at: now,
        phone_verified_at: now,
        upi_id: a.role === 'organizer' ? 'demo.organizer@okaxis' : null,
        created_at: now,
        updated_at: now,
      });
      await audit(trx, clock, {
        actorId: null,
        action: 'user.created',
        targetType: 'user',
        targetId: id,
        after: { email: a.email, role: a.role, by: 'setup' },
      });
      created.push(a.email);
    });
  }
  return created;
}
