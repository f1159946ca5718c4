import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Deps } from '../deps.js';
import { enqueue } from '../notifications/outbox.js';
import {
  compose,
  composeWaitlist,
  EmailBody,
  type BookingMessage,
  type Extra,
  type WaitlistMessage,
  type WaitlistMessageFacts,
} from '../../views/bookings/emails.js';
import * as q from './queries.js';
import type { MessageBooking } from './types.js';

export type { BookingMessage, Extra } from '../../views/bookings/emails.js';

const toMessageBooking = (b: NonNullable<Awaited<ReturnType<typeof q.findMessageBooking>>>): MessageBooking => ({
  id: b.id,
  code: b.code,
  tripId: b.trip_id,
  title: b.title,
  startDate: b.start_date,
  guests: b.guests,
  amountPaise: b.amount_paise,
  status: b.status,
  meetingPoint: b.meeting_point,
  holdExpiresAt: b.hold_expires_at,
  paidPaise: b.paid_paise,
  balanceDueOn: b.balance_due_on,
  travelerName: b.traveler_name,
  travelerEmail: b.traveler_email,
  travelerPhone: b.traveler_phone,
  organizerEmail: b.organizer_email,
  organizerPhone: b.organizer_phone,
});

/** Queues the messages of `kinds` about one booking, read once, in the caller's transaction. */
export async function message(
  deps: Deps,
  trx: Kysely<Database>,
  kinds: BookingMessage | BookingMessage[],
  bookingId: number,
  x: Extra = {},
) {
  const row = await q.findMessageBooking(trx, bookingId);
  if (row) await sendBookingMessages(deps, trx, kinds, toMessageBooking(row), x);
}

/** Queues the messages of `kinds` about a booking the caller already holds, in the caller's transaction. */
export async function sendBookingMessages(
  deps: Pick<Deps, 'clock' | 'config'>,
  trx: Kysely<Database>,
  kinds: BookingMessage | BookingMessage[],
  b: MessageBooking,
  x: Extra = {},
) {
  for (const kind of [kinds].flat()) await sendBookingMessage(trx, deps, kind, b, x);
}

/** Queues the message (and its SMS, if it has one) in the caller's transaction. */
export async function sendBookingMessage(
  db: Kysely<Database>,
  deps: Pick<Deps, 'clock' | 'config'>,
  kind: BookingMessage,
  b: MessageBooking,
  x: Extra = {},
): Promise<void> {
  const m = compose(kind, b, x);
  const { publicUrl } = deps.config;
  const link = m.action
    ? `${publicUrl}${m.action.path}`
    : m.toOrganizer
      ? `${publicUrl}/organizer/bookings?trip=${b.tripId}`
      : `${publicUrl}/bookings/${b.id}`;
  const to = m.toOrganizer ? b.organizerEmail : b.travelerEmail;
  const linkText = m.action?.text ?? (m.toOrganizer ? 'Open bookings' : 'Open your booking');
  const text = [...m.lines, '', `${m.action?.text ?? (m.toOrganizer ? 'Bookings' : 'Your booking')}: ${link}`].join(
    '\n',
  );
  const html = (<EmailBody lines={m.lines} link={link} linkText={linkText} />).toString();
  await enqueue(db, deps, { channel: 'email', to, template: kind, subject: m.subject, text, html });
  const phone = m.toOrganizer ? b.organizerPhone : b.travelerPhone;
  if (m.sms && phone) await enqueue(db, deps, { channel: 'sms', to: phone, template: kind, text: m.sms.slice(0, 160) });
}

/** Queues a waitlist message to its traveler by email, and by SMS when they have a phone, in the caller's transaction. */
export async function sendWaitlistMessage(
  db: Kysely<Database>,
  deps: Pick<Deps, 'clock' | 'config'>,
  kind: WaitlistMessage,
  to: { email: string; phone: string | null },
  w: WaitlistMessageFacts,
): Promise<void> {
  const m = composeWaitlist(kind, w);
  const link = `${deps.config.publicUrl}${m.path}`;
  const text = [...m.lines, '', `${m.linkText}: ${link}`].join('\n');
  const html = (<EmailBody lines={m.lines} link={link} linkText={m.linkText} />).toString();
  await enqueue(db, deps, { channel: 'email', to: to.email, template: kind, subject: m.subject, text, html });
  if (m.sms && to.phone)
    await enqueue(db, deps, { channel: 'sms', to: to.phone, template: kind, text: `${m.sms} ${link}` });
}
