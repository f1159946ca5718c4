import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Role, UserStatus } from '../auth/tables.js';

type Db = Kysely<Database>;

export interface CustomerHitRow {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: Role;
  status: UserStatus;
}

/**
 * Users whose name, email or phone match an FTS5 expression (crm_customers_fts, migration
 * 0057), newest account first. FTS5 hands rows out in rowid order and takes ORDER BY rowid
 * DESC itself, so LIMIT stops the search after `limit` matches instead of ranking them all.
 */
export async function searchCustomers(db: Db, match: string, limit: number): Promise<CustomerHitRow[]> {
  const r = await sql<CustomerHitRow>`
    select u.id, u.name, u.email, u.phone, u.role, u.status
    from (select rowid as id from crm_customers_fts where crm_customers_fts match ${match} order by rowid desc limit ${limit}) f
    join users u on u.id = f.id
    order by u.id desc`.execute(db);
  return r.rows;
}

export function findCustomer(db: Db, id: number): Promise<CustomerHitRow | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'phone', 'role', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}
