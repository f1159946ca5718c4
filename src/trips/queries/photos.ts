import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';

type Db = Kysely<Database>;

/** The SQL of a trip's photos and of photos waiting for a form's save. */

export async function tripImages(db: Db, tripId: number) {
  return db
    .selectFrom('trip_images')
    .selectAll()
    .where('trip_id', '=', tripId)
    .orderBy('is_cover', 'desc')
    .orderBy('position')
    .orderBy('id')
    .execute();
}
export async function insertImage(
  db: Db,
  row: { trip_id: number; key: string; width: number; height: number; position: number; is_cover: number },
) {
  const r = await db.insertInto('trip_images').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteImages(db: Db, tripId: number, ids: number[]) {
  if (ids.length === 0) return;
  await db.deleteFrom('trip_images').where('trip_id', '=', tripId).where('id', 'in', ids).execute();
}

export async function setCover(db: Db, tripId: number, imageId: number | null) {
  await db.updateTable('trip_images').set({ is_cover: 0 }).where('trip_id', '=', tripId).execute();
  if (imageId !== null)
    await db
      .updateTable('trip_images')
      .set({ is_cover: 1 })
      .where('trip_id', '=', tripId)
      .where('id', '=', imageId)
      .execute();
}

// ---------------------------------------------------------------------------------------
// Photos waiting for the save

export async function insertPendingPhotos(
  db: Db,
  rows: { key: string; owner_id: number; width: number; height: number; created_at: string }[],
) {
  if (rows.length) await db.insertInto('pending_photos').values(rows).execute();
}

/** The owner's pending photos among `keys` stored at or after `since`. */
export async function pendingPhotos(db: Db, ownerId: number, keys: string[], since: string) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('pending_photos')
    .select(['key', 'width', 'height'])
    .where('owner_id', '=', ownerId)
    .where('key', 'in', keys)
    .where('created_at', '>=', since)
    .execute();
}

/** Removes the owner's pending photos among `keys` (stored at or after `since`, when given) and returns them. */
export async function takePendingPhotos(db: Db, ownerId: number, keys: string[], since?: string) {
  if (keys.length === 0) return [];
  let q = db.deleteFrom('pending_photos').where('owner_id', '=', ownerId).where('key', 'in', keys);
  if (since) q = q.where('created_at', '>=', since);
  return q.returning(['key', 'width', 'height']).execute();
}

/** Removes every pending photo stored before `before` and returns them. */
export async function takeStalePendingPhotos(db: Db, before: string) {
  return db.deleteFrom('pending_photos').where('created_at', '<', before).returning(['key', 'width']).execute();
}

/** Which of `keys` some trip uses. */
export async function attachedImageKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('trip_images').select('key').distinct().where('key', 'in', keys).execute();
  return new Set(rows.map((r) => r.key));
}

/** Every photo (on a trip or waiting for a save) whose largest stored version is wider than `width`, once per key. */
export async function photosWiderThan(db: Db, width: number) {
  return db
    .selectFrom('trip_images')
    .select(['key', 'width'])
    .where('width', '>', width)
    .union(db.selectFrom('pending_photos').select(['key', 'width']).where('width', '>', width))
    .execute();
}
