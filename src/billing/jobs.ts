/**
 * The billing feature's scheduled work, registered in src/scheduler.ts. Each job is
 * idempotent (notices recorded under a unique key, conditional status updates): safe to run
 * twice and safe to be killed midway.
 */
export { sendTrialNotices } from './service.js';
