import { sql, type Kysely } from 'kysely';

/**
 * One row that /healthz rewrites (at most once a second) to learn whether the database can be
 * written: only a commit tells whether there is room on the disk for the WAL to grow.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table storage_probe (id integer primary key check (id = 1), at text not null, pad blob not null)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_probe').execute();
}
