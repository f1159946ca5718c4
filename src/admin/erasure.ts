import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { emptyWal } from '../lib/storage.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { IMAGE_WIDTHS, removeImage } from '../lib/images.js';
import { istDate } from '../lib/time.js';
import { eraseNotificationsOf } from '../notifications/service.js';
import { eraseReviewText } from '../reviews/service.js';
import { eraseTicketText } from '../support/tickets.js';
import * as q from './queries.js';
import type { ErasureSubject } from './types.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config' | 'log'>;

export async function erasureSubject(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  id: number,
): Promise<ErasureSubject> {
  const u = await q.userForErasure(deps.db, id);
  if (!u || u.status === 'deleted') throw new NotFoundError();
  if (u.id === actor.id) throw new Conflict('You cannot delete your own account; ask another admin.');
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    phone: u.phone,
    role: u.role,
    openBookings: await q.openBookingsOf(deps.db, id, istDate(deps.clock.now())),
  };
}

const ERASED = '[erased]';
const nationalDigits = (phone: string) => (phone.startsWith('+91') ? phone.slice(3) : phone.replace(/^\+/, ''));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Message tables, where the person's name is swept too (elsewhere a short name could match a trip's words). */
const MESSAGE_COLUMNS = new Set([
  'outbox.payload',
  'dev_messages.subject',
  'dev_messages.text',
  'dev_messages.html',
  // Other people's in-app notifications name them too ("New booking from …").
  'notifications.title',
  'notifications.body',
]);

/**
 * Deletes a person with erasure: the account becomes a "Deleted user" placeholder (name,
 * email, phone, photo, bio, organizer profile, UPI ID gone), they are signed out everywhere
 * and their Google link removed; what they typed on their bookings (guests, special
 * requests), their UPI screenshots and every message to them are removed. Then every TEXT
 * column of every table is swept for their old email and phone (and, in messages, their
 * name). Bookings, payments, refunds and charges keep their amounts: an organizer's earnings
 * add up as before. Refused while they have bookings that are not over (cancel them first).
 * An erased organizer's trips become inactive (out of discovery for good); their bookings stay.
 */
export async function eraseUser(deps: Ctx, actor: Actor, id: number, confirm: string): Promise<void> {
  const subject = await erasureSubject(deps, actor, id);
  if (confirm !== subject.email.toLowerCase())
    throw new DomainError(`Type the account's email (${subject.email}) to confirm.`, 'confirm');
  if (subject.openBookings > 0)
    throw new Conflict(
      `This account has ${subject.openBookings} booking(s) that are not over yet. Cancel them (or wait until their trips end) first.`,
    );
  // Every connection deletes securely (db.ts): what the transaction replaces is overwritten.
  const files = await eraseRows(deps, actor, id);
  // Older versions of the pages (WAL frames from before) go too.
  if (!(await emptyWal(deps.db)))
    deps.log.warn(
      'erasure: the WAL could not be emptied (busy); older page versions stay in it until the next checkpoint',
    );
  // Files go once the rows that point at them are gone (a failed transaction leaves both).
  if (files.photo) await removeImage(deps.config.dataDir, files.photo, files.photoWidth ? [files.photoWidth] : [320]);
  for (const p of files.proofs) {
    // Screenshots are stored at 640 and 1280 px (never wider than sent); older ones sat in public uploads.
    const widths = [...new Set([640, 1280].map((w) => Math.min(w, p.width)))];
    await removeImage(deps.config.dataDir, p.key, widths, 'proofs');
    await removeImage(deps.config.dataDir, p.key, widths, 'public');
  }
  for (const i of files.ticketImages) await removeImage(deps.config.dataDir, i.key, i.widths, 'proofs');
  for (const p of files.pending)
    await removeImage(deps.config.dataDir, p.key, [...new Set([...IMAGE_WIDTHS, Math.min(p.width, 320)])]);
}

/** The erasure's one transaction; returns the files to delete once it has committed. */
function eraseRows(deps: Ctx, actor: Actor, id: number) {
  return deps.db.transaction().execute(async (trx) => {
    const u = (await q.userForErasure(trx, id))!;
    const proofs = await q.proofScreenshotsOf(trx, id);
    const pending = await q.pendingPhotosOf(trx, id);
    await q.eraseAccountRows(trx, u, isoNow(deps.clock));
    // Review titles, comments, replies and report details are free text: replaced whole, the ratings kept.
    await eraseReviewText(trx, deps.clock, id);
    const ticketImages = await eraseTicketText(trx, deps.clock, id);
    await eraseNotificationsOf(trx, id);
    // The national digits are inside the E.164 number too: searching for them finds both.
    const needles = [u.email, ...(u.phone ? [nationalDigits(u.phone)] : [])];
    const nameRe = u.name.trim().length >= 4 ? new RegExp(escapeRe(u.name.trim()), 'gi') : null;
    const re = new RegExp([u.email, ...(u.phone ? [u.phone] : []), ...needles.slice(1)].map(escapeRe).join('|'), 'gi');
    const nameNeedle = nameRe ? [u.name.trim()] : [];
    for (const { table, columns } of await q.textColumns(trx)) {
      const inMessages = (c: string) => nameRe !== null && MESSAGE_COLUMNS.has(`${table}.${c}`);
      const find = columns.some(inMessages) ? [...needles, ...nameNeedle] : needles;
      for (const row of await q.rowsMentioning(trx, table, columns, find)) {
        // A counter keyed by the address (rate limits) is deleted, not renamed: keys must stay unique.
        if (table === 'rate_limits') {
          await q.deleteRow(trx, table, row.rid);
          continue;
        }
        const changed: Record<string, string> = {};
        for (const c of columns) {
          const before = row[c];
          if (typeof before !== 'string') continue;
          let after = before.replace(re, ERASED);
          if (inMessages(c)) after = after.replace(nameRe!, ERASED);
          if (after !== before) changed[c] = after;
        }
        if (Object.keys(changed).length > 0) await q.setCells(trx, table, row.rid, changed);
      }
    }
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'user.erased',
      targetType: 'user',
      targetId: id,
      before: { role: u.role, status: u.status },
      after: { status: 'deleted' },
    });
    return { photo: u.photo, photoWidth: u.photo_width, proofs, pending, ticketImages };
  });
}
