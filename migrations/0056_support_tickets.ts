import { sql, type Kysely } from 'kysely';

/**
 * The support desk (issue 17).
 * - support_tickets: one conversation between a customer and the agents, optionally about one
 *   of the customer's bookings. waiting_since is set while the ticket waits on the customer
 *   (the auto-close job closes it 7 days later); first_response_at and first_responder_id are the first
 *   agent reply (agent stats); rating is given once, after the ticket was resolved.
 * - support_messages: the thread. kind 'note' is an agents-only internal note; images is a JSON
 *   list of stored image keys (private store, served through a checked route).
 * - saved_replies: texts agents insert into a reply.
 * The queue reads every filter oldest first from an index in that order, so a page stops after
 * 50 rows instead of sorting every match: the active set by a generated column `active`, a
 * single status by (status, created_at), mine/unassigned by assignee first, tickets about a
 * booking by a partial index (bench/support.bench.ts prints the plans).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('support_tickets')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('customer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('booking_id', 'integer', (c) => c.references('bookings.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open','in_progress','waiting','resolved','closed')`),
    )
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id'))
    .addColumn('waiting_since', 'text')
    .addColumn('first_response_at', 'text')
    .addColumn('first_responder_id', 'integer', (c) => c.references('users.id'))
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('rating', 'integer', (c) => c.check(sql`rating between 1 and 5`))
    .addColumn('rated_at', 'text')
    .addColumn('customer_seen_at', 'text')
    .addColumn('agent_seen_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // 1 while the ticket is in the agents' active queue: an index on it serves that queue in order.
    .addColumn('active', 'integer', (c) => c.generatedAlwaysAs(sql`status in ('open','in_progress','waiting')`))
    .execute();
  await db.schema
    .createIndex('support_tickets_customer')
    .on('support_tickets')
    .columns(['customer_id', 'id'])
    .execute();
  await db.schema
    .createIndex('support_tickets_status_created')
    .on('support_tickets')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_tickets_active')
    .on('support_tickets')
    .columns(['active', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_tickets_assignee_active')
    .on('support_tickets')
    .columns(['assignee_id', 'active', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_tickets_assignee')
    .on('support_tickets')
    .columns(['assignee_id', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('support_tickets_created').on('support_tickets').columns(['created_at']).execute();
  await db.schema.createIndex('support_tickets_booking').on('support_tickets').columns(['booking_id']).execute();
  await sql`create index support_tickets_with_booking on support_tickets(created_at) where booking_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('support_tickets_resolved').on('support_tickets').columns(['resolved_at']).execute();
  await sql`create index support_tickets_waiting on support_tickets(waiting_since) where status = 'waiting'`.execute(
    db,
  );

  await db.schema
    .createTable('support_messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('support_tickets.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('reply','note')`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('images', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_messages_ticket').on('support_messages').columns(['ticket_id', 'id']).execute();

  await db.schema
    .createTable('saved_replies')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_replies').execute();
  await db.schema.dropTable('support_messages').execute();
  await db.schema.dropTable('support_tickets').execute();
}
