import { describe, expect, it } from 'vitest';
import { calendarDay, isCalendarDay, wholeNumber } from '../../src/lib/fields.js';

describe('wholeNumber and calendarDay', () => {
  const guests = wholeNumber({
    min: 1,
    max: 10,
    message: 'Enter a number.',
    tooSmall: 'At least 1.',
    tooLarge: 'At most 10.',
  });
  it('takes digits within bounds, spaces around them ignored', () => {
    expect(guests.parse(' 7 ')).toBe(7);
    expect(guests.parse('010')).toBe(10);
    expect(guests.safeParse('11').error?.issues[0].message).toBe('At most 10.');
    expect(guests.safeParse('0').error?.issues[0].message).toBe('At least 1.');
    expect(guests.safeParse('-5').error?.issues[0].message).toBe('At least 1.');
    for (const bad of ['1.0', '1e1', '0x1', 'Infinity', 'NaN', '', ['1', '2'], null])
      expect(guests.safeParse(bad).error?.issues[0].message, String(bad)).toBe('Enter a number.');
  });

  it('knows the calendar: no 30 February, no month 13, 29 February in leap years only', () => {
    for (const ok of ['2027-02-28', '2028-02-29', '2000-02-29', '2027-12-31', '2027-04-30'])
      expect(isCalendarDay(ok), ok).toBe(true);
    for (const bad of [
      '2027-02-29',
      '1900-02-29',
      '2027-02-30',
      '2027-13-01',
      '2027-00-10',
      '2027-04-31',
      '2027-01-00',
      '27-01-01',
      '2027-1-1',
    ])
      expect(isCalendarDay(bad), bad).toBe(false);
    expect(calendarDay('Pick a day.').safeParse('2027-02-30').error?.issues[0].message).toBe('Pick a day.');
  });
});
