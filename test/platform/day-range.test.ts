import { describe, expect, it } from 'vitest';
import { formatDayRange } from '../../src/lib/time.js';

describe('a departure’s dates, short enough for a select at 360 px', () => {
  it.each([
    ['2027-03-10', '2027-03-14', '10 – 14 Mar 2027'],
    ['2027-02-28', '2027-03-03', '28 Feb – 3 Mar 2027'],
    ['2026-12-28', '2027-01-02', '28 Dec – 2 Jan 2027'],
    ['2027-03-10', '2027-03-10', '10 Mar 2027'],
  ])('%s to %s reads %s', (start, end, shown) => {
    expect(formatDayRange(start, end)).toBe(shown);
  });
});
