import { addMs, HOUR } from '../../src/lib/clock.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay, formatDayClock } from '../../src/lib/time.js';
import type { MessageBooking } from '../../src/bookings/types.js';
import type { BookingStatus } from '../../src/bookings/tables.js';

/** Booking emails and texts to travelers and organizers: subject, lines, the HTML part and an SMS for some. */

export type BookingMessage =
  | 'booking-received'
  | 'booking-confirmed'
  | 'payment-verified'
  | 'payment-rejected'
  | 'hold-expiring'
  | 'hold-expired'
  | 'booking-cancelled'
  | 'booking-refunded'
  | 'trip-cancelled'
  | 'trip-reminder'
  | 'payment-proof-received'
  | 'refund-due'
  | 'proof-overdue'
  | 'proof-released'
  | 'proof-released-organizer'
  | 'proof-resend'
  | 'proof-not-resent'
  | 'balance-paid'
  | 'balance-reminder'
  | 'balance-unpaid-cancelled'
  | 'balance-unpaid-organizer'
  | 'booking-moved'
  | 'booking-moved-organizer'
  | 'move-not-made';

export function EmailBody(p: { lines: string[]; link: string; linkText: string }) {
  return (
    <div style="font-family:sans-serif;max-width:560px">
      {p.lines.map((l) => (
        <p>{l}</p>
      ))}
      <p>
        <a href={p.link}>{p.linkText}</a>
      </p>
      <p style="color:#666">TrekTribe</p>
    </div>
  );
}

export interface Extra {
  reason?: string;
  refundPaise?: number;
  duplicateUtr?: boolean;
  /** The booking's UPI payment was still being checked: a refund waits for the organizer to find it. */
  upiBeingChecked?: boolean;
  /** The booking was paid online and by UPI: the UPI money goes back. */
  paidTwice?: boolean;
  /** Razorpay could not send the refund: the organizer pays it back by hand. */
  gatewayFailed?: boolean;
  /** What became of the booking when its UPI proof was rejected. */
  bookingStatus?: BookingStatus;
  /** Hours past the decide-by time after which an undecided UPI proof's seats are released; null: never. */
  releaseHours?: number | null;
  /** The deadline the traveler had for a UPI proof asked for again. */
  resendBy?: string;
  /** A booking moved to another departure: the start of the one it left, and who moved it. */
  movedFrom?: string;
  movedByOrganizer?: boolean;
  /** A paid move that could not be made: the start it was to move to; `byHand` when it was paid by UPI (paid back by the organizer). */
  moveTo?: string;
  byHand?: boolean;
}

/** Subject and lines of each booking message; every one carries the booking code. */
export function compose(
  kind: BookingMessage,
  b: MessageBooking,
  x: Extra,
): {
  toOrganizer: boolean;
  subject: string;
  lines: string[];
  sms?: string;
  /** Where the message's link goes, when not to the booking (or the organizer's bookings). */
  action?: { path: string; text: string };
} {
  const trip = `${b.title} (${formatDay(b.startDate)})`;
  const code = b.code;
  const guests = `${b.guests} guest${b.guests === 1 ? '' : 's'}`;
  switch (kind) {
    case 'booking-received':
      return {
        toOrganizer: true,
        subject: `New booking ${code}: ${b.title}`,
        lines: [
          `${b.travelerName} booked ${trip} for ${guests}, ${formatPaise(b.amountPaise)}.`,
          `Booking code: ${code}. Status: ${b.status}.`,
        ],
      };
    case 'booking-confirmed':
      return {
        toOrganizer: false,
        subject: `Booking confirmed ${code}: ${b.title}`,
        lines: [
          `Your booking ${code} for ${trip} is confirmed for ${guests}.`,
          b.meetingPoint ? `Meeting point: ${b.meetingPoint}.` : 'The organizer will share the meeting point.',
          'Show your booking pass (code and QR) at the start.',
        ],
        sms: `TrekTribe: booking ${code} CONFIRMED. ${b.title}, ${formatDay(b.startDate)}, ${b.guests} pax.${b.meetingPoint ? ` Meet: ${b.meetingPoint.slice(0, 40)}` : ''}`,
      };
    case 'payment-verified':
      return {
        toOrganizer: false,
        subject: `Payment received ${code}`,
        lines: [
          `The organizer verified your UPI payment for booking ${code} (${trip}).`,
          x.refundPaise
            ? `${formatPaise(x.refundPaise)} of it is due back to you: the organizer pays it back to your UPI account.`
            : `Amount: ${formatPaise(b.amountPaise)}.`,
        ],
      };
    case 'payment-rejected':
      return {
        toOrganizer: false,
        subject: `Payment not accepted ${code}`,
        lines: [
          `The organizer could not match your UPI payment for booking ${code} (${trip}).`,
          `Reason: ${x.reason ?? '-'}`,
          x.bookingStatus === 'confirmed'
            ? 'Your booking stays confirmed: it was paid online.'
            : x.bookingStatus === 'cancelled'
              ? 'The booking was already cancelled. If money left your account, reply to the organizer with your UTR.'
              : 'The seats were released. If money left your account, reply to the organizer with your UTR.',
        ],
      };
    case 'proof-resend': {
      const by = b.holdExpiresAt ? formatDateTime(b.holdExpiresAt) : 'soon';
      return {
        toOrganizer: false,
        subject: `Send your payment proof again ${code}`,
        lines: [
          `The organizer could not match your UPI payment for booking ${code} (${trip}) and asks you to send the proof again.`,
          `What to fix: ${x.reason ?? '-'}`,
          `Your ${guests} stay held until ${by}. Send the new proof before then, or the seats are released.`,
        ],
        sms: `TrekTribe: send your UPI payment proof for booking ${code} again by ${by}. Fix: ${(x.reason ?? '').slice(0, 60)}`,
        action: { path: `/bookings/${b.id}/pay`, text: 'Send the proof again' },
      };
    }
    case 'proof-not-resent':
      return {
        toOrganizer: false,
        subject: `Seats released ${code}`,
        lines: [
          `The organizer asked for your UPI payment proof again, but no new payment proof arrived by ${x.resendBy ? formatDateTime(x.resendBy) : 'the deadline'}, so booking ${code} (${trip}) is cancelled and its seats were released.`,
          'If money left your account, reply to the organizer with your UTR. You can book again if seats are left.',
        ],
      };
    case 'payment-proof-received':
      return {
        toOrganizer: true,
        subject: `Payment proof to verify ${code}`,
        lines: [
          x.moveTo
            ? `${b.travelerName} uploaded a UPI payment proof for moving booking ${code} (${trip}) to ${formatDay(x.moveTo)}, ${formatPaise(x.refundPaise ?? 0)}.`
            : `${b.travelerName} uploaded a UPI payment proof for booking ${code} (${trip}), ${formatPaise(b.amountPaise)}.`,
          x.duplicateUtr
            ? 'Warning: this UTR was already used on another booking, so the hold was not extended: the seats go back on sale when it ends unless you verify the payment first.'
            : 'Check the UTR in your UPI app, then verify or reject it.',
        ],
      };
    case 'proof-overdue': {
      const by = b.holdExpiresAt ? formatDateTime(b.holdExpiresAt) : 'now';
      const release =
        typeof x.releaseHours === 'number' && b.holdExpiresAt
          ? formatDateTime(addMs(new Date(b.holdExpiresAt), x.releaseHours * HOUR))
          : null;
      return {
        toOrganizer: true,
        subject: `Payment proof still to verify ${code}`,
        lines: [
          `${b.travelerName}'s UPI payment proof for booking ${code} (${trip}), ${formatPaise(b.amountPaise)}, is still waiting for you: it was to be verified or rejected by ${by}.`,
          release
            ? `Check the UTR in your UPI app and decide before ${release}; after that the booking is cancelled and its ${guests} go back on sale.`
            : 'Check the UTR in your UPI app, then verify or reject it.',
        ],
      };
    }
    case 'proof-released':
      return {
        toOrganizer: false,
        subject: `Seats released ${code}`,
        lines: [
          `The organizer did not check your UPI payment for booking ${code} (${trip}) in time, so the booking is cancelled and its seats were released.`,
          `If the money left your account it is not lost: once the organizer finds it, ${formatPaise(x.refundPaise ?? b.amountPaise)} is paid back to you in full.`,
          'You can book again if seats are left.',
        ],
      };
    case 'proof-released-organizer':
      return {
        toOrganizer: true,
        subject: `Booking released ${code}: payment proof not checked`,
        lines: [
          `Booking ${code} (${trip}, ${guests}) is cancelled and its seats are back on sale: its UPI payment proof was not verified or rejected in time.`,
          `The proof stays in your queue. If the money (${formatPaise(x.refundPaise ?? b.amountPaise)}) arrived, verify it and pay it back to ${b.travelerName}; if it did not, reject it.`,
        ],
      };
    case 'hold-expiring':
      return {
        toOrganizer: false,
        subject: `Pay soon to keep your seats ${code}`,
        lines: [
          `Your seats for ${trip} (booking ${code}) are held until ${b.holdExpiresAt ? formatDateTime(b.holdExpiresAt) : 'soon'}.`,
          'Pay before then to keep them.',
        ],
      };
    case 'hold-expired':
      return {
        toOrganizer: false,
        subject: `Seats released ${code}`,
        lines: [
          `Booking ${code} for ${trip} was not paid in time, so its seats were released.`,
          'You can book again if seats are left.',
        ],
      };
    case 'booking-cancelled':
      return {
        toOrganizer: false,
        subject: `Booking cancelled ${code}`,
        lines: [
          `Booking ${code} for ${trip} is cancelled.`,
          x.refundPaise
            ? x.upiBeingChecked
              ? `Once the organizer has found your UPI payment, ${formatPaise(x.refundPaise)} is paid back to you.`
              : `A refund of ${formatPaise(x.refundPaise)} is on its way.`
            : "No refund is due under the trip's cancellation policy.",
        ],
      };
    case 'refund-due':
      return {
        toOrganizer: true,
        subject: `Refund to pay ${code}`,
        lines: x.paidTwice
          ? [
              `Booking ${code} (${trip}) was paid twice, online and by UPI; ${formatPaise(x.refundPaise ?? 0)} of the UPI payment is due back to ${b.travelerName}.`,
              'Send it from your UPI app, then mark it as refunded.',
            ]
          : x.movedFrom
            ? [
                `Booking ${code} (${trip}) moved from ${formatDay(x.movedFrom)} to a cheaper date; ${formatPaise(x.refundPaise ?? 0)} is due back to ${b.travelerName} (paid by UPI).`,
                'Send it from your UPI app, then mark it as refunded.',
              ]
            : x.gatewayFailed
              ? [
                  `Razorpay could not send the refund of ${formatPaise(x.refundPaise ?? 0)} for booking ${code} (${trip}) back to ${b.travelerName}.`,
                  'Pay it back by UPI or bank transfer, then mark it as refunded.',
                ]
              : [
                  `Booking ${code} (${trip}) was cancelled; ${formatPaise(x.refundPaise ?? 0)} is due back to ${b.travelerName} (paid by UPI).`,
                  'Send it from your UPI app, then mark it as refunded.',
                ],
      };
    case 'booking-moved': {
      const dates = `from ${formatDay(x.movedFrom ?? b.startDate)} to ${formatDay(b.startDate)} (${guests})`;
      return {
        toOrganizer: false,
        subject: `Booking moved ${code}: ${b.title}`,
        lines: [
          x.movedByOrganizer
            ? `The organizer moved your booking ${code} for ${b.title} ${dates}.`
            : `Your booking ${code} for ${b.title} moved ${dates}.`,
          x.refundPaise
            ? `The new date costs less: ${formatPaise(x.refundPaise)} comes back to you (a refund to your card or account, or from the organizer by UPI for a UPI payment).`
            : '',
        ].filter(Boolean),
        sms: `TrekTribe: booking ${code} (${b.title}) moved to ${formatDay(b.startDate)}.`,
      };
    }
    case 'booking-moved-organizer':
      return {
        toOrganizer: true,
        subject: `Booking moved ${code}: ${b.title}`,
        lines: [
          `Booking ${code} (${b.travelerName}, ${guests}) moved from ${formatDay(x.movedFrom ?? b.startDate)} to ${formatDay(b.startDate)}${x.movedByOrganizer ? ', as you asked' : ' by the traveler'}.`,
        ],
      };
    case 'move-not-made':
      return {
        toOrganizer: false,
        subject: `Move not made ${code}: ${b.title}`,
        lines: [
          `Your booking ${code} for ${b.title} was not moved to ${formatDay(x.moveTo ?? b.startDate)}: ${x.reason ?? 'the move could not be made'}. It stays on ${formatDay(b.startDate)}.`,
          ...(x.refundPaise
            ? [
                x.byHand
                  ? `${formatPaise(x.refundPaise)} you paid for the move is due back; the organizer pays it back to you by UPI.`
                  : `${formatPaise(x.refundPaise)} you paid for the move is being refunded in full.`,
              ]
            : []),
        ],
        sms: `TrekTribe: booking ${code} not moved to ${formatDay(x.moveTo ?? b.startDate)}; it stays on ${formatDay(b.startDate)}.`,
      };
    case 'booking-refunded':
      return {
        toOrganizer: false,
        subject: `Refund sent ${code}`,
        lines: [
          `${formatPaise(x.refundPaise ?? 0)} was refunded for booking ${code} (${trip}).`,
          'Banks usually show it within 5–7 working days.',
        ],
      };
    case 'trip-cancelled':
      return {
        toOrganizer: false,
        subject: `Trip cancelled ${code}: ${b.title}`,
        lines: [
          `The organizer cancelled ${trip}. Your booking ${code} is cancelled.`,
          x.reason ? `Their note: ${x.reason}` : '',
          x.refundPaise
            ? `You get a full refund of ${formatPaise(x.refundPaise)}${x.upiBeingChecked ? ' once the organizer has found your UPI payment' : ''}.`
            : '',
        ].filter(Boolean),
        sms: `TrekTribe: ${b.title} on ${formatDay(b.startDate)} was CANCELLED by the organizer. Booking ${code}.${x.refundPaise ? ` Full refund ${formatPaise(x.refundPaise)}${x.upiBeingChecked ? ' once your UPI payment is found' : ''}.` : ''}`,
      };
    case 'balance-paid':
      return {
        toOrganizer: false,
        subject: `Balance paid ${code}`,
        lines: [`The balance for booking ${code} (${trip}) is paid: ${formatPaise(b.amountPaise)} in all.`],
      };
    case 'balance-reminder': {
      const due = formatPaise(Math.max(0, b.amountPaise - b.paidPaise));
      const by = b.balanceDueOn ? formatDay(b.balanceDueOn) : 'soon';
      return {
        toOrganizer: false,
        subject: `Balance due by ${by}: ${code}`,
        lines: [
          `The balance of ${due} for booking ${code} (${trip}) is due by ${by}.`,
          `You have paid ${formatPaise(b.paidPaise)} so far. Unpaid balances are cancelled under the trip's cancellation policy.`,
        ],
        sms: `TrekTribe: balance ${due} for booking ${code} due by ${by}. Pay from your booking page.`,
        action: { path: `/bookings/${b.id}/pay`, text: 'Pay the balance' },
      };
    }
    case 'balance-unpaid-cancelled':
      return {
        toOrganizer: false,
        subject: `Booking cancelled: balance unpaid ${code}`,
        lines: [
          `The balance for booking ${code} (${trip}) was not paid by ${b.balanceDueOn ? formatDay(b.balanceDueOn) : 'its due date'}, so the booking is cancelled.`,
          x.refundPaise
            ? `Under the trip's cancellation policy, ${formatPaise(x.refundPaise)} of the ${formatPaise(b.paidPaise)} you paid comes back to you.`
            : `Under the trip's cancellation policy, nothing of the ${formatPaise(b.paidPaise)} you paid comes back.`,
        ],
        sms: `TrekTribe: booking ${code} CANCELLED, balance unpaid.${x.refundPaise ? ` Refund ${formatPaise(x.refundPaise)}.` : ''}`,
      };
    case 'balance-unpaid-organizer':
      return {
        toOrganizer: true,
        subject: `Cancelled, balance unpaid: ${code}`,
        lines: [
          `Booking ${code} (${trip}, ${guests}) of ${b.travelerName} is cancelled: its balance was not paid. The seats are back on sale.`,
          `Paid: ${formatPaise(b.paidPaise)}; refund under the policy: ${formatPaise(x.refundPaise ?? 0)}.`,
        ],
        sms: `TrekTribe: booking ${code} cancelled, balance unpaid. ${b.guests} seat(s) back on sale.`,
      };
    case 'trip-reminder':
      return {
        toOrganizer: false,
        subject: `Tomorrow: ${b.title} (${code})`,
        lines: [
          `${b.title} starts tomorrow, ${formatDay(b.startDate)}.`,
          b.meetingPoint ? `Meeting point: ${b.meetingPoint}.` : 'Check the meeting point with the organizer.',
          `Booking ${code}, ${guests}.`,
        ],
        sms: `TrekTribe: ${b.title} starts tomorrow. Booking ${code}.${b.meetingPoint ? ` Meet: ${b.meetingPoint.slice(0, 50)}` : ''}`,
      };
  }
}

export type WaitlistMessage = 'waitlist-offer' | 'waitlist-offer-expired' | 'waitlist-closed';

/** What a waitlist message is about. */
export interface WaitlistMessageFacts {
  entryId: number;
  tripId: number;
  title: string;
  startDate: string;
  guests: number;
  name: string;
  /** An offer's end (waitlist-offer only). */
  until?: string;
}

/** A waitlist message: its subject, its lines, its link (a path) and, for an offer, its SMS. */
export function composeWaitlist(
  kind: WaitlistMessage,
  w: WaitlistMessageFacts,
): { subject: string; lines: string[]; path: string; linkText: string; sms?: string } {
  const when = `${w.title} (${formatDay(w.startDate)})`;
  const seats = `${w.guests} seat${w.guests === 1 ? '' : 's'}`;
  switch (kind) {
    case 'waitlist-offer': {
      const ends = formatDayClock(w.until!);
      return {
        subject: `Seats for you: ${w.title}, ${formatDay(w.startDate)}`,
        lines: [
          `Hi ${w.name},`,
          `${seats} came free on ${when} and are held for you alone until ${ends} IST.`,
          'After that they go to the next traveler on the waitlist.',
        ],
        path: `/waitlist/${w.entryId}/accept`,
        linkText: 'Book your seats',
        sms: `TrekTribe: ${seats} on ${w.title} ${formatDay(w.startDate)} held for you until ${ends} IST. Book:`,
      };
    }
    case 'waitlist-offer-expired':
      return {
        subject: `Your waitlist offer ended: ${w.title}, ${formatDay(w.startDate)}`,
        lines: [
          `Hi ${w.name},`,
          `The seats held for you on ${when} were not booked in time, so they went to the next traveler waiting.`,
          'You can join the waitlist again.',
        ],
        path: `/trips/${w.tripId}`,
        linkText: 'See the trek',
        sms: `TrekTribe: your waitlist offer for ${w.title} ${formatDay(w.startDate)} ended; the seats went to the next traveler. Trek:`,
      };
    case 'waitlist-closed':
      return {
        subject: `Waitlist closed: ${w.title}, ${formatDay(w.startDate)}`,
        lines: [
          `Hi ${w.name},`,
          `The organizer cancelled ${when}, so its waitlist is closed. Other dates may have seats.`,
        ],
        path: `/trips/${w.tripId}`,
        linkText: 'See other dates',
        sms: `TrekTribe: ${w.title} ${formatDay(w.startDate)} was cancelled, so its waitlist is closed. Other dates:`,
      };
  }
}
