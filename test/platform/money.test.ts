import { describe, expect, it } from 'vitest';
import { formatPaise, rupeesToPaise } from '../../src/lib/money.js';

const intl = new Intl.NumberFormat('en-IN', {
  style: 'currency',
  currency: 'INR',
  maximumFractionDigits: 2,
  minimumFractionDigits: 0,
});

describe('formatPaise', () => {
  it('writes what Intl en-IN writes: every amount up to ₹2,000, 100,000 spread up to ₹10,000 crore (10^13 paise), and around every power of ten', () => {
    const amounts: number[] = [];
    for (let p = -10_000; p <= 200_000; p++) amounts.push(p);
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      amounts.push(Math.floor((x / 2 ** 31) ** 3 * 1e13));
    }
    for (let digits = 1; digits <= 13; digits++) {
      const base = 10 ** digits;
      for (const d of [-1, 0, 1, 5, 10, 50, 99]) amounts.push(base + d, -(base + d), base * 7 + d, base * 9 + 99 - d);
    }
    const wrong = amounts.filter((p) => formatPaise(p) !== intl.format(p / 100));
    expect(wrong.slice(0, 5).map((p) => [p, formatPaise(p), intl.format(p / 100)])).toEqual([]);
  });

  it('examples', () => {
    expect(formatPaise(123_456_789)).toBe('₹12,34,567.89');
    expect(formatPaise(250_000)).toBe('₹2,500');
    expect(formatPaise(150)).toBe('₹1.5');
    expect(formatPaise(5)).toBe('₹0.05');
    expect(formatPaise(-1)).toBe('-₹0.01');
    expect(formatPaise(0)).toBe('₹0');
    // Past ~10^15 paise Intl's division by 100 loses paise; integer arithmetic does not.
    expect(formatPaise(9_000_000_000_000_099)).toBe('₹9,00,00,00,00,00,000.99');
  });

  it('refuses anything but whole paise', () => {
    expect(() => formatPaise(1.5)).toThrow(/integer/);
    expect(() => formatPaise(Number.NaN)).toThrow(/integer/);
  });
});

describe('rupeesToPaise', () => {
  it('reads what people type', () => {
    expect(rupeesToPaise('1,499')).toBe(149_900);
    expect(rupeesToPaise('₹ 1499.5')).toBe(149_950);
    expect(rupeesToPaise('12.345')).toBeNull();
    expect(rupeesToPaise('abc')).toBeNull();
  });
});
