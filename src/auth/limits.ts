import { HOUR, MINUTE } from '../lib/clock.js';
import type { RateRule } from '../lib/rate-limit.js';

/** The brute-force budget of every endpoint that needs one. */
export const LIMITS = {
  signInFailPerAccountAndIp: { limit: 5, windowMs: 15 * MINUTE },
  signInFailPerAccount: { limit: 50, windowMs: HOUR },
  signInFailPerIp: { limit: 30, windowMs: 15 * MINUTE },
  registerPerIp: { limit: 10, windowMs: HOUR },
  forgotPerIp: { limit: 10, windowMs: HOUR },
  forgotPerAccount: { limit: 3, windowMs: HOUR },
  otpSendCooldown: { limit: 1, windowMs: MINUTE },
  otpSendPerAccount: { limit: 5, windowMs: HOUR },
  otpSendPerIp: { limit: 20, windowMs: HOUR },
  verifyResendCooldown: { limit: 1, windowMs: MINUTE },
} satisfies Record<string, RateRule>;
