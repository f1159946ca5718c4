import type { Deps } from '../../src/deps.js';
import type { Role } from '../../src/auth/tables.js';
import { createSession, SESSION_COOKIE } from '../../src/auth/session.js';

let seq = 0;

export interface UserFields {
  role?: Role;
  name?: string;
  email?: string;
  phone?: string;
  upi_id?: string | null;
  password_hash?: string | null;
  verified?: boolean;
}

/** Inserts a user directly (no password flow); returns its id. */
export async function createUser(deps: Pick<Deps, 'db' | 'clock'>, f: UserFields = {}): Promise<number> {
  seq += 1;
  const now = deps.clock.now().toISOString();
  const role = f.role ?? 'traveler';
  const { id } = await deps.db
    .insertInto('users')
    .values({
      email: f.email ?? `${role}${seq}-${Math.random().toString(36).slice(2, 8)}@example.test`,
      name: f.name ?? `Test ${role} ${seq}`,
      phone: f.phone ?? `+9198${String(10000000 + seq).padStart(8, '0')}`,
      role,
      password_hash: f.password_hash ?? null,
      email_verified_at: f.verified === false ? null : now,
      phone_verified_at: f.verified === false ? null : now,
      upi_id: f.upi_id ?? (role === 'organizer' ? 'organizer@okaxis' : null),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A session for the user, as the Cookie header value a browser would send. */
export async function sessionCookie(deps: Pick<Deps, 'db' | 'clock'>, userId: number): Promise<string> {
  const { token } = await createSession(deps.db, deps.clock, userId);
  return `${SESSION_COOKIE}=${token}`;
}

/** A user of the role and their cookie, in one go. */
export async function signedIn(deps: Pick<Deps, 'db' | 'clock'>, f: UserFields = {}): Promise<{ id: number; cookie: string }> {
  const id = await createUser(deps, f);
  return { id, cookie: await sessionCookie(deps, id) };
}
