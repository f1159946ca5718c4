import type { Kysely } from 'kysely';

/**
 * Photos stored while the organizer's trip form was shown again (a 422 or "add a row"),
 * waiting for the save that attaches them. Only keys found here, for the same organizer
 * and recent enough, may be attached; the nightly housekeeping removes the rest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pending_photos')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pending_photos_created').on('pending_photos').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pending_photos').execute();
}
