import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { Conflict, NotFoundError } from '../lib/errors.js';
import { getSettings } from '../lib/settings.js';
import { enqueue } from '../notifications/outbox.js';
import * as emails from '../../views/admin/emails.js';
import { PER_PAGE, paged } from './paging.js';
import * as q from './queries.js';
import type { TripFilter } from './schemas.js';
import type { OrganizerChoice } from './types.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config' | 'log'>;

export async function tripsPage(deps: Pick<Deps, 'db'>, f: TripFilter) {
  const [found, orgs] = await Promise.all([q.listTrips(deps.db, f, PER_PAGE), q.organizers(deps.db)]);
  return { ...paged(found, f.page), organizers: orgs as OrganizerChoice[] };
}

async function moderationMessage(deps: Ctx, trx: Deps['db'], trip: { title: string; organizer_name: string }) {
  const s = await getSettings(trx);
  return {
    brand: s.platformName,
    name: trip.organizer_name,
    title: trip.title,
    link: `${deps.config.publicUrl}/organizer/trips`,
    contact: [s.contactEmail, s.contactPhone].filter(Boolean).join(', '),
  };
}

/**
 * An admin takes an active trip out of discovery, with a reason the organizer is emailed (in
 * the same transaction). The organizer cannot publish it again; only an admin reactivates it.
 */
export async function deactivateTrip(deps: Ctx, actor: Actor, id: number, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await q.tripWithOrganizer(trx, id);
    if (!trip) throw new NotFoundError();
    if (trip.moderated_at) throw new Conflict('This trip is already deactivated by an admin.');
    const now = isoNow(deps.clock);
    if (!(await q.moderateTrip(trx, id, reason, now)))
      throw new Conflict(`Only an active trip can be deactivated; this one is ${trip.status}.`);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'trip.deactivated_by_admin',
      targetType: 'trip',
      targetId: id,
      before: { status: trip.status },
      after: { status: 'inactive', reason },
    });
    const m = { ...(await moderationMessage(deps, trx, trip)), reason };
    if (trip.organizer_status !== 'deleted')
      await enqueue(trx, deps, {
        channel: 'email',
        to: trip.organizer_email,
        template: 'trip-deactivated',
        subject: emails.tripDeactivatedSubject(m),
        text: emails.tripDeactivatedText(m),
        html: emails.tripDeactivatedHtml(m),
      });
  });
}

export async function reactivateTrip(deps: Ctx, actor: Actor, id: number, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const trip = await q.tripWithOrganizer(trx, id);
    if (!trip) throw new NotFoundError();
    if (trip.organizer_status === 'deleted') throw new Conflict('The organizer of this trip was deleted.');
    if (!(await q.unmoderateTrip(trx, id, isoNow(deps.clock))))
      throw new Conflict('Only a trip an admin deactivated can be reactivated here.');
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'trip.reactivated_by_admin',
      targetType: 'trip',
      targetId: id,
      before: { status: 'inactive', reason: trip.moderation_reason },
      after: { status: 'active', reason },
    });
    const m = { ...(await moderationMessage(deps, trx, trip)), reason };
    await enqueue(trx, deps, {
      channel: 'email',
      to: trip.organizer_email,
      template: 'trip-reactivated',
      subject: emails.tripReactivatedSubject(m),
      text: emails.tripReactivatedText(m),
      html: emails.tripReactivatedHtml(m),
    });
  });
}
