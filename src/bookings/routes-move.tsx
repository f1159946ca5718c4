import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import type { FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { formatPaise } from '../lib/money.js';
import { formatDay } from '../lib/time.js';
import { page } from '../render.js';
import type { GuestValues } from '../../views/bookings/book.js';
import { MovePage, ParticipantsPage } from '../../views/bookings/move.js';
import { moveBooking, moveChoices } from './move.js';
import { editParticipants, participantsToEdit } from './participants.js';
import { moveForm, participantsForm } from './schemas.js';
import { guestValues, participantsOf } from './guest-rows.js';
import { movePaymentRoutes } from './routes-move-payment.js';

/** Moving a booking to another departure (the traveler's and the organizer's form, paying for it) and editing its participants. */
export const moveRoutes = new Hono<AppEnv>();

type C = Context<AppEnv>;

// ------------------------------------------------------------ moves and participants

type Side = 'traveler' | 'organizer';
const renderMove = async (c: C, side: Side, errors: FieldErrors = {}, status: 200 | 409 | 422 = 200) => {
  const d = await moveChoices(c.get('deps'), actor(c), idParam(c), side);
  return page(c, <MovePage {...d} side={side} errors={errors} />, { title: `Move ${d.booking.code}`, status });
};

/** The move to another departure, by the traveler (fee, cut-off) or the organizer (neither): same form, same verb. */
async function postMove(c: C, side: Side, to: number, done: string) {
  const r = await tryForm(() => moveBooking(c.get('deps'), actor(c), idParam(c), to, side));
  if (!r.ok) return renderMove(c, side, r.errors, r.status === 409 ? 409 : 422);
  if (r.value.duePaise)
    return redirectWith(
      c,
      `/bookings/${idParam(c)}/move/pay`,
      `Pay ${formatPaise(r.value.duePaise)} to complete the move to ${formatDay(r.value.startDate)}; your booking stays on its date until then.`,
    );
  return redirectWith(c, done, `Booking moved to ${formatDay(r.value.startDate)}.`);
}

moveRoutes.get('/bookings/:id/move', requirePermission('bookings:create'), (c) => renderMove(c, 'traveler'));
moveRoutes.post(
  '/bookings/:id/move',
  requirePermission('bookings:create'),
  zValidator(
    'form',
    moveForm,
    formHook((c, _values, errors) => renderMove(c, 'traveler', errors, 422)),
  ),
  (c) => postMove(c, 'traveler', c.req.valid('form').departure, `/bookings/${idParam(c)}`),
);
moveRoutes.get('/organizer/bookings/:id/move', requirePermission('bookings:verify'), (c) => renderMove(c, 'organizer'));
moveRoutes.post(
  '/organizer/bookings/:id/move',
  requirePermission('bookings:verify'),
  zValidator(
    'form',
    moveForm,
    formHook((c, _values, errors) => renderMove(c, 'organizer', errors, 422)),
  ),
  (c) => postMove(c, 'organizer', c.req.valid('form').departure, '/organizer/bookings'),
);

const renderParticipants = async (
  c: C,
  values?: GuestValues,
  errors: FieldErrors = {},
  status: 200 | 409 | 422 = 200,
) => {
  const d = await participantsToEdit(c.get('deps'), actor(c), idParam(c));
  const shown = values ?? {
    name: d.participants.map((x) => x.name),
    phone: d.participants.map((x) => x.phone),
    age: d.participants.map((x) => String(x.age)),
    diet: d.participants.map((x) => x.dietary),
    requests: '',
  };
  const props = { booking: d.booking, values: shown, lastDay: d.lastDay, open: d.open, errors };
  return page(c, <ParticipantsPage {...props} />, { title: `Participants ${d.booking.code}`, status });
};

moveRoutes.get('/bookings/:id/participants', requirePermission('bookings:create'), (c) => renderParticipants(c));
moveRoutes.post(
  '/bookings/:id/participants',
  requirePermission('bookings:create'),
  zValidator(
    'form',
    participantsForm,
    formHook(async (c, _values, errors) =>
      renderParticipants(c, guestValues(await c.req.parseBody({ all: true })), errors, 422),
    ),
  ),
  async (c) => {
    const f = c.req.valid('form');
    const people = participantsOf(f);
    const r = await tryForm(() => editParticipants(c.get('deps'), actor(c), idParam(c), people));
    if (!r.ok)
      return renderParticipants(
        c,
        guestValues(await c.req.parseBody({ all: true })),
        r.errors,
        r.status === 409 ? 409 : 422,
      );
    return redirectWith(c, `/bookings/${idParam(c)}`, 'Participants saved.');
  },
);

moveRoutes.route('/', movePaymentRoutes);
