import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { addMs, DAY, HOUR, isoNow, MINUTE } from '../lib/clock.js';
import { Conflict, DomainError } from '../lib/errors.js';
import { getSettings } from '../lib/settings.js';
import { tx } from '../lib/transaction.js';
import { moveToStore, readUpload, removeImage, storeImage, uploadKey } from '../lib/images.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import type { BookingRow } from './queries.js';
import * as qp from './queries-upi-proofs.js';
import * as qr from './queries-upi-retries.js';
import * as lifecycle from './lifecycle.js';
import { bookingFor, ownBooking, payable } from './access.js';
import { message } from './messages.js';
import { balanceOf, dueNow } from './deposits.js';
import { toPayable, toProofRecord } from './rows.js';
import { randomToken } from '../lib/tokens.js';
import type { KeptScreenshot } from './types.js';

/** Paying a booking by UPI: the payment page, the traveler's proof (UTR and screenshot), the screenshots' keeping. */

/** The UPI app link paying `amount` (what the booking asks now, unless told) to its organizer. */
export function upiLink(b: BookingRow, amount = dueNow(b)): string | null {
  if (!b.upi_id) return null;
  const p = new URLSearchParams({
    pa: b.upi_id,
    pn: b.org_display_name ?? b.organizer_name,
    am: (amount / 100).toFixed(2),
    tn: b.code,
    cu: 'INR',
  });
  return `upi://pay?${p.toString().replace(/\+/g, '%20')}`;
}

/** The payment page's subject: the booking, how it can be paid, and the proof waiting with the organizer or last rejected. */
export async function paymentPage(deps: Deps, actor: Actor, bookingId: number) {
  const b = await ownBooking(deps, actor, bookingId);
  const proofs = (await q.proofsOf(deps.db, bookingId)).map(toProofRecord);
  return {
    booking: toPayable(b),
    upiLink: upiLink(b),
    pendingProof: proofs.find((x) => x.status === 'pending') ?? null,
    rejectedProof: [...proofs].reverse().find((x) => x.status === 'rejected') ?? null,
    gatewayMode: deps.payments.mode,
    /** How long the organizer has to decide on a proof (the seats stay held that long). */
    proofHoldMinutes: (await getSettings(deps.db)).proofHoldMinutes,
    kept: await keptFor(deps, actor, b.id),
  };
}

const PROOF_WIDTHS = [640, 1280] as const;
/** The widths a screenshot was stored at: each of PROOF_WIDTHS, never wider than the original. */
const proofWidths = (p: { screenshot_width: number }) => [
  ...new Set(PROOF_WIDTHS.map((w) => Math.min(w, p.screenshot_width))),
];
/** How long a rejected proof's screenshot is kept (for a dispute); its record stays for good. */
const REJECTED_SCREENSHOT_DAYS = 30;

/**
 * A UPI payment screenshot, for those who may see its booking (its traveler, its organizer,
 * agents, admins); a 404 for anyone else, and null for any other name.
 */
export async function proofScreenshot(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  name: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const b = await bookingFor(deps, actor, bookingId);
  const key = uploadKey(name);
  if (!key || !(await q.proofsOf(deps.db, b.id)).some((p) => p.screenshot_key === key)) return null;
  return readUpload(deps.config.dataDir, name, 'proofs');
}

/**
 * Nightly: screenshots of proofs rejected over 30 days ago are deleted (the proof's record,
 * UTR and amount stay, so money that turns up later can still be matched), and screenshots
 * stored as public uploads by older versions move to the private store. Safe to run twice.
 */
export async function tidyProofScreenshots(
  deps: Deps,
): Promise<{ removed: number; moved: number; keptExpired: number }> {
  const before = addMs(deps.clock.now(), -REJECTED_SCREENSHOT_DAYS * DAY).toISOString();
  let moved = 0;
  for (const p of await qp.proofScreenshots(deps.db))
    moved += await moveToStore(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  const rejected = await qp.proofsRejectedBefore(deps.db, before);
  for (const p of rejected) await removeImage(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  return { removed: rejected.length, moved, keptExpired: await forgetExpiredKeptScreenshots(deps) };
}

/**
 * The traveler paid by UPI: store the screenshot, queue it for the organizer, extend the hold.
 * A UTR already on another booking's proof (anyone's) is queued too, flagged, but does not
 * extend the hold: one transfer cannot keep several bookings' seats off sale. The screenshot is a
 * new file, or `{ kept }`, the reference of one kept from an earlier try (keepProofScreenshot),
 * honoured only for this booking and this user within its hour. A new file is kept first, so a
 * try refused here still spares the traveler a second upload.
 */
export async function submitUpiProof(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  utr: string,
  screenshot: File | { kept: string },
): Promise<{ duplicate: boolean; holdExpiresAt: string | null }> {
  const b = await ownBooking(deps, actor, bookingId);
  payable(deps, b);
  if (!b.upi_id) throw new Conflict('This organizer does not take UPI payments. Please pay online.');
  if (await qp.pendingProofOf(deps.db, bookingId))
    throw new Conflict('Your payment proof is already with the organizer.', 'utr');
  const img =
    screenshot instanceof File
      ? await keep(deps, actor.id, bookingId, screenshot)
      : await qr.keptScreenshot(deps.db, screenshot.kept, bookingId, actor.id, isoNow(deps.clock));
  const lost = () => new DomainError('Your earlier screenshot is no longer kept. Choose it again.', 'screenshot');
  if (!img) throw lost();
  const { proofHoldMinutes } = await getSettings(deps.db);
  const sent = await tx(deps.db, async (trx) => {
    const cur = await q.findBooking(trx, bookingId);
    if (!cur || (cur.status !== 'pending' && balanceOf(cur) === 0))
      throw new Conflict('This booking can no longer be paid. Book again if seats are left.');
    const amount = dueNow(cur);
    // Again inside the transaction: two submissions at once (a double tap) make one proof.
    if (await qp.pendingProofOf(trx, bookingId))
      throw new Conflict('Your payment proof is already with the organizer.', 'utr');
    // The kept screenshot becomes the proof's: used once.
    if (!(await qr.deleteKeptScreenshot(trx, img.id))) throw lost();
    const duplicate = !!(await qp.utrUsedElsewhere(trx, utr, bookingId));
    const now = deps.clock.now();
    await qp.insertProof(trx, {
      booking_id: bookingId,
      utr,
      screenshot_key: img.screenshot_key,
      screenshot_width: img.screenshot_width,
      screenshot_height: img.screenshot_height,
      amount_paise: amount,
      duplicate_utr: duplicate ? 1 : 0,
      reason: null,
      decided_by: null,
      decided_at: null,
      created_at: now.toISOString(),
    });
    if (cur.status === 'confirmed') await lifecycle.awaitBalanceProof(trx, cur, now.toISOString());
    else if (!duplicate)
      await lifecycle.awaitProof(trx, cur, addMs(now, proofHoldMinutes * MINUTE).toISOString(), now.toISOString());
    await message(deps, trx, 'payment-proof-received', bookingId, { duplicateUtr: duplicate });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.proof_submitted',
      targetType: 'booking',
      targetId: bookingId,
      after: {
        utr,
        amount_paise: amount,
        ...(cur.status === 'confirmed' ? { balance: true } : {}),
        duplicate,
        ...(duplicate ? { hold_kept_until: cur.hold_expires_at } : {}),
      },
    });
    return { duplicate, holdExpiresAt: cur.hold_expires_at };
  });
  await bookingChanged(deps, b);
  return sent;
}

// ---------------------------------------------------------------- screenshots kept between tries
//
// Browsers never refill a file input, so a proof form that goes back (a bad UTR) would ask for a
// second upload over the same weak network. The screenshot is stored at once and kept, for an
// hour, under a random reference the form carries; the reference counts only with the booking and
// the signed-in user it was kept for (a kept_proof_screenshots row), never alone.

/** How long a screenshot that came with a form sent back is kept for the next try. */
const KEPT_SCREENSHOT_TTL = HOUR;

export const toKept = (k: { id: string; file_name: string; expires_at: string }): KeptScreenshot => ({
  ref: k.id,
  fileName: k.file_name,
  expiresAt: k.expires_at,
});

/** Stores the screenshot and keeps it for this booking and user, replacing (and deleting) any kept before. */
export async function keep(deps: Deps, userId: number, bookingId: number, file: File) {
  const img = await storeImage(deps.config.dataDir, file, 'screenshot', PROOF_WIDTHS, 'proofs');
  const now = deps.clock.now();
  const row = {
    id: randomToken(),
    booking_id: bookingId,
    user_id: userId,
    screenshot_key: img.key,
    screenshot_width: img.width,
    screenshot_height: img.height,
    file_name: file.name.trim().slice(0, 100) || 'screenshot',
    created_at: now.toISOString(),
    expires_at: addMs(now, KEPT_SCREENSHOT_TTL).toISOString(),
  };
  const before = await qr.keptScreenshotsOf(deps.db, bookingId, userId);
  const replaced = await tx(deps.db, async (trx) => {
    const gone: typeof before = [];
    for (const k of before) if (await qr.deleteKeptScreenshot(trx, k.id)) gone.push(k);
    await qr.insertKeptScreenshot(trx, row);
    return gone;
  });
  for (const k of replaced) await removeImage(deps.config.dataDir, k.screenshot_key, proofWidths(k), 'proofs');
  return row;
}

/**
 * The screenshot of a proof form that goes back with errors (a bad UTR): stored and kept for the
 * next try. A DomainError on `screenshot` when the file will not do; null when the booking takes
 * no UPI proof now (the form is not shown again).
 */
export async function keepProofScreenshot(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  file: File,
): Promise<KeptScreenshot | null> {
  const b = await ownBooking(deps, actor, bookingId);
  if ((b.status !== 'pending' && balanceOf(b) === 0) || !b.upi_id) return null;
  return toKept(await keep(deps, actor.id, b.id, file));
}

/** This user's screenshot kept for this booking, if one is. */
export async function keptFor(deps: Deps, actor: Actor, bookingId: number): Promise<KeptScreenshot | null> {
  const k = await qr.latestKeptScreenshot(deps.db, bookingId, actor.id, isoNow(deps.clock));
  return k ? toKept(k) : null;
}

/** Kept screenshots past their hour go, rows and files (with the nightly screenshot tidy-up). */
async function forgetExpiredKeptScreenshots(deps: Deps): Promise<number> {
  let n = 0;
  for (const k of await qr.expiredKeptScreenshots(deps.db, isoNow(deps.clock))) {
    if (!(await qr.deleteKeptScreenshot(deps.db, k.id))) continue;
    await removeImage(deps.config.dataDir, k.screenshot_key, proofWidths(k), 'proofs');
    n++;
  }
  return n;
}
