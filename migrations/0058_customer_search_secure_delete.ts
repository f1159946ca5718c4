import { sql, type Kysely } from 'kysely';

/**
 * The customer search index forgets for real: with FTS5's secure-delete option a deleted row's
 * terms are removed from the index itself, not only marked deleted, so an erased person's phone
 * number or name does not linger inside the index's pages (issue 17: erasure).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into crm_customers_fts(crm_customers_fts, rank) values ('secure-delete', 1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`insert into crm_customers_fts(crm_customers_fts, rank) values ('secure-delete', 0)`.execute(db);
}
