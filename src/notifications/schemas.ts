import { z } from 'zod';
import { blankOr, calendarDay } from '../lib/fields.js';

/** Repeated form values (none sent: the field is absent), each short, a bounded number of them. */
const repeated = (max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().max(80)).max(max));

/**
 * /notifications/settings: the ticked `${kind}|${channel}` boxes, and each topic's select
 * (`${topic}|${choice}`) beside the choice the page showed (hidden `shown`).
 */
export const preferencesForm = z.object({
  on: repeated(400),
  group: repeated(20),
  shown: repeated(20),
});

export const AUDIENCES = ['all', 'traveler', 'organizer', 'agent', 'admin'] as const;

/** /admin/announcements */
export const announcementForm = z.object({
  audience: z.enum(AUDIENCES, { message: 'Choose who it is for.' }),
  title: z.string().trim().min(1, 'Give it a title.').max(120, 'Keep the title under 120 characters.'),
  body: z.string().trim().min(1, 'Write the announcement.').max(600, 'Keep it under 600 characters: it is a banner.'),
  until: blankOr(calendarDay('Enter a date like 2026-12-31, or leave it empty.')),
});
