import { z } from 'zod';

/**
 * Form and query fields that every schema shares. Each checks its bounds before anything
 * else sees the value, so no refinement, loop or allocation ever runs on a number like
 * 1e308: a failed field aborts the parse of its object (zod skips the object's refinements).
 */

interface WholeNumber {
  min: number;
  max: number;
  /** Shown when it is not a whole number at all (empty, "abc", "1.5", "1e3", a repeated field). */
  message: string;
  /** Shown when it is below `min` (default `message`). */
  tooSmall?: string;
  /** Shown when it is above `max` (default `message`). */
  tooLarge?: string;
}

/** Past this many digits a number is not a safe integer; Number() never sees a longer text. */
const MAX_DIGITS = 16;

/**
 * A whole number typed in a form or a query string: digits (a minus sign allowed), spaces
 * around them ignored, a safe integer within [min, max]. Anything else (empty, "1.5", "1e3",
 * "Infinity", a repeated field) is a field error with the given message, never an exception.
 */
export function wholeNumber(o: WholeNumber) {
  if (!(Number.isSafeInteger(o.min) && Number.isSafeInteger(o.max) && o.min <= o.max))
    throw new Error(`wholeNumber: bad bounds ${o.min}..${o.max}`);
  return z.unknown().transform((v, ctx): number => {
    const text = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!/^-?\d+$/.test(text)) return fail(o.message);
    const negative = text.startsWith('-');
    const n = text.replace(/^-?0*/, '').length > MAX_DIGITS ? NaN : Number(text);
    if (!Number.isSafeInteger(n)) return fail((negative ? o.tooSmall : o.tooLarge) ?? o.message);
    if (n < o.min) return fail(o.tooSmall ?? o.message);
    if (n > o.max) return fail(o.tooLarge ?? o.message);
    return n;
  });
}

/** A row id in a form or a query (a departure, a trip): a positive safe integer. */
export const idField = (message: string) => wholeNumber({ min: 1, max: Number.MAX_SAFE_INTEGER, message });

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date written YYYY-MM-DD (2027-02-30 and 2027-13-01 are not). */
export function isCalendarDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);
}

/** A calendar date as a date input sends it (YYYY-MM-DD), a real one; the message otherwise. */
export const calendarDay = (message: string) =>
  z.unknown().transform((v, ctx): string => {
    const s = typeof v === 'string' ? v.trim() : '';
    if (!isCalendarDay(s)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return s;
  });

/** The field, or undefined when it was left empty (absent, or only spaces). */
export const blankOr = <T extends z.ZodType>(field: T) =>
  z.preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    field.optional(),
  );
