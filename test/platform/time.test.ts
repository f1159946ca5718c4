import { describe, expect, it } from 'vitest';
import { istDate, ZONE } from '../../src/lib/time.js';

describe('the date in India', () => {
  const byIntl = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });

  it('turns at 18:30 UTC, which is midnight in India', () => {
    expect(istDate(new Date('2026-11-25T18:29:59.999Z'))).toBe('2026-11-25');
    expect(istDate(new Date('2026-11-25T18:30:00.000Z'))).toBe('2026-11-26');
    expect(istDate(new Date('2026-12-31T18:30:00.000Z'))).toBe('2027-01-01');
    expect(istDate(new Date('2028-02-28T18:30:00.000Z'))).toBe('2028-02-29');
  });

  it('agrees with the time-zone database at any instant from 1970 to 2100', () => {
    const end = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      // Spread over the years, and half of them within a minute of an Indian midnight.
      let t = Math.floor(Math.random() * end);
      if (i % 2)
        t = Math.floor(t / 86_400_000) * 86_400_000 + 18.5 * 3_600_000 + Math.floor((Math.random() - 0.5) * 120_000);
      const d = new Date(t);
      expect(istDate(d), d.toISOString()).toBe(byIntl.format(d));
    }
  });
});
