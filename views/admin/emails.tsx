import { Button, Mail } from '../components/Mail.js';

/** What the organizer is told when an admin deactivates or reactivates one of their trips. */
export interface TripModerated {
  brand: string;
  name: string;
  title: string;
  reason: string;
  link: string;
  contact: string;
}

const contactLine = (p: TripModerated) =>
  p.contact ? `Questions: ${p.contact}.` : 'Reply to this email with questions.';

export const tripDeactivatedSubject = (p: TripModerated) => `${p.brand}: your trip "${p.title}" was deactivated`;

export const tripDeactivatedText = (p: TripModerated) =>
  `Hi ${p.name},\n\nAn admin of ${p.brand} deactivated your trip "${p.title}". Travelers no longer find it; bookings already made stay as they are.\n\nReason: ${p.reason}\n\n${contactLine(p)}\n\nYour trips: ${p.link}\n`;

export const tripDeactivatedHtml = (p: TripModerated) =>
  (
    <Mail title="Your trip was deactivated" brand={p.brand}>
      <p>Hi {p.name},</p>
      <p>
        An admin of {p.brand} deactivated your trip “{p.title}”. Travelers no longer find it; bookings already made stay
        as they are.
      </p>
      <p>
        <strong>Reason:</strong> {p.reason}
      </p>
      <p>{contactLine(p)}</p>
      <Button href={p.link} label="See my trips" />
    </Mail>
  ).toString();

export const tripReactivatedSubject = (p: TripModerated) => `${p.brand}: your trip "${p.title}" is live again`;

export const tripReactivatedText = (p: TripModerated) =>
  `Hi ${p.name},\n\nAn admin of ${p.brand} reactivated your trip "${p.title}": travelers can find and book it again.\n\nNote: ${p.reason}\n\nYour trips: ${p.link}\n`;

export const tripReactivatedHtml = (p: TripModerated) =>
  (
    <Mail title="Your trip is live again" brand={p.brand}>
      <p>Hi {p.name},</p>
      <p>
        An admin of {p.brand} reactivated your trip “{p.title}”: travelers can find and book it again.
      </p>
      <p>
        <strong>Note:</strong> {p.reason}
      </p>
      <Button href={p.link} label="See my trips" />
    </Mail>
  ).toString();
