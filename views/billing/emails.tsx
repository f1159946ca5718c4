import { Button, Mail } from '../components/Mail.js';
import { formatDate, formatDateTime } from '../../src/lib/time.js';
import { formatPaise } from '../../src/lib/money.js';

/** Subscription messages: each email has an HTML part (these components) and a plain-text part; SMS is one line. */

export interface TrialEnding {
  name: string;
  endsAt: string;
  daysLeft: number;
  link: string;
}

const inDays = (n: number) => (n <= 0 ? 'today' : n === 1 ? 'in 1 day' : `in ${n} days`);
const WHAT_THEN = 'When it ends, travelers stop seeing your trips; bookings already made stay as they are.';

export const trialEndingText = (p: TrialEnding) =>
  `Hi ${p.name},\n\nYour TrekTribe free trial ends ${inDays(p.daysLeft)}, on ${formatDateTime(p.endsAt)}.\n\n${WHAT_THEN}\n\nYour subscription: ${p.link}\n`;

export const trialEndingSms = (p: TrialEnding) =>
  `TrekTribe: your free trial ends ${inDays(p.daysLeft)} (${formatDateTime(p.endsAt)}). Details: ${p.link}`;

function TrialEndingMail(p: TrialEnding) {
  return (
    <Mail title={`Your free trial ends ${inDays(p.daysLeft)}`}>
      <p>Hi {p.name},</p>
      <p>Your TrekTribe free trial ends on {formatDateTime(p.endsAt)}.</p>
      <p>{WHAT_THEN}</p>
      <Button href={p.link} label="See my subscription" />
    </Mail>
  );
}

export interface TrialEnded {
  name: string;
  endsAt: string;
  link: string;
}

const HIDDEN =
  'Travelers no longer see your trips on TrekTribe. Bookings already made stay as they are: run those treks as planned.';

export const trialEndedText = (p: TrialEnded) =>
  `Hi ${p.name},\n\nYour TrekTribe free trial ended on ${formatDateTime(p.endsAt)}.\n\n${HIDDEN}\n\nYour subscription: ${p.link}\n`;

export const trialEndedSms = (p: TrialEnded) =>
  `TrekTribe: your free trial has ended and travelers no longer see your trips. Bookings already made stay valid. Details: ${p.link}`;

function TrialEndedMail(p: TrialEnded) {
  return (
    <Mail title="Your free trial has ended">
      <p>Hi {p.name},</p>
      <p>Your TrekTribe free trial ended on {formatDateTime(p.endsAt)}.</p>
      <p>{HIDDEN}</p>
      <Button href={p.link} label="See my subscription" />
    </Mail>
  );
}

export const trialEndingHtml = (p: TrialEnding) => (<TrialEndingMail {...p} />).toString();
export const trialEndedHtml = (p: TrialEnded) => (<TrialEndedMail {...p} />).toString();

// ---------------------------------------------------------------- auto-pay messages

/** What every auto-pay message may say: who, how much, when, and where to act. */
export interface BillingMessage {
  name: string;
  amountPaise: number;
  /** The charge date (reminders, pre-debit), the next attempt (failed), or the paid-until date. */
  date: string | null;
  /** Days before the charge (reminders). */
  daysBefore?: number;
  /** Attempts left after a failure. */
  attemptsLeft?: number;
  /** The subscription page (pay now, set up a new mandate). */
  link: string;
  /** The receipt page of a paid charge. */
  receipt?: string;
}

export type BillingMessageKind =
  | 'payment-reminder'
  | 'pre-debit'
  | 'payment-succeeded'
  | 'payment-failed'
  | 'deactivated'
  | 'reactivated'
  | 'mandate-cancelled';

interface Worded {
  subject: string;
  lines: string[];
  sms: string;
  button: { href: string; label: string };
}

const rupees = (p: BillingMessage) => formatPaise(p.amountPaise);
const when = (d: string | null) => (d ? formatDate(d) : 'soon');

function word(kind: BillingMessageKind, p: BillingMessage): Worded {
  const page = { href: p.link, label: 'See my subscription' };
  switch (kind) {
    case 'payment-reminder':
      return {
        subject: `Your TrekTribe subscription renews in ${p.daysBefore} days`,
        lines: [
          `Auto-pay will charge ${rupees(p)} for your next period on ${when(p.date)}.`,
          'Nothing to do if your mandate is in place. To stop, cancel before then.',
        ],
        sms: `TrekTribe: auto-pay charges ${rupees(p)} on ${when(p.date)} for your subscription. Details: ${p.link}`,
        button: page,
      };
    case 'pre-debit':
      return {
        subject: `Pre-debit notice: ${rupees(p)} on ${when(p.date)}`,
        lines: [
          `This is your pre-debit notice: ${rupees(p)} will be debited through your auto-pay mandate on ${when(p.date)} for your TrekTribe subscription.`,
        ],
        sms: `TrekTribe pre-debit notice: ${rupees(p)} will be debited via auto-pay on ${when(p.date)}. ${p.link}`,
        button: page,
      };
    case 'payment-succeeded':
      return {
        subject: `Payment received: ${rupees(p)}`,
        lines: [
          `We received ${rupees(p)} for your TrekTribe subscription. It is paid until ${when(p.date)}.`,
          'Your receipt is on the page below.',
        ],
        sms: `TrekTribe: payment of ${rupees(p)} received; subscription paid until ${when(p.date)}. Receipt: ${p.receipt ?? p.link}`,
        button: { href: p.receipt ?? p.link, label: 'See the receipt' },
      };
    case 'payment-failed':
      return {
        subject: `Your TrekTribe payment of ${rupees(p)} failed`,
        lines: [
          `Auto-pay could not charge ${rupees(p)} for your subscription.`,
          `We will try again on ${when(p.date)} (${p.attemptsLeft} ${p.attemptsLeft === 1 ? 'attempt' : 'attempts'} left); this message is also the pre-debit notice for that attempt. If the last attempt fails, travelers stop seeing your trips.`,
          'You can pay now instead.',
        ],
        sms: `TrekTribe: auto-pay of ${rupees(p)} failed. We retry on ${when(p.date)} (pre-debit notice). Pay now: ${p.link}`,
        button: { href: p.link, label: 'Pay now' },
      };
    case 'deactivated':
      return {
        subject: 'Your TrekTribe subscription is inactive',
        lines: [
          `We could not charge ${rupees(p)} for your subscription, so it is now inactive and travelers no longer see your trips.`,
          'Bookings already made stay as they are. Pay to make your trips visible again.',
        ],
        sms: `TrekTribe: payment failed, your subscription is inactive and your trips are hidden. Bookings stay valid. Pay: ${p.link}`,
        button: { href: p.link, label: 'Pay and reactivate' },
      };
    case 'reactivated':
      return {
        subject: 'Your TrekTribe subscription is active again',
        lines: [`Thank you: your subscription is active until ${when(p.date)} and travelers see your trips again.`],
        sms: `TrekTribe: your subscription is active again until ${when(p.date)}; your trips are visible.`,
        button: page,
      };
    case 'mandate-cancelled':
      return {
        subject: 'Your auto-pay mandate was stopped',
        lines: [
          'Your bank reports that your auto-pay mandate for TrekTribe was cancelled or paused, so we cannot charge your subscription automatically.',
          `Set up a new mandate (or pay now) before ${when(p.date)} to keep your trips visible.`,
        ],
        sms: `TrekTribe: your auto-pay mandate was stopped. Set up a new one before ${when(p.date)}: ${p.link}`,
        button: { href: p.link, label: 'Set up auto-pay again' },
      };
  }
}

/** One auto-pay message: the email's subject, text and HTML parts, and the SMS line. */
export function billingMessage(kind: BillingMessageKind, p: BillingMessage) {
  const w = word(kind, p);
  return {
    subject: w.subject,
    text: `Hi ${p.name},\n\n${w.lines.join('\n\n')}\n\n${w.button.label}: ${w.button.href}\n`,
    html: (
      <Mail title={w.subject}>
        <p>Hi {p.name},</p>
        {w.lines.map((l) => (
          <p>{l}</p>
        ))}
        <Button href={w.button.href} label={w.button.label} />
      </Mail>
    ).toString(),
    sms: w.sms,
  };
}
