/**
 * The bookings feature's scheduled work, registered in src/scheduler.ts. Each job is
 * idempotent (conditional updates inside one transaction per booking): safe to run twice
 * and safe to be killed midway.
 */
export { chaseOverdueProofs, completeEndedBookings, expireHolds, sendTripReminders } from './service.js';
