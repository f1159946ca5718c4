/**
 * The billing feature's scheduled work, registered in src/scheduler.ts. Each job is
 * idempotent (notices recorded under a unique key, charges claimed by their row before
 * Razorpay is asked, conditional status updates): safe to run twice, in two processes at
 * once, and safe to be killed midway.
 */
export { sendTrialNotices } from './trial.js';
export { chargeDueSubscriptions } from './charges.js';
export { sendChargeReminders } from './reminders.js';
export { reconcileCharges } from './reconcile.js';
