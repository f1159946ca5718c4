import { sql, type Kysely } from 'kysely';

/**
 * The agents' customer search (issue 17): an FTS5 index of every user's name, email and phone,
 * rowid = users.id, kept exact by triggers on users (so an edit or an erasure anywhere is
 * searchable at once). The phone column holds the number's digits and its last ten (the
 * national number), so "98123" and "+91 98123" both find +919812345678 by prefix. The prefix
 * indexes (2 and 3 characters) make short prefix queries direct. Also an index on the outbox's
 * recipient: the customer page's message timeline.
 */
const PHONE = (p: string) => sql.raw(`coalesce(replace(${p}.phone, '+', '') || ' ' || substr(${p}.phone, -10), '')`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create virtual table crm_customers_fts using fts5(name, email, phone, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`.execute(
    db,
  );
  await sql`insert into crm_customers_fts(rowid, name, email, phone) select id, name, email, ${PHONE('users')} from users`.execute(
    db,
  );
  await sql`create trigger crm_customers_ai after insert on users begin
    insert into crm_customers_fts(rowid, name, email, phone) values (new.id, new.name, new.email, ${PHONE('new')});
  end`.execute(db);
  await sql`create trigger crm_customers_au after update of name, email, phone on users begin
    delete from crm_customers_fts where rowid = old.id;
    insert into crm_customers_fts(rowid, name, email, phone) values (new.id, new.name, new.email, ${PHONE('new')});
  end`.execute(db);
  await sql`create trigger crm_customers_ad after delete on users begin
    delete from crm_customers_fts where rowid = old.id;
  end`.execute(db);
  await db.schema.createIndex('outbox_recipient').on('outbox').columns(['recipient', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_recipient').execute();
  await sql`drop trigger crm_customers_ad`.execute(db);
  await sql`drop trigger crm_customers_au`.execute(db);
  await sql`drop trigger crm_customers_ai`.execute(db);
  await sql`drop table crm_customers_fts`.execute(db);
}
