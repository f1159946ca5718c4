import { z } from 'zod';

/**
 * A mobile number in E.164: Indian numbers by default (10 digits, with or without 0 or 91 in
 * front, +91 added), other countries with their + code. Null when it is not one.
 */
export function normalizePhone(input: string): string | null {
  const t = input.replace(/[\s\-().]/g, '');
  if (/^[6-9]\d{9}$/.test(t)) return `+91${t}`;
  if (/^0[6-9]\d{9}$/.test(t)) return `+91${t.slice(1)}`;
  if (/^91[6-9]\d{9}$/.test(t)) return `+${t}`;
  if (/^\+91/.test(t)) return /^\+91[6-9]\d{9}$/.test(t) ? t : null;
  if (/^\+[1-9]\d{7,14}$/.test(t)) return t;
  return null;
}

/** The one phone field: an account's number, a guest's number. */
export const phone = z
  .string()
  .trim()
  .min(1, 'Enter a mobile number.')
  .transform((s, ctx) => {
    const p = normalizePhone(s);
    if (!p) {
      ctx.addIssue({
        code: 'custom',
        message: 'Enter a 10-digit Indian mobile number, or an international number starting with +.',
      });
      return z.NEVER;
    }
    return p;
  });
