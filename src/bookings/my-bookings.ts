import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { paymentRecordsOf, refundRecordsOf } from '../payments/orders.js';
import { getSettings } from '../lib/settings.js';
import { istDate } from '../lib/time.js';
import * as q from './queries.js';
import { bookingFor } from './access.js';
import { cancellable, policyOf, refundPreview } from './cancel.js';
import { pendingMoveFor } from './move.js';
import { payer, toDetails, toProofRecord, toSummary } from './rows.js';

/** The traveler's list of bookings, and a booking's own page. */

export async function bookingDetails(deps: Deps, actor: Actor, id: number) {
  const b = await bookingFor(deps, actor, id);
  const [participants, payments, refunds, proofs, settings] = await Promise.all([
    q.participantsOf(deps.db, id),
    paymentRecordsOf(deps.db, payer(id)),
    refundRecordsOf(deps.db, payer(id)),
    q.proofsOf(deps.db, id),
    getSettings(deps.db),
  ]);
  const preview = cancellable(b, deps.clock.now())
    ? refundPreview(b, policyOf(b.refund_policy, settings.refundPolicy), deps.clock.now())
    : null;
  return {
    booking: toDetails(b),
    participants,
    payments,
    refunds,
    proofs: proofs.map(toProofRecord),
    preview,
    pendingMove: await pendingMoveFor(deps.db, b),
    isTraveler: b.user_id === actor.id,
  };
}

export async function myBookings(deps: Deps, actor: Actor) {
  const rows = await q.bookingsOfUser(deps.db, actor.id);
  const today = istDate(deps.clock.now());
  const bookings = rows.map(toSummary);
  return {
    upcoming: bookings
      .filter((b) => (b.status === 'pending' || b.status === 'confirmed') && b.endDate >= today)
      .reverse(),
    past: bookings.filter(
      (b) => b.status === 'completed' || ((b.status === 'confirmed' || b.status === 'pending') && b.endDate < today),
    ),
    cancelled: bookings.filter((b) => b.status === 'cancelled'),
  };
}
