import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { DomainError, ForbiddenError, NotFoundError } from '../lib/errors.js';
import { issueEmailVerification } from './email-verification.js';
import * as q from './queries.js';
import type { UserRow } from './queries.js';
import { sendWelcome } from './registration.js';
import { noteSignIn } from './sign-in.js';
import type { GoogleClaims } from './types.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

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
