import type { Difficulty } from './tables.js';

/** Regions a trip belongs to: the filter on the listing and a required field of the form. */
export const REGIONS = [
  'Himachal Pradesh',
  'Uttarakhand',
  'Sikkim',
  'Ladakh',
  'Kashmir',
  'Western Ghats',
  'Northeast',
  'Other',
] as const;
export type Region = (typeof REGIONS)[number];

/** Categories travelers browse by; slugs are what the URL and the database hold. */
export const CATEGORIES = {
  'high-altitude': 'High altitude',
  snow: 'Snow treks',
  lakes: 'Lakes',
  'first-trek': 'First trek',
  weekend: 'Weekend',
  family: 'Family',
  monsoon: 'Monsoon',
  forest: 'Forest & wildlife',
  summit: 'Summits',
  camping: 'Camping',
  culture: 'Culture & villages',
  photography: 'Photography',
} as const satisfies Record<string, string>;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_SLUGS = Object.keys(CATEGORIES) as Category[];
export const MAX_CATEGORIES = 5;

export const DIFFICULTIES: Difficulty[] = ['beginner', 'intermediate', 'advanced'];
export const DIFFICULTY_LABEL: Record<Difficulty, string> = {
  beginner: 'Beginner',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
};

export const SORTS = {
  soonest: 'Soonest departure',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  newest: 'Newest',
  rating: 'Top rated',
} as const;
export type Sort = keyof typeof SORTS;

export const PAGE_SIZE = 12;
/** Results are counted up to this many (10 pages); past that the page asks for a narrower search. */
export const MAX_RESULTS = 120;
