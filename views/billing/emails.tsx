import { Button, Mail } from '../components/Mail.js';
import { formatDateTime } from '../../src/lib/time.js';

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
