import { Button, Mail } from '../components/Mail.js';

/** The invitation to review a trip, sent once after it ended: subject, plain text and HTML. */
export interface Invite {
  name: string;
  title: string;
  organizerName: string;
  link: string;
}

export function inviteEmail(p: Invite): { subject: string; text: string; html: string } {
  const ask = `How was ${p.title}? A few lines from you help other travelers choose, and tell ${p.organizerName} what went well.`;
  return {
    subject: `How was ${p.title}?`,
    text: `Hi ${p.name},\n\n${ask}\n\nWrite your review: ${p.link}\n`,
    html: (
      <Mail title={`How was ${p.title}?`}>
        <p>Hi {p.name},</p>
        <p>{ask}</p>
        <Button href={p.link} label="Write your review" />
      </Mail>
    ).toString(),
  };
}
