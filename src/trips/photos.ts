import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import type { DB } from '../db.js';
import { DomainError, type FieldErrors } from '../lib/errors.js';
import { DAY } from '../lib/clock.js';
import { addMissingWidths, removeImage, storedWidths, storeImage, type StoredImage } from '../lib/images.js';
import * as q from './queries/photos.js';
import { MAX_IMAGES } from './schemas.js';
import type { ChosenPhotos, ImageRef } from './types.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

/** Stores the uploaded photos first (outside the transaction); on any later failure they are removed. */
async function storeAll(dataDir: string, files: File[]): Promise<StoredImage[]> {
  const stored: StoredImage[] = [];
  try {
    for (const f of files) stored.push(await storeImage(dataDir, f, 'images'));
  } catch (e) {
    await Promise.all(stored.map((s) => removeImage(dataDir, s.key, s.widths)));
    throw e;
  }
  return stored;
}

// ---------------------------------------------------------------------------------------
// Photos chosen on a form that is shown again
//
// Browsers never refill a file input, so photos that arrive with a request whose answer is
// the form again ("add departure", a 422) are stored at once and carried by key in hidden
// fields until the save attaches them. A key from the form is trusted only if a
// pending_photos row says this server stored it, for this same user, within a day. A table
// rather than an HMAC-signed key: the files of photos never attached must be found and
// removed anyway, which needs a record of them; the row is deleted in the transaction that
// attaches the photo, so a key is attached once; and no secret has to be configured.

/** How long a photo waits for the save; the nightly housekeeping removes older ones. */
export const PENDING_PHOTO_TTL = DAY;
const LOST_PHOTO = 'A photo chosen earlier is no longer available. Choose it again.';

const pendingSince = (deps: Pick<Deps, 'clock'>) =>
  new Date(deps.clock.now().getTime() - PENDING_PHOTO_TTL).toISOString();

/**
 * The photos a trip form carries: the pending ones it posted back (those ticked "remove"
 * are deleted at once) followed by the files it posted, run through the image pipeline and
 * kept as pending (all of them or, if one is bad, none). `room` is how many photos the trip
 * can still take.
 */
export async function keepChosenPhotos(
  deps: Ctx,
  actor: Actor,
  chosen: { keys: string[]; remove: string[]; files: File[]; room: number },
): Promise<ChosenPhotos> {
  const removed = await q.takePendingPhotos(deps.db, actor.id, chosen.remove);
  await forgetPhotoFiles(deps, removed);
  const wanted = [...new Set(chosen.keys)].filter((k) => !chosen.remove.includes(k));
  const found = new Map((await q.pendingPhotos(deps.db, actor.id, wanted, pendingSince(deps))).map((p) => [p.key, p]));
  const photos: ImageRef[] = wanted.flatMap((k) => found.get(k) ?? []);
  const errors: FieldErrors = photos.length < wanted.length ? { images: LOST_PHOTO } : {};
  if (chosen.files.length === 0) return { photos, errors };
  if (photos.length + chosen.files.length > chosen.room) {
    return {
      photos,
      errors: { images: `A trip has at most ${MAX_IMAGES} photos. Choose fewer, or remove some first.` },
    };
  }
  let stored: StoredImage[];
  try {
    stored = await storeAll(deps.config.dataDir, chosen.files);
  } catch (e) {
    if (e instanceof DomainError) return { photos, errors: { images: e.message } };
    throw e;
  }
  try {
    const now = deps.clock.now().toISOString();
    await q.insertPendingPhotos(
      deps.db,
      stored.map((s) => ({ key: s.key, owner_id: actor.id, width: s.width, height: s.height, created_at: now })),
    );
  } catch (e) {
    await Promise.all(stored.map((s) => removeImage(deps.config.dataDir, s.key, s.widths)));
    throw e;
  }
  return { photos: [...photos, ...stored.map((s) => ({ key: s.key, width: s.width, height: s.height }))], errors };
}

/** Claims the actor's pending photos for a trip being saved (inside its transaction), in the order given. */
export async function takeChosenPhotos(
  trx: DB,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  keys: string[],
): Promise<ImageRef[]> {
  const taken = new Map((await q.takePendingPhotos(trx, actor.id, keys, pendingSince(deps))).map((p) => [p.key, p]));
  if (taken.size < keys.length) throw new DomainError(LOST_PHOTO, 'images');
  return keys.map((k) => taken.get(k)!);
}

/**
 * The photos chosen on a trip form, attached to the trip in the order chosen from `position`
 * on; the first is the cover when `coverFirst` (a new trip).
 */
export async function attachChosenPhotos(
  trx: DB,
  deps: Pick<Deps, 'clock'>,
  actor: Actor,
  tripId: number,
  keys: string[],
  position: number,
  coverFirst: boolean,
): Promise<void> {
  const photos = await takeChosenPhotos(trx, deps, actor, keys);
  for (const [i, s] of photos.entries())
    await q.insertImage(trx, {
      trip_id: tripId,
      key: s.key,
      width: s.width,
      height: s.height,
      position: position + i,
      is_cover: coverFirst && i === 0 ? 1 : 0,
    });
}

async function forgetPhotoFiles(deps: Pick<Deps, 'db' | 'config'>, photos: { key: string; width: number }[]) {
  // A key some trip uses keeps its files, whatever the pending row said.
  const used = await q.attachedImageKeys(
    deps.db,
    photos.map((p) => p.key),
  );
  await Promise.all(
    photos.filter((p) => !used.has(p.key)).map((p) => removeImage(deps.config.dataDir, p.key, storedWidths(p.width))),
  );
}

/** Housekeeping: photos stored for a form that was never saved, older than a day, with their files. */
export async function forgetUnattachedPhotos(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<number> {
  const stale = await q.takeStalePendingPhotos(deps.db, pendingSince(deps));
  await forgetPhotoFiles(deps, stale);
  return stale.length;
}

/**
 * At start: photos stored before a width was added to IMAGE_WIDTHS (960, between 640 and 1280)
 * get that version now, before the server answers, so a page never offers a width that is not
 * on disk. Once, after the upgrade, that takes about 0.4 s a photo (a noisy 2000×1333 one on 2
 * shared cores), so the first one found is logged; each later start only checks (under 1 ms a
 * photo). Returns how many files it made.
 */
export async function addMissingPhotoWidths(deps: Pick<Deps, 'db' | 'config' | 'log'>): Promise<number> {
  let made = 0;
  // A photo no wider than 640 px was stored at every width it can have.
  const photos = await q.photosWiderThan(deps.db, 640);
  for (const p of photos) {
    const added = await addMissingWidths(deps.config.dataDir, p.key, p.width);
    if (added > 0 && made === 0)
      deps.log.info({ photos: photos.length }, 'adding the photo widths new since these photos were stored (once)');
    made += added;
  }
  return made;
}
