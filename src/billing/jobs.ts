/**
 * The billing feature's scheduled work, registered in src/scheduler.ts. Each job is
 * idempotent (notices recorded under a unique key, charges claimed by their row before
 * Razorpay is asked, conditional status updates): safe to run twice, in two processes at
 * once, and safe to be killed midway.
 */
export { sendTrialNotices, chargeDueSubscriptions, sendChargeReminders, reconcileCharges } from './service.js';
