import { sql, type Kysely, type Selectable, type Updateable, type Insertable } from 'kysely';
import type { Database } from '../schema.js';
import type { Role, TokenPurpose, UsersTable } from './tables.js';

type Db = Kysely<Database>;
export type UserRow = Selectable<UsersTable>;

export const findUserById = (db: Db, id: number) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const findUserByEmail = (db: Db, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findUserByGoogleSub = (db: Db, sub: string) =>
  db.selectFrom('users').selectAll().where('google_sub', '=', sub).executeTakeFirst();

export async function insertUser(db: Db, values: Insertable<UsersTable>): Promise<number> {
  const { id } = await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateUser(db: Db, id: number, values: Updateable<UsersTable>): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

/** Marks a first organizer sign-in (the free trial starts then); true if this was it. */
export async function markFirstOrganizerLogin(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ first_organizer_login_at: at })
    .where('id', '=', id)
    .where('role', '=', 'organizer')
    .where('first_organizer_login_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertToken(
  db: Db,
  v: { userId: number; purpose: TokenPurpose; tokenHash: string; target: string; expiresAt: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({
      user_id: v.userId,
      purpose: v.purpose,
      token_hash: v.tokenHash,
      target: v.target,
      expires_at: v.expiresAt,
      used_at: null,
      created_at: v.createdAt,
    })
    .execute();
}

export const findToken = (db: Db, purpose: TokenPurpose, tokenHash: string) =>
  db
    .selectFrom('account_tokens')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();

/** The newest unused one-time code of a user for a purpose. */
export const latestOpenToken = (db: Db, userId: number, purpose: TokenPurpose) =>
  db
    .selectFrom('account_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();

/** Uses a token once: only the first of two concurrent uses gets true. */
export async function useToken(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countTokenAttempt(db: Db, id: number): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .execute();
}

/** Voids every unused token of a purpose (a newer one replaces them, or the secret they guard changed). */
export async function voidTokens(db: Db, userId: number, purpose: TokenPurpose, at: string): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export const countSessions = async (db: Db, userId: number) =>
  Number(
    (
      await db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

export interface UserListFilter {
  q: string;
  role: Role | '';
  limit: number;
  offset: number;
}

function filtered(db: Db, f: Pick<UserListFilter, 'q' | 'role'>) {
  let query = db.selectFrom('users').where('status', '!=', 'deleted');
  if (f.role) query = query.where('role', '=', f.role);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('name', 'like', sql<string>`${like} escape '\\'`),
        eb('email', 'like', sql<string>`${like} escape '\\'`),
        eb('phone', 'like', sql<string>`${like} escape '\\'`),
      ]),
    );
  }
  return query;
}

export async function listUsers(db: Db, f: UserListFilter) {
  const rows = await filtered(db, f)
    .select(['id', 'name', 'email', 'phone', 'role', 'status', 'email_verified_at', 'phone_verified_at', 'created_at'])
    .orderBy('id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const { n } = await filtered(db, f)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(n) };
}

/** Deletes what can no longer matter; returns how many rows of each. */
export async function purgeStale(db: Db, at: { now: string; rateWindowsBefore: string; tokensBefore: string }) {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', at.now).executeTakeFirst();
  // Every rule's window is at most a day long.
  const rateLimits = await db
    .deleteFrom('rate_limits')
    .where('window_start', '<', at.rateWindowsBefore)
    .executeTakeFirst();
  const tokens = await db
    .deleteFrom('account_tokens')
    .where((eb) => eb.or([eb('used_at', '<', at.tokensBefore), eb('expires_at', '<', at.tokensBefore)]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    rateLimits: Number(rateLimits.numDeletedRows),
    tokens: Number(tokens.numDeletedRows),
  };
}

// Sessions (src/auth/session.ts) ------------------------------------------------------------

export async function insertSession(
  db: Db,
  s: { id: string; user_id: number; expires_at: string; created_at: string },
): Promise<void> {
  await db.insertInto('sessions').values(s).execute();
}

/** A session by its id (the token's hash), with the user it signs in. */
export const findSessionWithUser = (db: Db, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sid',
      'sessions.expires_at',
      'users.id',
      'users.name',
      'users.email',
      'users.role',
      'users.status',
      'users.profile_complete',
      'users.email_verified_at',
      'users.phone_verified_at',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();

export async function extendSession(db: Db, id: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Of these session ids, the ones that still exist and expire after `now`. */
export async function unexpiredSessionIds(db: Db, ids: string[], now: string): Promise<string[]> {
  const rows = await db
    .selectFrom('sessions')
    .select('id')
    .where('id', 'in', ids)
    .where('expires_at', '>', now)
    .execute();
  return rows.map((r) => r.id);
}
