import type { Clock } from '../../src/lib/clock.js';

/** A clock tests can set and move. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start: string | Date = '2026-11-25T06:30:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(to: string | Date): void {
    this.t = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
