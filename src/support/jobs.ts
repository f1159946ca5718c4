/**
 * The support desk's scheduled work, registered in src/scheduler.ts: tickets waiting on the
 * customer for 7 days close themselves (idempotent: conditional updates, safe to run twice).
 */
export { closeStaleTickets } from './auto-close.js';
