import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';

/** Booking, payment (Razorpay, UPI proof), verification queue, cancellations, webhooks. */
export const bookingRoutes = new Hono<AppEnv>();
