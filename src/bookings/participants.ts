import type { Actor } from '../auth/permissions.js';
import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { Conflict, DomainError } from '../lib/errors.js';
import { formatDay, istDate } from '../lib/time.js';
import { tx } from '../lib/transaction.js';
import * as q from './queries.js';
import * as qm from './queries-moves.js';
import type { BookingRow } from './queries.js';
import { ownBooking } from './access.js';
import { lastDayOf } from './move.js';
import { toDetails } from './rows.js';
import type { Participant } from './types.js';

/** The participants' names and details, which the traveler may edit until the trip's move cut-off (a seat passed to a friend). */

/** The participants' form: the booking, its people, and whether they can still be edited. */
export async function participantsToEdit(deps: Deps, actor: Actor, bookingId: number) {
  const b = await ownBooking(deps, actor, bookingId);
  const lastDay = lastDayOf(b);
  return {
    booking: toDetails(b),
    participants: (await q.participantsOf(deps.db, b.id)) as Participant[],
    lastDay,
    open: editable(b, istDate(deps.clock.now())),
  };
}

const editable = (b: BookingRow, today: string) =>
  (b.status === 'confirmed' || b.status === 'pending') && today <= lastDayOf(b);

/** The traveler rewrites their participants' details (a seat passed to a friend) until the cut-off. */
export async function editParticipants(
  deps: Deps,
  actor: Actor,
  bookingId: number,
  people: { name: string; phone: string; age: number; dietary: string }[],
): Promise<void> {
  await ownBooking(deps, actor, bookingId);
  await tx(deps.db, async (trx) => {
    const b = (await q.findBooking(trx, bookingId))!;
    if (!editable(b, istDate(deps.clock.now())))
      throw new Conflict(
        b.status === 'confirmed' || b.status === 'pending'
          ? `Participants could be changed until ${formatDay(lastDayOf(b))}; ask the organizer.`
          : 'This booking can no longer be changed.',
      );
    const before = await q.participantsOf(trx, b.id);
    if (people.length !== before.length)
      throw new DomainError(`Give the details of all ${before.length} guests.`, 'name');
    for (const [i, p] of people.entries())
      await qm.updateParticipant(trx, b.id, { ...p, position: before[i].position });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'booking.participants_edited',
      targetType: 'booking',
      targetId: b.id,
      before: before.map((p) => p.name),
      after: people.map((p) => p.name),
    });
  });
}
