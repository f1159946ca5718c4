import type { Paged } from './types.js';

/** Rows per page of every console list. */
export const PER_PAGE = 50;

export const paged = <T>(found: { rows: T[]; total: number }, page: number): Paged<T> => ({
  rows: found.rows,
  total: found.total,
  page,
  pages: Math.max(1, Math.ceil(found.total / PER_PAGE)),
});
