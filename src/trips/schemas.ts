import { z } from 'zod';
import { rupeesToPaise } from '../lib/money.js';
import { blankOr, calendarDay, idField, isCalendarDay as isDay, wholeNumber } from '../lib/fields.js';
import type { UploadForm } from '../lib/uploads.js';
import { CATEGORY_SLUGS, DIFFICULTIES, MAX_CATEGORIES, REGIONS, SORTS, type Sort } from './catalog.js';
import type { Difficulty } from './tables.js';

// ---------------------------------------------------------------------------------------
// Search (GET /trips): lenient — a value we do not understand is ignored, never an error.

const optional = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const rupees = z
  .preprocess(blankToUndefined, wholeNumber({ min: 0, max: 10_000_000, message: 'Enter rupees.' }).optional())
  .catch(undefined);

export const SearchQuery = z.object({
  q: z.preprocess((v) => (typeof v === 'string' ? v.slice(0, 100) : undefined), z.string().optional()),
  region: optional(z.enum(REGIONS)),
  category: optional(z.enum(CATEGORY_SLUGS as [string, ...string[]])),
  difficulty: optional(z.enum(DIFFICULTIES as [Difficulty, ...Difficulty[]])),
  from: optional(calendarDay('Enter a date.')),
  to: optional(calendarDay('Enter a date.')),
  min: rupees,
  max: rupees,
  seats: optional(z.literal('1')),
  sort: z
    .enum(Object.keys(SORTS) as [Sort, ...Sort[]])
    .catch('soonest')
    .default('soonest'),
  page: wholeNumber({ min: 1, max: 1000, message: 'Choose a page.' }).catch(1).default(1),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/**
 * The user's words as an FTS5 expression that cannot be an operator: each term quoted (a
 * `"` doubled), prefix-matched, all required. Terms without a letter or digit are dropped;
 * null when nothing is left.
 */
export function ftsQuery(q: string | undefined): string | null {
  if (!q) return null;
  // Control characters (a NUL ends the string for FTS5) separate words like spaces.
  const terms = q
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/)
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, 8)
    .map((t) => `"${t.replace(/"/g, '""')}"*`);
  return terms.length ? terms.join(' ') : null;
}

// ---------------------------------------------------------------------------------------
// The organizer's trip form

export const MAX_DEPARTURES = 20;
export const MAX_DAYS = 30;
export const MAX_IMAGES = 8;
/** The earliest a balance may fall due before the start, in days. */
export const MIN_BALANCE_DUE_DAYS = 7;

/** The form as typed: strings only, so it can be shown again exactly as it was. */
export interface TripDraft {
  title: string;
  description: string;
  destination: string;
  region: string;
  price: string;
  /** Moves to another departure (and participants' edits) allowed until this many days before the start. */
  move_cutoff_days: string;
  /** What a traveler's move costs, in rupees; blank or 0: free. */
  move_fee: string;
  categories: string[];
  difficulty: string;
  included: string;
  requirements: string;
  itinerary: string;
  meeting_point: string;
  /** '' (paid in full when booked), 'percent' or 'amount' (₹ per guest). */
  deposit_kind: string;
  deposit_value: string;
  balance_due_days: string;
  schedule: { title: string; activities: string }[];
  departures: {
    id: string;
    start_date: string;
    end_date: string;
    capacity: string;
    remove: boolean;
    seats_taken?: number;
  }[];
  cover: string;
  remove_images: string[];
  /** Keys of photos stored when the form was shown again, waiting for the save (in order). */
  photos: string[];
  /** Of those, the ones ticked "remove". */
  remove_photos: string[];
}

export type Intent = 'save' | 'publish' | 'add_departure' | 'add_day';

export const emptyDraft = (): TripDraft => ({
  title: '',
  description: '',
  destination: '',
  region: '',
  price: '',
  move_cutoff_days: '2',
  move_fee: '0',
  categories: [],
  difficulty: 'beginner',
  included: '',
  requirements: '',
  itinerary: '',
  meeting_point: '',
  deposit_kind: '',
  deposit_value: '',
  balance_due_days: '',
  schedule: [{ title: '', activities: '' }],
  departures: [{ id: '', start_date: '', end_date: '', capacity: '', remove: false }],
  cover: '',
  remove_images: [],
  photos: [],
  remove_photos: [],
});

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : '');
const strs = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/** Reads the posted form (readUploadForm) into a draft, the new image files and the button pressed. */
export function readTripForm(raw: UploadForm): { draft: TripDraft; files: File[]; intent: Intent } {
  const rows = (prefix: string) => {
    const out: Record<number, Record<string, string>> = {};
    const re = new RegExp(`^${prefix}\\[(\\d{1,2})\\]\\[(\\w+)\\]$`);
    for (const [k, v] of Object.entries(raw)) {
      const m = re.exec(k);
      if (m) (out[Number(m[1])] ??= {})[m[2]] = str(v);
    }
    return Object.keys(out)
      .map(Number)
      .sort((a, b) => a - b)
      .map((i) => out[i]);
  };
  const draft: TripDraft = {
    title: str(raw.title),
    description: str(raw.description),
    destination: str(raw.destination),
    region: str(raw.region),
    price: str(raw.price),
    move_cutoff_days: str(raw.move_cutoff_days),
    move_fee: str(raw.move_fee),
    categories: strs(raw.categories),
    difficulty: str(raw.difficulty),
    included: str(raw.included),
    requirements: str(raw.requirements),
    itinerary: str(raw.itinerary),
    meeting_point: str(raw.meeting_point),
    deposit_kind: str(raw.deposit_kind),
    deposit_value: str(raw.deposit_value),
    balance_due_days: str(raw.balance_due_days),
    schedule: rows('schedule')
      .map((r) => ({ title: r.title ?? '', activities: r.activities ?? '' }))
      .slice(0, MAX_DAYS),
    departures: rows('departures')
      .map((r) => ({
        id: r.id ?? '',
        start_date: r.start_date ?? '',
        end_date: r.end_date ?? '',
        capacity: r.capacity ?? '',
        remove: r.remove === '1',
      }))
      .slice(0, MAX_DEPARTURES),
    cover: str(raw.cover),
    remove_images: strs(raw.remove_images),
    photos: strs(raw.photos).slice(0, MAX_IMAGES * 2),
    remove_photos: strs(raw.remove_photos).slice(0, MAX_IMAGES * 2),
  };
  const files = (Array.isArray(raw.images) ? raw.images : raw.images ? [raw.images] : []).filter(
    (f): f is File => typeof f !== 'string' && f.size > 0,
  );
  const i = str(raw.intent);
  const intent: Intent = i === 'publish' || i === 'add_departure' || i === 'add_day' ? i : 'save';
  return { draft, files, intent };
}

const lines = (max: number, label: string) =>
  z
    .string()
    .max(max * 210, `Keep ${label} shorter.`)
    .transform((s) =>
      s
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .refine((a) => a.length <= max, `List at most ${max} ${label}, one per line.`)
    .refine((a) => a.every((l) => l.length <= 200), `Keep each of the ${label} under 200 characters.`);

const text = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .min(min, min <= 1 ? `Enter the ${what}.` : `Enter the ${what} (at least ${min} characters).`)
    .max(max, `The ${what} is too long (at most ${max.toLocaleString('en-IN')} characters).`);

/** The draft checked and turned into a trip; `today` is the IST calendar date. */
export function tripInputSchema(today: string) {
  const departure = z
    .object({
      id: blankOr(idField('Choose a departure from the list.')).transform((n) => n ?? null),
      start_date: calendarDay('Choose the start date.'),
      end_date: calendarDay('Choose the end date.'),
      capacity: wholeNumber({
        min: 1,
        max: 500,
        message: 'Enter the number of seats (1 to 500).',
        tooSmall: 'Seats must be between 1 and 500.',
        tooLarge: 'Seats must be between 1 and 500.',
      }),
      remove: z.boolean(),
    })
    .superRefine((d, ctx) => {
      if (d.remove) return;
      if (isDay(d.start_date) && d.start_date < today)
        ctx.addIssue({
          code: 'custom',
          path: ['start_date'],
          message: 'This date has passed. Choose a future start date.',
        });
      if (isDay(d.start_date) && isDay(d.end_date) && d.end_date < d.start_date)
        ctx.addIssue({
          code: 'custom',
          path: ['end_date'],
          message: 'The end date must be on or after the start date.',
        });
    });
  return z
    .object({
      title: text(5, 120, 'title'),
      description: text(20, 5000, 'description'),
      destination: text(2, 120, 'destination'),
      region: z.enum(REGIONS, 'Choose a region.'),
      price: z
        .string()
        .transform((s, ctx) => {
          const p = rupeesToPaise(s);
          if (p === null) {
            ctx.addIssue({ code: 'custom', message: 'Enter the price in rupees, e.g. 12499.' });
            return z.NEVER;
          }
          return p;
        })
        .refine((p) => p >= 100 * 100, 'The price must be at least ₹100.')
        .refine((p) => p <= 10_00_000 * 100, 'The price must be at most ₹10,00,000.'),
      move_cutoff_days: z.preprocess(
        (s) => (typeof s === 'string' && s.trim() === '' ? '2' : s),
        wholeNumber({ min: 0, max: 365, message: 'Enter a number of days from 0 to 365.' }),
      ),
      move_fee: z
        .string()
        .transform((s, ctx) => {
          const p = s.trim() === '' ? 0 : rupeesToPaise(s);
          if (p === null) {
            ctx.addIssue({ code: 'custom', message: 'Enter the fee in rupees, e.g. 500, or 0 for free moves.' });
            return z.NEVER;
          }
          return p;
        })
        .refine((p) => p <= 1_00_000 * 100, 'The move fee must be at most ₹1,00,000.'),
      categories: z
        .array(z.enum(CATEGORY_SLUGS as [string, ...string[]], 'Choose categories from the list.'))
        .max(MAX_CATEGORIES, `Choose at most ${MAX_CATEGORIES} categories.`)
        .transform((a) => [...new Set(a)]),
      difficulty: z.enum(DIFFICULTIES as [Difficulty, ...Difficulty[]], 'Choose a difficulty.'),
      included: lines(30, 'included items'),
      requirements: lines(30, 'requirements'),
      itinerary: z.string().trim().max(10_000, 'The itinerary is too long (at most 10,000 characters).'),
      meeting_point: z.string().trim().max(200, 'Keep the meeting point under 200 characters.'),
      deposit_kind: z.enum(['', 'percent', 'amount'], 'Choose how the deposit is counted.'),
      deposit_value: z.string().trim().max(20),
      balance_due_days: z.string().trim().max(10),
      schedule: z
        .array(
          z.object({
            title: z.string().trim().max(120, 'Keep the day title under 120 characters.'),
            activities: z.string().trim().max(2000, 'Keep the activities under 2,000 characters.'),
          }),
        )
        .transform((days) => days.filter((d) => d.title || d.activities).map((d, i) => ({ day: i + 1, ...d }))),
      departures: z.array(departure).refine((a) => a.some((d) => !d.remove), 'Add at least one departure.'),
      cover: z.string(),
      remove_images: z
        .array(idField('Choose photos from the list.'))
        .max(MAX_IMAGES * 2, 'Choose photos from the list.'),
      // Only keys the service found pending for this user get here; it checks them again when it attaches them.
      photos: z.array(z.string()).transform((a) => [...new Set(a)]),
    })
    .transform((f, ctx) => {
      const deposit = depositTerms(f, ctx);
      return { ...f, deposit };
    });
}

/** The deposit fields of the trip form as the trip's columns; issues on their fields when they will not do. */
function depositTerms(
  f: { deposit_kind: '' | 'percent' | 'amount'; deposit_value: string; balance_due_days: string; price: number },
  ctx: z.RefinementCtx,
): { deposit_kind: 'percent' | 'amount' | null; deposit_value: number | null; balance_due_days: number | null } {
  const none = { deposit_kind: null, deposit_value: null, balance_due_days: null };
  if (!f.deposit_kind) return none;
  let value: number | null = null;
  if (f.deposit_kind === 'percent') {
    const n = /^\d{1,2}$/.test(f.deposit_value) ? Number(f.deposit_value) : NaN;
    if (!(n >= 1 && n <= 99))
      ctx.addIssue({ code: 'custom', path: ['deposit_value'], message: 'Enter a percentage from 1 to 99.' });
    else value = n;
  } else {
    const p = rupeesToPaise(f.deposit_value);
    if (p === null || p < 100)
      ctx.addIssue({
        code: 'custom',
        path: ['deposit_value'],
        message: 'Enter the deposit per guest in rupees, e.g. 3000.',
      });
    else if (p >= f.price)
      ctx.addIssue({ code: 'custom', path: ['deposit_value'], message: 'The deposit must be less than the price.' });
    else value = p;
  }
  const days = /^\d{1,3}$/.test(f.balance_due_days) ? Number(f.balance_due_days) : NaN;
  // At least a week: the last reminder and the grace after the due date must end before the trek starts.
  if (!(days >= MIN_BALANCE_DUE_DAYS && days <= 180)) {
    ctx.addIssue({
      code: 'custom',
      path: ['balance_due_days'],
      message: `Enter the days before the start that the balance is due (${MIN_BALANCE_DUE_DAYS} to 180).`,
    });
    return none;
  }
  return value === null ? none : { deposit_kind: f.deposit_kind, deposit_value: value, balance_due_days: days };
}
export type TripInput = z.output<ReturnType<typeof tripInputSchema>>;

/** Zod issues as messages keyed by the form field name (departures[0][start_date]). */

/** Fields whose items' messages show on the field itself (a set of checkboxes). */
export const WHOLE_FIELDS = ['categories', 'remove_images'] as const;
