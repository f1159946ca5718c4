import { z } from 'zod';
import { phone } from '../lib/phone.js';
import { wholeNumber } from '../lib/fields.js';
import { passwordProblem } from './passwords.js';

/**
 * Phone numbers are stored in E.164. A 10-digit Indian mobile (6–9 first), optionally with
 * a leading 0 or 91, becomes +91…; other countries must be typed with their +code.
 */

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`);
const optionalText = (max: number) =>
  text(max)
    .optional()
    .transform((s) => (s ? s : null));

export const name = text(80).min(1, 'Enter your name.');
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'That email address is too long.')
  .pipe(z.email('Enter an email address like name@example.com.'));
export const newPassword = z.string().superRefine((pw, ctx) => {
  const problem = passwordProblem(pw);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const selfServiceRole = z.enum(['traveler', 'organizer'], 'Choose whether you travel or organize treks.');
const next = z.string().max(500).optional();

export const registerForm = z.object({ name, email, phone, password: newPassword, role: selfServiceRole });
export const loginForm = z.object({
  email,
  password: z.string().min(1, 'Enter your password.').max(200),
  next,
});
export const forgotForm = z.object({ email });
export const verifyEmailForm = z.object({ token: z.string().min(1).max(100) });
export const resetForm = z.object({ token: z.string().min(1).max(100), password: newPassword });
export const otpForm = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from the SMS.'),
});
export const completeProfileForm = z.object({ phone, role: selfServiceRole });

export const profileForm = z.object({
  name,
  bio: optionalText(1000),
  location: optionalText(120),
  photo: z.union([z.instanceof(File), z.string()]).optional(),
});
export const phoneForm = z.object({ phone });
export const passwordForm = z.object({ current: z.string().max(200).optional().default(''), password: newPassword });

export const UPI_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,255}@[a-zA-Z][a-zA-Z0-9.-]{1,63}$/;
export const organizerForm = z.object({
  org_display_name: optionalText(100),
  org_about: optionalText(2000),
  upi_id: z
    .string()
    .trim()
    .max(320)
    .refine((s) => s === '' || UPI_ID.test(s), 'Enter a UPI ID like yourname@okaxis.')
    .transform((s) => (s === '' ? null : s)),
});

export const staffForm = z.object({
  name,
  email,
  phone,
  role: z.enum(['agent', 'admin'], 'Choose agent or admin.'),
  password: newPassword,
});
export const roleForm = z.object({ role: z.enum(['traveler', 'organizer', 'agent', 'admin'], 'Choose a role.') });
export const statusForm = z.object({ status: z.enum(['active', 'deactivated'], 'Choose active or deactivated.') });
export const userSearch = z.object({
  q: z.string().trim().max(100).optional().default(''),
  role: z.enum(['traveler', 'organizer', 'agent', 'admin', '']).optional().default(''),
  page: wholeNumber({ min: 1, max: 10_000, message: 'Choose a page.' }).optional().default(1).catch(1),
});

export type RegisterInput = z.infer<typeof registerForm>;
export type ProfileInput = z.infer<typeof profileForm>;
export type OrganizerInput = z.infer<typeof organizerForm>;
export type StaffInput = z.infer<typeof staffForm>;
