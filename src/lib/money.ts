/** Money is integer paise everywhere; these turn it into text for people. */

/**
 * "₹12,34,567.89", "₹2,500", "₹1.5", "-₹0.01": what `Intl.NumberFormat('en-IN', { style:
 * 'currency', currency: 'INR', minimumFractionDigits: 0 })` writes (test/platform/money.test.ts
 * holds the two together), in integer arithmetic and about a tenth of the time: every booking
 * writes several amounts into its messages.
 */
export function formatPaise(paise: number): string {
  if (!Number.isInteger(paise)) throw new TypeError(`paise must be an integer, got ${paise}`);
  const abs = Math.abs(paise);
  const rupees = String(Math.floor(abs / 100));
  const p = abs % 100;
  // Indian grouping: the last three digits, then pairs.
  const grouped =
    rupees.length <= 3 ? rupees : `${rupees.slice(0, -3).replace(/\B(?=(\d{2})+$)/g, ',')},${rupees.slice(-3)}`;
  const fraction = p === 0 ? '' : p % 10 === 0 ? `.${p / 10}` : `.${String(p).padStart(2, '0')}`;
  return `${paise < 0 ? '-' : ''}₹${grouped}${fraction}`;
}

/** Parses "1,499" or "1499.50" (rupees, as typed) into paise; null if it is not an amount. */
export function rupeesToPaise(text: string): number | null {
  const t = text.replace(/[,\s₹]/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}
