import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { addMs, DAY, MINUTE } from '../lib/clock.js';
import { Conflict } from '../lib/errors.js';
import { getSettings } from '../lib/settings.js';
import { tx } from '../lib/transaction.js';
import { moveToStore, readUpload, removeImage, storeImage, uploadKey } from '../lib/images.js';
import { bookingChanged } from '../live/service.js';
import * as q from './queries.js';
import type { BookingRow } from './queries.js';
import * as qp from './queries-upi-proofs.js';
import * as lifecycle from './lifecycle.js';
import { bookingFor, ownBooking, payable } from './access.js';
import { message } from './messages.js';
import { toPayable, toProofRecord } from './rows.js';

/** Paying a booking by UPI: the payment page, the traveler's proof (UTR and screenshot), the screenshots' keeping. */

function upiLink(
  b: Pick<BookingRow, 'upi_id' | 'org_display_name' | 'organizer_name' | 'amount_paise' | 'code'>,
): string | null {
  if (!b.upi_id) return null;
  const p = new URLSearchParams({
    pa: b.upi_id,
    pn: b.org_display_name ?? b.organizer_name,
    am: (b.amount_paise / 100).toFixed(2),
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
export async function tidyProofScreenshots(deps: Deps): Promise<{ removed: number; moved: number }> {
  const before = addMs(deps.clock.now(), -REJECTED_SCREENSHOT_DAYS * DAY).toISOString();
  let moved = 0;
  for (const p of await qp.proofScreenshots(deps.db))
    moved += await moveToStore(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  const rejected = await qp.proofsRejectedBefore(deps.db, before);
  for (const p of rejected) await removeImage(deps.config.dataDir, p.screenshot_key, proofWidths(p), 'proofs');
  return { removed: rejected.length, moved };
}

/**
 * The traveler paid by UPI: store the screenshot, queue it for the organizer, extend the hold.
 * A UTR already on another booking's proof (anyone's) is queued too, flagged, but does not
 * extend the hold: one transfer cannot keep several bookings' seats off sale.
 */
export async function submitUpiProof(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  utr: string,
  screenshot: File,
): Promise<{ duplicate: boolean; holdExpiresAt: string | null }> {
  const b = await ownBooking(deps, actor, bookingId);
  payable(deps, b);
  if (!b.upi_id) throw new Conflict('This organizer does not take UPI payments. Please pay online.');
  if (await qp.pendingProofOf(deps.db, bookingId))
    throw new Conflict('Your payment proof is already with the organizer.', 'utr');
  const img = await storeImage(deps.config.dataDir, screenshot, 'screenshot', PROOF_WIDTHS, 'proofs');
  const { proofHoldMinutes } = await getSettings(deps.db);
  const sent = await tx(deps.db, async (trx) => {
    const cur = await q.findBooking(trx, bookingId);
    if (!cur || cur.status !== 'pending')
      throw new Conflict('This booking can no longer be paid. Book again if seats are left.');
    // Again inside the transaction: two submissions at once (a double tap) make one proof.
    if (await qp.pendingProofOf(trx, bookingId))
      throw new Conflict('Your payment proof is already with the organizer.', 'utr');
    const duplicate = !!(await qp.utrUsedElsewhere(trx, utr, bookingId));
    const now = deps.clock.now();
    await qp.insertProof(trx, {
      booking_id: bookingId,
      utr,
      screenshot_key: img.key,
      screenshot_width: img.width,
      screenshot_height: img.height,
      amount_paise: cur.amount_paise,
      duplicate_utr: duplicate ? 1 : 0,
      reason: null,
      decided_by: null,
      decided_at: null,
      created_at: now.toISOString(),
    });
    if (!duplicate)
      await lifecycle.awaitProof(trx, cur, addMs(now, proofHoldMinutes * MINUTE).toISOString(), now.toISOString());
    await message(deps, trx, 'payment-proof-received', bookingId, { duplicateUtr: duplicate });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'upi.proof_submitted',
      targetType: 'booking',
      targetId: bookingId,
      after: {
        utr,
        amount_paise: cur.amount_paise,
        duplicate,
        ...(duplicate ? { hold_kept_until: cur.hold_expires_at } : {}),
      },
    });
    return { duplicate, holdExpiresAt: cur.hold_expires_at };
  });
  await bookingChanged(deps, b);
  return sent;
}
