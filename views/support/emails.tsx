import { Button, Mail } from '../components/Mail.js';

/** Support messages to the customer: each email has an HTML part (these components) and a plain-text part. */

export interface TicketReplyMail {
  name: string;
  ticketId: number;
  subject: string;
  agentName: string;
  reply: string;
  link: string;
}

/**
 * Who answered, as the customer reads it: "Asha from TrekTribe support", or "TrekTribe support"
 * when the agent's account is the platform's own ("TrekTribe Support": never "TrekTribe from
 * TrekTribe support").
 */
export const staffSignature = (name: string, style: 'from' | 'brackets' = 'from') => {
  const first = name.trim().split(/\s+/)[0] || name;
  if (/^trektribe$/i.test(first)) return 'TrekTribe support';
  return style === 'from' ? `${first} from TrekTribe support` : `${first} (TrekTribe support)`;
};

export const ticketReplySubject = (p: Pick<TicketReplyMail, 'ticketId' | 'subject'>) =>
  `Re: ${p.subject} [ticket #${p.ticketId}]`;

export const ticketReplyText = (p: TicketReplyMail) =>
  `Hi ${p.name},\n\n${staffSignature(p.agentName)} replied to your ticket #${p.ticketId} (${p.subject}):\n\n${p.reply}\n\nReply or read the whole conversation: ${p.link}\n`;

export const ticketReplyHtml = (p: TicketReplyMail) =>
  (
    <Mail title={`A reply to your ticket #${p.ticketId}`}>
      <p>Hi {p.name},</p>
      <p>
        {staffSignature(p.agentName)} replied to <strong>{p.subject}</strong>:
      </p>
      <blockquote style="white-space: pre-wrap; border-left: 3px solid #d1d5db; margin: 0; padding-left: 0.75rem;">
        {p.reply}
      </blockquote>
      <Button href={p.link} label="Reply or read the conversation" />
    </Mail>
  ).toString();

export interface TicketResolvedMail {
  name: string;
  ticketId: number;
  subject: string;
  link: string;
}

export const ticketResolvedSubject = (p: Pick<TicketResolvedMail, 'ticketId'>) =>
  `How did we do? Ticket #${p.ticketId} is resolved`;

export const ticketResolvedText = (p: TicketResolvedMail) =>
  `Hi ${p.name},\n\nWe marked your ticket #${p.ticketId} (${p.subject}) as resolved. How did we do? Rate our help from 1 to 5: ${p.link}\n\nNot solved after all? Reply on the same page and the ticket opens again.\n`;

export const ticketResolvedHtml = (p: TicketResolvedMail) =>
  (
    <Mail title={`Ticket #${p.ticketId} is resolved`}>
      <p>Hi {p.name},</p>
      <p>
        We marked your ticket <strong>{p.subject}</strong> as resolved. How did we do?
      </p>
      <Button href={p.link} label="Rate our help (1–5)" />
      <p>Not solved after all? Reply on the same page and the ticket opens again.</p>
    </Mail>
  ).toString();

export interface TicketClosedMail {
  name: string;
  ticketId: number;
  subject: string;
  days: number;
  link: string;
}

export const ticketClosedText = (p: TicketClosedMail) =>
  `Hi ${p.name},\n\nWe closed your ticket #${p.ticketId} (${p.subject}): we asked you something ${p.days} days ago and did not hear back. Need more help? Open a new ticket: ${p.link}\n`;

export const ticketClosedHtml = (p: TicketClosedMail) =>
  (
    <Mail title={`Ticket #${p.ticketId} is closed`}>
      <p>Hi {p.name},</p>
      <p>
        We closed your ticket <strong>{p.subject}</strong>: we asked you something {p.days} days ago and did not hear
        back.
      </p>
      <Button href={p.link} label="Open a new ticket" />
    </Mail>
  ).toString();
