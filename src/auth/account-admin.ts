import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { insertAccount, uniqueEmail } from './accounts.js';
import { issueEmailVerification } from './email-verification.js';
import { hashPassword } from './passwords.js';
import * as q from './queries.js';
import type { StaffInput } from './schemas.js';
import { invalidateUserSessions } from './session.js';
import type { Role } from './tables.js';
import type { AccountListItem } from './types.js';

// The admin's side of accounts: the list, staff accounts, roles, deactivation.

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

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
