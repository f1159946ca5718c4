import type { Deps } from '../../src/deps.js';
import { createUser } from '../support/factories.js';

let seq = 0;

export interface TripFields {
  organizerId?: number;
  title?: string;
  pricePaise?: number;
  capacity?: number;
  start?: string;
  end?: string;
  status?: 'draft' | 'active' | 'inactive' | 'cancelled';
  refundPolicy?: { days: number; percent: number }[] | null;
  meetingPoint?: string | null;
}

/** A trip with one departure, inserted directly (the trips feature is built elsewhere). */
export async function makeTrip(deps: Pick<Deps, 'db' | 'clock'>, f: TripFields = {}) {
  seq += 1;
  const now = deps.clock.now().toISOString();
  const organizerId = f.organizerId ?? (await createUser(deps, { role: 'organizer', upi_id: 'hills@okaxis', name: `Organizer ${seq}` }));
  const { id: tripId } = await deps.db
    .insertInto('trips')
    .values({
      organizer_id: organizerId,
      title: f.title ?? `Kedarkantha Trek ${seq}`,
      description: 'Snow trek',
      destination: 'Uttarakhand',
      region: 'Himalaya',
      price_paise: f.pricePaise ?? 1_200_000,
      difficulty: 'beginner',
      categories: '[]',
      included: '[]',
      requirements: '[]',
      itinerary: '',
      schedule: '[]',
      status: f.status ?? 'active',
      meeting_point: f.meetingPoint === undefined ? 'Dehradun railway station, 6 AM' : f.meetingPoint,
      refund_policy: f.refundPolicy ? JSON.stringify(f.refundPolicy) : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const departureId = await addDeparture(deps, tripId, { capacity: f.capacity, start: f.start, end: f.end });
  return { tripId, departureId, organizerId };
}

export async function addDeparture(deps: Pick<Deps, 'db'>, tripId: number, f: { capacity?: number; start?: string; end?: string } = {}) {
  const start = f.start ?? '2027-03-10';
  const { id } = await deps.db
    .insertInto('departures')
    .values({ trip_id: tripId, start_date: start, end_date: f.end ?? start.replace(/\d\d$/, (d) => String(Math.min(28, Number(d) + 4)).padStart(2, '0')), capacity: f.capacity ?? 10 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The booking form as a browser posts it: one row of participant fields per guest. */
export function bookingForm(departureId: number, guests = 1, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const rows = Array.from({ length: guests }, (_, i) => i);
  return {
    departure: String(departureId),
    guests: String(guests),
    name: rows.map((i) => `Guest ${i + 1} Kumar`),
    phone: rows.map((i) => `98765432${String(10 + i)}`),
    age: rows.map((i) => String(25 + i)),
    diet: rows.map((i) => (i === 0 ? 'vegetarian' : '')),
    requests: 'Window seat in the jeep',
    ...extra,
  };
}

export const seatsTaken = async (deps: Pick<Deps, 'db'>, departureId: number) =>
  (await deps.db.selectFrom('departures').select('seats_taken').where('id', '=', departureId).executeTakeFirstOrThrow()).seats_taken;

export const bookingIdFrom = (res: Response) => Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

let pngBytes: Promise<Uint8Array<ArrayBuffer>> | undefined;
/** A small real PNG, made once per test file: what a traveler's payment screenshot stands for. */
export const screenshotPng = () =>
  (pngBytes ??= import('sharp').then(async ({ default: sharp }) => new Uint8Array(await sharp({ create: { width: 400, height: 800, channels: 3, background: '#3a7' } }).png().toBuffer())));

let utrSeq = 0;
/** A fresh 12-digit UTR, never the same twice in a test file. */
export const nextUtr = () => String(700_000_000_000 + ++utrSeq);

/**
 * POSTs a UPI proof (a UTR and a screenshot) for a booking, as the traveler's form does.
 * `file: null` leaves the screenshot out.
 */
export async function sendUpiProof(
  app: { request(path: string, init?: RequestInit & { cookie?: string }): Promise<Response> },
  bookingId: number,
  cookie: string,
  opts: { utr?: string; file?: Uint8Array | null } = {},
): Promise<Response> {
  const fd = new FormData();
  fd.set('utr', opts.utr ?? nextUtr());
  const file = opts.file === undefined ? await screenshotPng() : opts.file;
  if (file) fd.set('screenshot', new File([file as Uint8Array<ArrayBuffer>], 'shot.png', { type: 'image/png' }));
  return app.request(`/bookings/${bookingId}/pay/upi`, { method: 'POST', body: fd, cookie });
}
