import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryAction, tryForm } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { formatPaise } from '../lib/money.js';
import { page, qrSvg } from '../render.js';
import { BookPage, JoinPage, type GuestValues } from '../../views/bookings/book.js';
import { BookingPage, BookingsListPage, CancelPage, PassPage } from '../../views/bookings/booking.js';
import {
  CancelDeparturePage,
  EarningsPage,
  OrganizerBookingsPage,
  VerificationsPage,
} from '../../views/bookings/organizer.js';
import { bookingFor } from './access.js';
import { bookingFormData, createBooking, joinFreeTrip, leadOf } from './book.js';
import { bookingIcs } from './calendar.js';
import { cancelBooking, cancelDepartureBookings, cancellation, departureForOrganizer } from './cancel.js';
import { bookingDetails, myBookings } from './my-bookings.js';
import { earnings, organizerBookings, participantsCsv } from './organizer.js';
import { proofScreenshot } from './upi-proofs.js';
import {
  askToResendProof,
  markManualRefund,
  rejectUpiProof,
  RESEND_HOURS,
  verificationQueue,
  verifyUpiProof,
} from './verification.js';
import {
  bookingForm,
  cancelDepartureForm,
  joinForm,
  MAX_GUESTS,
  rejectForm,
  resendForm,
  waitlistForm,
} from './schemas.js';
import { departureWaitlist, joinWaitlist, leaveWaitlist, myWaitlist, openOffer } from './waitlist.js';
import { DepartureWaitlistPage, MyWaitlistPage } from '../../views/bookings/waitlist.js';
import { moveRoutes } from './routes-move.js';
import { guestValues, participantsOf } from './guest-rows.js';

type C = Context<AppEnv>;
const departureOf = (v: unknown) => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** The booking form, filled with what was sent and the errors next to their fields. */
async function renderBookForm(
  c: C,
  departureId: number | null,
  guests: number,
  values: GuestValues,
  errors: FieldErrors,
  status: 200 | 409 | 422 = 200,
) {
  const { trip, departures, seatsLeft, deposit, offered, offerUntil, waiting } = await bookingFormData(
    c.get('deps'),
    idParam(c),
    departureId,
    actor(c),
  );
  if (trip.pricePaise === 0) {
    const props = { trip, seatsLeft, errors, offered, offerUntil, waiting };
    return page(c, <JoinPage {...props} />, { title: `Join ${trip.title}`, status });
  }
  const n = Math.max(1, Math.min(guests || 1, MAX_GUESTS, Math.max(1, seatsLeft)));
  const props = { trip, departures, seatsLeft, deposit, guests: n, values, errors, offered, offerUntil, waiting };
  return page(c, <BookPage {...props} />, { title: `Book ${trip.title}`, status, fragment: <BookPage {...props} /> });
}

/** The form again as it was posted (date, guests, everything typed), with these errors. */
async function renderPosted(c: C, errors: FieldErrors, status: 200 | 409 | 422) {
  const body = await c.req.parseBody({ all: true });
  return renderBookForm(c, departureOf(body.departure), Number(body.guests) || 1, guestValues(body), errors, status);
}

/** Booking, the traveler's pages, cancellations, the organizer's verification queue and bookings. */
export const bookingRoutes = new Hono<AppEnv>();

/** Links carry only the date and the number of guests; the guest details are filled from the account. */
bookingRoutes.get('/trips/:id/book', requirePermission('bookings:create'), async (c) => {
  const values = guestValues({}, await leadOf(c.get('deps'), actor(c)));
  return renderBookForm(c, departureOf(c.req.query('departure')), Number(c.req.query('guests')) || 1, values, {});
});

/** The form sent back for another date or number of guests: shown again with everything typed, nothing booked. */
bookingRoutes.post('/trips/:id/book/update', requirePermission('bookings:create'), (c) => renderPosted(c, {}, 200));

bookingRoutes.post(
  '/trips/:id/book',
  requirePermission('bookings:create'),
  zValidator(
    'form',
    bookingForm,
    formHook((c, _values, errors) => renderPosted(c, errors, 422)),
  ),
  async (c) => {
    const f = c.req.valid('form');
    const r = await tryForm(
      () =>
        createBooking(c.get('deps'), actor(c), idParam(c), {
          departureId: f.departure,
          participants: participantsOf(f),
          specialRequests: f.requests,
          payDeposit: f.pay === 'deposit',
        }),
      { fieldsOnly: true },
    );
    if (!r.ok) return renderPosted(c, r.errors, r.status === 409 ? 409 : 422);
    const b = r.value;
    if (b.status === 'confirmed')
      return redirectWith(c, `/bookings/${b.id}`, `Booked. Your booking code is ${b.code}.`);
    return redirectWith(
      c,
      `/bookings/${b.id}/pay`,
      `Your seats are held. Booking code ${b.code}: pay ${b.deposit ? 'the deposit ' : ''}now to confirm.`,
    );
  },
);

/** A free trip is joined in one click, with the traveler's own details. */
bookingRoutes.post(
  '/trips/:id/join',
  requirePermission('bookings:create'),
  zValidator(
    'form',
    joinForm,
    formHook((c, _values, errors) => renderBookForm(c, null, 1, guestValues({}), errors, 422)),
  ),
  async (c) => {
    const { departure } = c.req.valid('form');
    const r = await tryForm(() => joinFreeTrip(c.get('deps'), actor(c), idParam(c), departure), {
      fieldsOnly: true,
    });
    if (!r.ok) return renderBookForm(c, departure, 1, guestValues({}), r.errors, r.status === 409 ? 409 : 422);
    return redirectWith(c, `/bookings/${r.value.id}`, `You joined the trip. Booking code ${r.value.code}.`);
  },
);

// ------------------------------------------------------------ waitlist

/** Any error of the waitlist form is shown next to its one field. */
const waitlistErrors = (errors: FieldErrors): FieldErrors => ({ waitlist: Object.values(errors)[0] ?? '' });

bookingRoutes.post(
  '/trips/:id/waitlist',
  requirePermission('bookings:create'),
  zValidator(
    'form',
    waitlistForm,
    formHook((c, _values, errors) => renderPosted(c, waitlistErrors(errors), 422)),
  ),
  async (c) => {
    const f = c.req.valid('form');
    const r = await tryForm(() =>
      joinWaitlist(c.get('deps'), actor(c), idParam(c), { departureId: f.departure, guests: f.guests }),
    );
    if (!r.ok) return renderPosted(c, waitlistErrors(r.errors), r.status === 409 ? 409 : 422);
    return redirectWith(c, '/waitlist', 'You are on the waitlist. We will tell you when seats come free.');
  },
);

bookingRoutes.get('/waitlist', requirePermission('bookings:create'), async (c) => {
  return page(c, <MyWaitlistPage places={await myWaitlist(c.get('deps'), actor(c))} />, { title: 'My waitlists' });
});

bookingRoutes.post('/waitlist/:id/leave', requirePermission('bookings:create'), (c) =>
  tryAction(c, '/waitlist', () => leaveWaitlist(c.get('deps'), actor(c), idParam(c)), 'You left the waitlist.'),
);

/** An offer's link: straight to the booking form, the offered seats held for this traveler. */
bookingRoutes.get('/waitlist/:id/accept', requirePermission('bookings:create'), async (c) => {
  // An offer that ran out goes back to the list; a date that stopped taking bookings is a 409 page saying so.
  const r = await tryForm(() => openOffer(c.get('deps'), actor(c), idParam(c)), { fieldsOnly: true });
  if (!r.ok) return redirectWith(c, '/waitlist', Object.values(r.errors)[0], 'error');
  const o = r.value;
  return c.redirect(`/trips/${o.tripId}/book?departure=${o.departureId}&guests=${o.guests}`, 303);
});

bookingRoutes.get('/organizer/departures/:id/waitlist', requirePermission('bookings:verify'), async (c) => {
  const w = await departureWaitlist(c.get('deps'), actor(c), idParam(c));
  return page(c, <DepartureWaitlistPage w={w} />, { title: `Waitlist: ${w.title}` });
});

// ------------------------------------------------------------ traveler pages

bookingRoutes.get('/bookings', requirePermission('bookings:read'), async (c) => {
  const lists = await myBookings(c.get('deps'), actor(c));
  return page(c, <BookingsListPage {...lists} />, { title: 'My bookings' });
});

bookingRoutes.get('/bookings/:id', requirePermission('bookings:read'), async (c) => {
  const d = await bookingDetails(c.get('deps'), actor(c), idParam(c));
  return page(c, <BookingPage {...d} />, { title: `Booking ${d.booking.code}` });
});

/** A UPI screenshot: private to the booking's people, never cached (404 for anyone else signed in). */
bookingRoutes.get('/bookings/:id/proofs/:name', requirePermission('bookings:read'), async (c) => {
  const bytes = await proofScreenshot(c.get('deps'), actor(c), idParam(c), c.req.param('name'));
  if (!bytes) throw new NotFoundError();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, no-store' });
});

bookingRoutes.get('/bookings/:id/pass', requirePermission('bookings:read'), async (c) => {
  const d = await bookingDetails(c.get('deps'), actor(c), idParam(c));
  if (d.booking.status !== 'confirmed' && d.booking.status !== 'completed')
    return redirectWith(c, `/bookings/${d.booking.id}`, 'The pass is ready once the booking is confirmed.', 'error');
  return page(c, <PassPage booking={d.booking} participants={d.participants} />, { title: `Pass ${d.booking.code}` });
});

bookingRoutes.get('/bookings/:id/pass-qr.svg', requirePermission('bookings:read'), async (c) => {
  const b = await bookingFor(c.get('deps'), actor(c), idParam(c));
  return qrSvg(c, `${c.get('deps').config.publicUrl}/bookings/${b.id}?code=${b.code}`);
});

bookingRoutes.get('/bookings/:id/booking.ics', requirePermission('bookings:read'), async (c) => {
  const b = await bookingFor(c.get('deps'), actor(c), idParam(c));
  return c.body(bookingIcs(b, c.get('deps').config.publicUrl, c.get('deps').clock.now()), 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="trektribe-${b.code}.ics"`,
  });
});

bookingRoutes.get('/bookings/:id/cancel', requirePermission('bookings:create'), async (c) => {
  const d = await cancellation(c.get('deps'), actor(c), idParam(c));
  if (!d) return redirectWith(c, `/bookings/${idParam(c)}`, 'This booking can no longer be cancelled.', 'error');
  return page(c, <CancelPage booking={d.booking} preview={d.preview} policy={d.policy} />, {
    title: `Cancel ${d.booking.code}`,
  });
});

bookingRoutes.post('/bookings/:id/cancel', requirePermission('bookings:create'), async (c) => {
  const { refund } = await cancelBooking(c.get('deps'), actor(c), idParam(c));
  return redirectWith(
    c,
    `/bookings/${idParam(c)}`,
    refund > 0 ? `Booking cancelled. ${formatPaise(refund)} will be refunded.` : 'Booking cancelled.',
  );
});

// ------------------------------------------------------------ organizer

/** The queue; with errors, those of the reject or resend form of the proof in the path. */
const renderQueue = async (c: C, errors?: FieldErrors) => {
  const q = await verificationQueue(c.get('deps'), actor(c));
  return page(c, <VerificationsPage {...q} errors={errors} errorFor={errors ? idParam(c) : undefined} />, {
    title: 'Payments to verify',
    status: errors ? 422 : 200,
  });
};

bookingRoutes.get('/organizer/verifications', requirePermission('bookings:verify'), (c) => renderQueue(c));

bookingRoutes.post('/organizer/verifications/:id/verify', requirePermission('bookings:verify'), async (c) => {
  await verifyUpiProof(c.get('deps'), actor(c), idParam(c));
  return redirectWith(
    c,
    '/organizer/verifications',
    'Payment verified; the booking is confirmed and the traveler told.',
  );
});

bookingRoutes.post(
  '/organizer/verifications/:id/reject',
  requirePermission('bookings:verify'),
  zValidator(
    'form',
    rejectForm,
    formHook((c, _values, errors) => renderQueue(c, errors)),
  ),
  async (c) => {
    await rejectUpiProof(c.get('deps'), actor(c), idParam(c), c.req.valid('form').reason);
    return redirectWith(
      c,
      '/organizer/verifications',
      'Payment rejected; the seats were released and the traveler told.',
    );
  },
);

/** Not rejected: the traveler is asked to send the proof again, saying what to fix; the seats stay held meanwhile. */
bookingRoutes.post(
  '/organizer/verifications/:id/resend',
  requirePermission('bookings:verify'),
  zValidator(
    'form',
    resendForm,
    formHook((c, _values, errors) => renderQueue(c, errors)),
  ),
  async (c) => {
    await askToResendProof(c.get('deps'), actor(c), idParam(c), c.req.valid('form').fix);
    return redirectWith(
      c,
      '/organizer/verifications',
      `The traveler was asked to send the proof again; their seats stay held for ${RESEND_HOURS} hours.`,
    );
  },
);

bookingRoutes.post('/organizer/refunds/:id/done', requirePermission('bookings:verify'), async (c) => {
  await markManualRefund(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, '/organizer/verifications', 'Refund marked as paid.');
});

bookingRoutes.get('/organizer/bookings', requirePermission('bookings:verify'), async (c) => {
  const n = (k: string) =>
    Number.isSafeInteger(Number(c.req.query(k))) && Number(c.req.query(k)) > 0 ? Number(c.req.query(k)) : undefined;
  const rows = await organizerBookings(c.get('deps'), actor(c), n('trip'), n('departure'));
  return page(c, <OrganizerBookingsPage rows={rows} />, { title: 'Bookings' });
});

bookingRoutes.get('/organizer/departures/:id/participants.csv', requirePermission('bookings:verify'), async (c) => {
  const { filename, csv } = await participantsCsv(c.get('deps'), actor(c), idParam(c));
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
  });
});

const renderCancelDeparture = async (c: C, errors?: FieldErrors) => {
  const d = await departureForOrganizer(c.get('deps'), actor(c), idParam(c));
  return page(c, <CancelDeparturePage departure={d.departure} active={d.active} errors={errors} />, {
    title: 'Cancel departure',
    status: errors ? 422 : 200,
  });
};

bookingRoutes.get('/organizer/departures/:id/cancel', requirePermission('bookings:verify'), (c) =>
  renderCancelDeparture(c),
);

bookingRoutes.post(
  '/organizer/departures/:id/cancel',
  requirePermission('bookings:verify'),
  zValidator(
    'form',
    cancelDepartureForm,
    formHook((c, _values, errors) => renderCancelDeparture(c, errors)),
  ),
  async (c) => {
    const { bookings } = await cancelDepartureBookings(c.get('deps'), actor(c), idParam(c), c.req.valid('form').note);
    return redirectWith(
      c,
      '/organizer/bookings',
      `Departure cancelled; ${bookings} booking${bookings === 1 ? '' : 's'} cancelled and refunded in full.`,
    );
  },
);

bookingRoutes.get('/organizer/earnings', requirePermission('bookings:verify'), async (c) => {
  return page(c, <EarningsPage {...await earnings(c.get('deps'), actor(c))} />, { title: 'Earnings' });
});

bookingRoutes.route('/', moveRoutes);
