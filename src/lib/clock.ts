/** Anything that depends on "now" takes a Clock, so tests can travel in time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC text, the form every instant is stored in. */
export const isoNow = (clock: Clock) => clock.now().toISOString();

export const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
