import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { DomainError, NotFoundError } from '../lib/errors.js';
import * as q from './queries.js';
import type { UserRow } from './queries.js';
import type { Role } from './tables.js';
import type { Account } from './types.js';

type Db = Kysely<Database>;

export const EMAIL_TAKEN = 'An account with this email already exists. Sign in, or reset your password.';

/** Two sign-ups with one email at the same moment: the unique index decides, the loser gets a message. */
export async function uniqueEmail<T>(fn: () => Promise<T>, message = EMAIL_TAKEN): Promise<T> {
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

/** A new account with a password, its email and phone not yet confirmed; its id. */
export const insertAccount = (
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

export async function getAccount(deps: Pick<Deps, 'db'>, userId: number): Promise<UserRow> {
  const user = await q.findUserById(deps.db, userId);
  if (!user) throw new NotFoundError();
  return user;
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
