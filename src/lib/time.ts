/** Instants are stored in UTC and shown in India Standard Time. */
export const ZONE = 'Asia/Kolkata';

const dateFmt = new Intl.DateTimeFormat('en-IN', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-IN', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

const monthFmt = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', year: 'numeric' });

export const formatDate = (d: Date | string) => dateFmt.format(typeof d === 'string' ? new Date(d) : d);
export const formatDateTime = (d: Date | string) =>
  `${dateTimeFmt.format(typeof d === 'string' ? new Date(d) : d)} IST`;

/** India Standard Time is UTC+05:30 all year and has been since 1945 (no daylight saving). */
const IST_OFFSET_MS = 330 * 60_000;

/**
 * A calendar date (YYYY-MM-DD) as it is in India at that instant. Plain arithmetic on the
 * fixed offset: Intl gave the same answer (tested) at several times the cost, on every booking.
 */
export const istDate = (d: Date): string => new Date(d.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);

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

/**
 * Two calendar dates (a departure's start and end) as short as they read: "10 – 14 Mar 2027",
 * "28 Feb – 3 Mar 2027", "28 Dec – 2 Jan 2027" (the year once: a trek is days, not a year, long).
 * Short enough for a select's option at 360 px.
 */
export function formatDayRange(start: string, end: string): string {
  if (start === end) return formatDay(start);
  const [d1, m1] = formatDay(start).split(' ');
  const to = formatDay(end);
  return `${m1 === to.split(' ')[1] && start.slice(0, 4) === end.slice(0, 4) ? d1 : `${d1} ${m1}`} – ${to}`;
}

/** Whole days from one calendar date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The calendar date `days` after (or, negative, before) a YYYY-MM-DD date. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A calendar month (YYYY-MM, already counted in India time) shown for people: "Dec 2026". */
export const formatMonth = (month: string): string => monthFmt.format(new Date(`${month}-01T00:00:00Z`));

const clockFmt = new Intl.DateTimeFormat('en-IN', { timeZone: ZONE, hour: 'numeric', minute: '2-digit', hour12: true });
const dayClockFmt = new Intl.DateTimeFormat('en-IN', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** A time of day in India: "11:42 pm". */
export const formatClock = (d: Date | string) => clockFmt.format(typeof d === 'string' ? new Date(d) : d);
/** A day and time of day in India, without the year: "7 Dec, 11:42 pm". */
export const formatDayClock = (d: Date | string) => dayClockFmt.format(typeof d === 'string' ? new Date(d) : d);
