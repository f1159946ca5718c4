import type { Kysely } from 'kysely';

/** /admin/audit filters by actor, by action and by object; each filter pages newest first. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_type', 'target_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['audit_log_target', 'audit_log_action', 'audit_log_actor']) await db.schema.dropIndex(i).execute();
}
