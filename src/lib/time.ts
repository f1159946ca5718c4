/** Instants are stored in UTC and shown in India Standard Time. */
export const ZONE = 'Asia/Kolkata';

const dateFmt = new Intl.DateTimeFormat('en-IN', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-IN', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true });

export const formatDate = (d: Date | string) => dateFmt.format(typeof d === 'string' ? new Date(d) : d);
export const formatDateTime = (d: Date | string) => `${dateTimeFmt.format(typeof d === 'string' ? new Date(d) : d)} IST`;

/** One formatter for the process: building one costs more than the query it dates. */
const isoDayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** A calendar date (YYYY-MM-DD) as it is in India at that instant. */
export const istDate = (d: Date): string => isoDayFmt.format(d);

/** A listing shows the same few hundred dates again and again; Intl is slow to ask each time. */
const dayLabels = new Map<string, string>();

/** A local calendar date (YYYY-MM-DD, a departure's start) shown for people. */
export function formatDay(day: string): string {
  let shown = dayLabels.get(day);
  if (shown === undefined) {
    shown = dateFmt.format(new Date(`${day}T00:00:00+05:30`));
    if (dayLabels.size >= 5000) dayLabels.clear();
    dayLabels.set(day, shown);
  }
  return shown;
}

/** Whole days from one calendar date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
