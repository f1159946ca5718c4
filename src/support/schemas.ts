import { z } from 'zod';
import type { UploadForm } from '../lib/uploads.js';
import { idField, wholeNumber } from '../lib/fields.js';

export const MAX_TICKET_IMAGES = 3;
const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'] as const;

const text = (what: string, min: number, max: number) =>
  z
    .string({ message: `Write ${what}.` })
    .trim()
    .min(min, min === 1 ? `Write ${what}.` : `Write ${what} (at least ${min} characters).`)
    .max(max, `Keep ${what} under ${max.toLocaleString('en-IN')} characters.`);

/** The files actually chosen (a file input left empty posts a nameless, empty part). */
const chosenFiles = (v: unknown): File[] =>
  [v]
    .flat()
    .filter((f): f is File => f instanceof File && (f.size > 0 || f.name !== ''))
    .slice(0, MAX_TICKET_IMAGES + 1);

const images = z
  .unknown()
  .transform(chosenFiles)
  .refine((files) => files.length <= MAX_TICKET_IMAGES, `Attach at most ${MAX_TICKET_IMAGES} images.`);

/** One of the customer's bookings, or none: something else is taken as none (the service checks it is theirs). */
const optionalId = idField('Choose one of your bookings.')
  .optional()
  .catch(undefined)
  .transform((n) => n ?? null);

/** A new ticket, read from readUploadForm. */
export const ticketForm = z.object({
  subject: text('a subject', 3, 120),
  body: text('your message', 1, 5000),
  booking: optionalId,
  images,
});
export type TicketInput = z.output<typeof ticketForm>;

/** The customer's reply, read from readUploadForm. */
export const customerReplyForm = z.object({ body: text('your reply', 1, 5000), images });
export type CustomerReplyInput = z.output<typeof customerReplyForm>;

/** Reads a posted upload form into what the schemas above take (text fields as strings). */
export const uploadFields = (form: UploadForm) => ({
  ...Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')),
  images: form.images ?? form['images[]'],
});

export const statusField = z.enum(STATUSES, { message: 'Choose a status.' });

export const agentReplyForm = z.object({
  body: text('the reply', 1, 5000),
  status: statusField.default('waiting'),
});

export const noteForm = z.object({ body: text('the note', 1, 5000) });
export const statusForm = z.object({ status: statusField });

export const ratingForm = z.object({
  rating: wholeNumber({ min: 1, max: 5, message: 'Choose from 1 to 5 stars.' }),
});

export const savedReplyForm = z.object({
  title: text('a title', 2, 80),
  body: text('the text', 1, 5000),
});
export type SavedReplyInput = z.output<typeof savedReplyForm>;

/** The queue's filters, from the query string; anything unknown falls back to the default. */
export const queueQuery = z.object({
  status: z.enum([...STATUSES, 'active', 'all']).catch('active'),
  assignee: z.enum(['any', 'unassigned', 'mine']).catch('any'),
  age: z.enum(['any', '1', '3', '7']).catch('any'),
  booking: z.enum(['any', 'yes']).catch('any'),
  after: z
    .string()
    .regex(/^[0-9T:.\-Z]{10,30}~\d{1,12}$/)
    .optional()
    .catch(undefined),
});

/** ?reply=ID on an agent's ticket page: start the reply from that saved reply. */
export const savedReplyQuery = z.object({
  reply: idField('Choose a saved reply.').optional().catch(undefined),
});
export type QueueQuery = z.output<typeof queueQuery>;
