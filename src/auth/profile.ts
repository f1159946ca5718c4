import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { DomainError, ForbiddenError } from '../lib/errors.js';
import { removeImage, storeImage } from '../lib/images.js';
import { channel, publish } from '../live/service.js';
import { SIGNED_OUT } from '../live/events.js';
import { getAccount } from './accounts.js';
import { hashPassword, verifyPassword } from './passwords.js';
import * as q from './queries.js';
import type { OrganizerInput, ProfileInput } from './schemas.js';
import { invalidateUserSessions } from './session.js';
import type { Role } from './tables.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

const PHOTO_WIDTHS = [320];

/** Name, bio, location and an optional new photo (the old one is removed). */
export async function updateProfile(deps: Ctx, userId: number, input: ProfileInput): Promise<void> {
  const { db, clock, config } = deps;
  const before = await getAccount(deps, userId);
  const file = input.photo instanceof File && input.photo.size > 0 ? input.photo : null;
  const photo = file ? await storeImage(config.dataDir, file, 'photo', PHOTO_WIDTHS) : null;
  try {
    await q.updateUser(db, userId, {
      name: input.name,
      bio: input.bio,
      location: input.location,
      ...(photo ? { photo: photo.key, photo_width: photo.width, photo_height: photo.height } : {}),
      updated_at: isoNow(clock),
    });
  } catch (e) {
    if (photo) await removeImage(config.dataDir, photo.key, photo.widths);
    throw e;
  }
  if (photo && before.photo)
    await removeImage(config.dataDir, before.photo, before.photo_width ? [before.photo_width] : PHOTO_WIDTHS);
}

/** A new password signs out every session; the caller starts a fresh one for this browser. */
export async function changePassword(deps: Ctx, userId: number, current: string, next: string): Promise<void> {
  const { db, clock } = deps;
  const user = await getAccount(deps, userId);
  if (user.password_hash && !(await verifyPassword(user.password_hash, current)))
    throw new DomainError('That is not your current password.', 'current');
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    const now = isoNow(clock);
    await q.updateUser(trx, userId, { password_hash: passwordHash, updated_at: now });
    await q.voidTokens(trx, userId, 'reset-password', now);
    await invalidateUserSessions(trx, userId);
  });
}

/** An organizer's public profile and the UPI ID travelers pay to. */
export async function updateOrganizerProfile(
  deps: Ctx,
  actor: { id: number; role: Role },
  input: OrganizerInput,
): Promise<void> {
  if (actor.role !== 'organizer') throw new ForbiddenError('Only organizers have a public profile.');
  await q.updateUser(deps.db, actor.id, { ...input, updated_at: isoNow(deps.clock) });
}

export async function signOutEverywhere(deps: Pick<Deps, 'db' | 'clock' | 'log'>, userId: number): Promise<void> {
  await invalidateUserSessions(deps.db, userId);
  await publish(deps, { to: channel.user(userId), event: SIGNED_OUT });
}
