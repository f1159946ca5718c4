import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { DomainError, NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { page } from '../lib/render.js';
import { BookPage, GuestFields, JoinPage, type GuestValues } from '../../views/bookings/book.js';
import * as svc from './service.js';
import { bookingForm, fieldErrors, joinForm } from './schemas.js';

type C = Context<AppEnv>;

const id = (c: C, name = 'id') => {
  const n = Number(c.req.param(name));
  if (!Number.isSafeInteger(n) || n <= 0) throw new NotFoundError();
  return n;
};
const actor = (c: C) => c.var.user!;

function guestValues(src: Record<string, string | string[] | File | (string | File)[] | undefined>, lead?: { name: string; phone: string }): GuestValues {
  const arr = (k: string) => {
    const v = src[k];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);
  };
  const name = arr('name');
  const phone = arr('phone');
  if (lead && name.length === 0) name.push(lead.name);
  if (lead && phone.length === 0) phone.push(lead.phone);
  return { name, phone, age: arr('age'), diet: arr('diet'), requests: typeof src.requests === 'string' ? src.requests : '' };
}

/** The booking form, filled with what was sent and the errors next to their fields. */
async function renderBookForm(c: C, tripId: number, departureId: number | null, guests: number, values: GuestValues, errors: FieldErrors, status: 200 | 409 | 422 = 200) {
  const { trip, departures, seatsLeft } = await svc.bookingFormData(c.var.deps, tripId, departureId);
  if (trip.price_paise === 0) return page(c, <JoinPage trip={trip} seatsLeft={seatsLeft} error={Object.values(errors)[0]} />, { title: `Join ${trip.title}`, status });
  const n = Math.max(1, Math.min(guests || 1, 10, Math.max(1, seatsLeft)));
  const props = { trip, departures, seatsLeft, guests: n, values, errors };
  return page(c, <BookPage {...props} />, { title: `Book ${trip.title}`, status, fragment: <GuestFields guests={n} values={values} errors={errors} /> });
}

const leadOf = async (c: C) => {
  const u = await c.var.deps.db.selectFrom('users').select(['name', 'phone']).where('id', '=', actor(c).id).executeTakeFirst();
  return { name: u?.name ?? '', phone: u?.phone?.replace(/^\+91/, '') ?? '' };
};

/** Booking, payment (Razorpay, UPI proof), verification queue, cancellations, webhooks. */
export const bookingRoutes = new Hono<AppEnv>();

bookingRoutes.get('/trips/:id/book', requirePermission('bookings:create'), async (c) => {
  const dep = Number(c.req.query('departure'));
  const values = guestValues(c.req.queries() as Record<string, string[]>, await leadOf(c));
  values.requests = c.req.query('requests') ?? '';
  return renderBookForm(c, id(c), Number.isSafeInteger(dep) && dep > 0 ? dep : null, Number(c.req.query('guests')) || 1, values, {});
});

bookingRoutes.post(
  '/trips/:id/book',
  requirePermission('bookings:create'),
  async (c, next) => {
    const body = await c.req.parseBody({ all: true });
    if (body.join !== '1') return next();
    const f = joinForm.safeParse(body);
    if (!f.success) throw new DomainError('Choose a date.', 'departure', 422);
    try {
      const b = await svc.joinFreeTrip(c.var.deps, actor(c), id(c), f.data.departure);
      return redirectWith(c, `/bookings/${b.id}`, `You joined the trip. Booking code ${b.code}.`);
    } catch (e) {
      if (e instanceof DomainError && e.field) return renderBookForm(c, id(c), f.data.departure, 1, guestValues({}), { [e.field]: e.message }, e.status === 409 ? 409 : 422);
      throw e;
    }
  },
  zValidator('form', bookingForm, async (r, ctx) => {
    const c = ctx as unknown as C;
    if (r.success) return;
    const body = await c.req.parseBody({ all: true });
    const dep = Number(body.departure);
    return renderBookForm(c, id(c), Number.isSafeInteger(dep) && dep > 0 ? dep : null, Number(body.guests) || 1, guestValues(body), fieldErrors(r.error), 422);
  }),
  async (c) => {
    const f = c.req.valid('form');
    const participants = Array.from({ length: f.guests }, (_, i) => ({ name: f.name[i], phone: f.phone[i], age: f.age[i], dietary: f.diet[i] ?? '' }));
    try {
      const b = await svc.createBooking(c.var.deps, actor(c), id(c), { departureId: f.departure, participants, specialRequests: f.requests });
      if (b.status === 'confirmed') return redirectWith(c, `/bookings/${b.id}`, `Booked. Your booking code is ${b.code}.`);
      return redirectWith(c, `/bookings/${b.id}/pay`, `Your seats are held. Booking code ${b.code}: pay now to confirm.`);
    } catch (e) {
      if (!(e instanceof DomainError) || !e.field) throw e;
      const body = await c.req.parseBody({ all: true });
      return renderBookForm(c, id(c), f.departure, f.guests, guestValues(body), { [e.field]: e.message }, e.status === 409 ? 409 : 422);
    }
  },
);
