import { expect } from 'vitest';
import type { Deps } from '../../src/deps.js';
import type { TestApp } from '../support/app.js';
import { sessionCookie, signedIn } from '../support/factories.js';

/** The booking form as a browser posts it: one row of participant fields per guest. */
export function bookingForm(
  departureId: number,
  guests = 1,
  extra: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
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
  (await deps.db.selectFrom('departures').select('seats_taken').where('id', '=', departureId).executeTakeFirstOrThrow())
    .seats_taken;

export const bookingIdFrom = (res: Response) =>
  Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

let pngBytes: Promise<Uint8Array<ArrayBuffer>> | undefined;
/** A small real PNG, made once per test file: what a traveler's payment screenshot stands for. */
export const screenshotPng = () =>
  (pngBytes ??= import('sharp').then(
    async ({ default: sharp }) =>
      new Uint8Array(
        await sharp({ create: { width: 400, height: 800, channels: 3, background: '#3a7' } })
          .png()
          .toBuffer(),
      ),
  ));

let utrSeq = 0;
/** A fresh 12-digit UTR, never the same twice in a test file. */
export const nextUtr = () => String(700_000_000_000 + ++utrSeq);

/**
 * POSTs a UPI proof (a UTR and a screenshot) for a booking, as the traveler's form does.
 * `file: null` leaves the screenshot out; `kept` sends the reference of a kept screenshot; `path`
 * posts it to another proof form (a move's: `/bookings/:id/move/pay/upi`).
 */
export async function sendUpiProof(
  app: { request(path: string, init?: RequestInit & { cookie?: string }): Promise<Response> },
  bookingId: number,
  cookie: string,
  opts: { utr?: string; file?: Uint8Array | null; fileName?: string; kept?: string; path?: string } = {},
): Promise<Response> {
  const fd = new FormData();
  fd.set('utr', opts.utr ?? nextUtr());
  const file = opts.file === undefined ? await screenshotPng() : opts.file;
  if (file)
    fd.set(
      'screenshot',
      new File([file as Uint8Array<ArrayBuffer>], opts.fileName ?? 'shot.png', { type: 'image/png' }),
    );
  if (opts.kept !== undefined) fd.set('kept', opts.kept);
  return app.request(opts.path ?? `/bookings/${bookingId}/pay/upi`, { method: 'POST', body: fd, cookie });
}

/** The emails of one template that mention a booking code: to whom, and their text. */
export async function emailsAbout(deps: Pick<Deps, 'db'>, template: string, code: string) {
  const rows = await deps.db
    .selectFrom('outbox')
    .select(['recipient', 'payload'])
    .where('template', '=', template)
    .where('channel', '=', 'email')
    .execute();
  return rows
    .map((m) => ({ to: m.recipient, text: JSON.parse(m.payload).text as string }))
    .filter((m) => m.text.includes(code));
}

/**
 * A traveler books a departure and pays by UPI as the app has them do: the booking form, the
 * proof, and the organizer verifying it. `pay: 'deposit'` in `extra` pays only the deposit.
 */
export async function bookPaidByUpi(
  t: TestApp,
  trip: { tripId: number; departureId: number; organizerId: number },
  guests = 1,
  extra: Record<string, string | string[]> = {},
) {
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests, extra), me.cookie);
  const id = bookingIdFrom(res);
  expect((await sendUpiProof(t, id, me.cookie)).status).toBe(303);
  const organizer = await sessionCookie(t.deps, trip.organizerId);
  const proof = await t.db.selectFrom('upi_proofs').select('id').where('booking_id', '=', id).executeTakeFirstOrThrow();
  expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, organizer)).status).toBe(303);
  return { me, id, organizer };
}

/** A traveler's latest waitlist entry on a departure (undefined when they never joined it). */
export const waitlistEntryOf = (deps: Pick<Deps, 'db'>, userId: number, departureId: number) =>
  deps.db
    .selectFrom('waitlist_entries')
    .selectAll()
    .where('user_id', '=', userId)
    .where('departure_id', '=', departureId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
