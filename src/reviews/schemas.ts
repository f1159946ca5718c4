import { z } from 'zod';
import { wholeNumber } from '../lib/fields.js';

/** The tags a review may carry: slug → label. */
export const REVIEW_TAGS = {
  'well-organized': 'Well organized',
  'great-guide': 'Great guide',
  scenic: 'Stunning views',
  'good-food': 'Good food',
  'safety-first': 'Safety first',
  'value-for-money': 'Value for money',
  'small-group': 'Small group',
  challenging: 'Challenging',
  'beginner-friendly': 'Beginner friendly',
  'eco-friendly': 'Leaves no trace',
} as const satisfies Record<string, string>;
export type ReviewTag = keyof typeof REVIEW_TAGS;
export const TAG_SLUGS = Object.keys(REVIEW_TAGS) as [ReviewTag, ...ReviewTag[]];
export const MAX_TAGS = 5;

/** Why a review is reported: slug → label. */
export const REPORT_REASONS = {
  spam: 'Spam or advertising',
  offensive: 'Abusive or offensive',
  personal: 'Shares personal details',
  'not-genuine': 'Not about this trip',
  other: 'Something else',
} as const satisfies Record<string, string>;
export type ReportReason = keyof typeof REPORT_REASONS;

const list = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

const stars = (what: string) => wholeNumber({ min: 1, max: 5, message: `Give the ${what} 1 to 5 stars.` });

export const reviewForm = z.object({
  trip_stars: stars('trip'),
  organizer_stars: stars('organizer'),
  title: z
    .string({ message: 'Give your review a title.' })
    .trim()
    .min(3, 'Give your review a title (at least 3 characters).')
    .max(100, 'Keep the title under 100 characters.'),
  comment: z
    .string({ message: 'Tell other travelers how it went.' })
    .trim()
    .min(20, 'Tell other travelers how it went (at least 20 characters).')
    .max(2000, 'Keep the review under 2000 characters.'),
  tags: z.preprocess(
    list,
    z
      .array(z.enum(TAG_SLUGS, { message: 'Choose tags from the list.' }))
      .max(MAX_TAGS, `Choose at most ${MAX_TAGS} tags.`),
  ),
});
export type ReviewInput = z.infer<typeof reviewForm>;

export const replyForm = z.object({
  reply: z
    .string({ message: 'Write your reply.' })
    .trim()
    .min(3, 'Write your reply (at least 3 characters).')
    .max(1000, 'Keep the reply under 1000 characters.'),
});

export const reportForm = z.object({
  reason: z.enum(Object.keys(REPORT_REASONS) as [ReportReason, ...ReportReason[]], {
    message: 'Choose why you are reporting it.',
  }),
  details: z.string().trim().max(500, 'Keep the details under 500 characters.').default(''),
});

export const moderateForm = z.object({
  reason: z
    .string({ message: 'Say why (the organizer and reviewer may ask).' })
    .trim()
    .min(3, 'Say why (at least 3 characters).')
    .max(300, 'Keep the reason under 300 characters.'),
});

export const adminFilter = z.object({
  show: z.enum(['reported', 'hidden']).catch('reported'),
});
