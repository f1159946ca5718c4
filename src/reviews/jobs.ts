/**
 * The reviews feature's scheduled work, registered in src/scheduler.ts: the invitation to
 * review, once per completed booking (safe to run twice and to be killed midway).
 */
export { sendReviewInvites } from './service.js';
