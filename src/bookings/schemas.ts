import { z } from 'zod';
import { phone } from '../lib/phone.js';
import { idField, wholeNumber } from '../lib/fields.js';

/** The most guests one booking takes (the database checks it too). */
export const MAX_GUESTS = 10;

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The guest rows of the booking form (and of the participants' form): one value per guest in each array. */
const guestRows = {
  name: z.preprocess(
    list,
    z.array(z.string().trim().min(2, 'Enter the full name.').max(80, 'Keep the name under 80 characters.')),
  ),
  phone: z.preprocess(list, z.array(phone)),
  age: z.preprocess(list, z.array(wholeNumber({ min: 1, max: 99, message: 'Enter the age in years.' }))),
  diet: z.preprocess(list, z.array(z.string().trim().max(100, 'Keep it under 100 characters.'))),
};

/** Every guest has a name, a phone and an age: a missing one is an error next to its field. */
function everyGuestFilled(
  f: { guests: number; name: string[]; phone: string[]; age: number[] },
  ctx: z.RefinementCtx,
): void {
  // Only a number of guests within bounds gets here (a failed field skips this), checked again
  // because this loop runs once per guest.
  if (!Number.isSafeInteger(f.guests) || f.guests > MAX_GUESTS) return;
  for (let i = 0; i < f.guests; i++) {
    if (f.name[i] === undefined) ctx.addIssue({ code: 'custom', path: ['name', i], message: 'Enter the full name.' });
    if (f.phone[i] === undefined)
      ctx.addIssue({ code: 'custom', path: ['phone', i], message: 'Enter a 10-digit mobile number.' });
    if (f.age[i] === undefined) ctx.addIssue({ code: 'custom', path: ['age', i], message: 'Enter the age in years.' });
  }
}

export const bookingForm = z
  .object({
    departure: idField('Choose a date.'),
    guests: wholeNumber({
      min: 1,
      max: MAX_GUESTS,
      message: 'Enter the number of guests.',
      tooSmall: 'Book for at least 1 guest.',
      tooLarge: `Book for at most ${MAX_GUESTS} guests.`,
    }),
    ...guestRows,
    requests: z.string().trim().max(1000, 'Keep special requests under 1000 characters.').default(''),
    pay: z.enum(['deposit', 'full'], 'Choose the deposit or the full amount.').default('full'),
  })
  .superRefine(everyGuestFilled);

export type BookingForm = z.infer<typeof bookingForm>;

/** The departure a booking moves to. */
export const moveForm = z.object({ departure: idField('Choose a date to move to.') });

/** The participants' details rewritten: the booking form's guest rows, as many as the booking has. */
export const participantsForm = z
  .object({
    guests: wholeNumber({ min: 1, max: MAX_GUESTS, message: 'Send the form again from the booking page.' }),
    ...guestRows,
  })
  .superRefine(everyGuestFilled);
export type ParticipantsForm = z.infer<typeof participantsForm>;

export const joinForm = z.object({ departure: idField('Choose a date.') });

/** A place on a departure's waitlist for a group of `guests`. */
export const waitlistForm = z.object({
  departure: idField('Choose a date.'),
  guests: wholeNumber({
    min: 1,
    max: MAX_GUESTS,
    message: 'Enter the number of guests.',
    tooSmall: 'Wait for at least 1 guest.',
    tooLarge: `Wait for at most ${MAX_GUESTS} guests.`,
  }),
});

export const checkoutReturn = z.object({
  razorpay_order_id: z.string().max(100).optional(),
  razorpay_payment_id: z.string().max(100).optional(),
  razorpay_signature: z.string().max(200).optional(),
  error_description: z.string().max(500).optional(),
});

/** A file input left empty arrives as a file with no name and no bytes: no file. */
const chosenFile = (v: unknown) => (v instanceof File && (v.size > 0 || v.name !== '') ? v : undefined);

/**
 * The UPI proof: the UTR and either a screenshot or `kept`, the reference of one sent with an
 * earlier try and kept by the server (checked by the service against the booking and the user).
 */
export const upiProofForm = z
  .object({
    utr: z
      .string()
      .trim()
      .regex(/^\d{12}$/, 'Enter the 12-digit UTR (UPI reference number) shown in your UPI app.'),
    screenshot: z.preprocess(chosenFile, z.instanceof(File).optional()),
    kept: z.string().trim().max(64).optional(),
  })
  .superRefine((f, ctx) => {
    if (!f.screenshot && !f.kept)
      ctx.addIssue({ code: 'custom', path: ['screenshot'], message: 'Choose the screenshot of your payment.' });
  });

/** The screenshot of a UPI proof form, if one was chosen. */
export const postedScreenshot = (v: unknown): File | undefined => chosenFile(Array.isArray(v) ? v[0] : v);

export const rejectForm = z.object({
  reason: z
    .string()
    .trim()
    .min(3, 'Tell the traveler why (at least 3 characters).')
    .max(300, 'Keep it under 300 characters.'),
});

/** The organizer asks for the UPI proof again: what the traveler is to fix, shown to them. */
export const resendForm = z.object({
  fix: z
    .string()
    .trim()
    .min(3, 'Tell the traveler what to fix (at least 3 characters).')
    .max(300, 'Keep it under 300 characters.'),
});

export const cancelDepartureForm = z.object({
  note: z.string().trim().max(500, 'Keep the note under 500 characters.').default(''),
});

/** zod issues → { "name.1": "Enter the full name." } for the form. */
