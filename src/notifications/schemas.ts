import { z } from 'zod';
import { blankOr, calendarDay } from '../lib/fields.js';

/** /notifications/settings: the ticked `${kind}|${channel}` boxes (none ticked: the field is absent). */
export const preferencesForm = z.object({
  on: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().max(80)).max(400)),
});

export const AUDIENCES = ['all', 'traveler', 'organizer', 'agent', 'admin'] as const;

/** /admin/announcements */
export const announcementForm = z.object({
  audience: z.enum(AUDIENCES, { message: 'Choose who it is for.' }),
  title: z.string().trim().min(1, 'Give it a title.').max(120, 'Keep the title under 120 characters.'),
  body: z.string().trim().min(1, 'Write the announcement.').max(600, 'Keep it under 600 characters: it is a banner.'),
  until: blankOr(calendarDay('Enter a date like 2026-12-31, or leave it empty.')),
});
