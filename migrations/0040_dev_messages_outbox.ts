import { sql, type Kysely } from 'kysely';

/**
 * The dev mailbox looked up "already delivered?" by outbox id with no index: a scan of every
 * stored message on each delivery. A unique index makes the lookup direct and "at most once
 * per outbox row" a rule of the database (duplicates from a race before it are dropped first;
 * they were copies of the same message).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from dev_messages where outbox_id is not null and id not in (select min(id) from dev_messages where outbox_id is not null group by outbox_id)`.execute(
    db,
  );
  await db.schema.createIndex('dev_messages_outbox').on('dev_messages').column('outbox_id').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('dev_messages_outbox').execute();
}
