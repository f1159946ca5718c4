/**
 * The fake Razorpay API in a process of its own for the billing bench (Razorpay's work is not
 * the app's: in production it happens on Razorpay's machines). Seeds BENCH_BILLING_N customers
 * with a confirmed mandate each (cust_bench<i>, token_bench<i>), prints "PORT=<n>", and answers
 * GET /bench/debits with how many recurring debits it took.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { FakeRazorpay } from '../src/payments/fake-razorpay.js';

const fake = new FakeRazorpay({
  keyId: process.env.RAZORPAY_KEY_ID!,
  keySecret: process.env.RAZORPAY_KEY_SECRET!,
  webhookSecret: process.env.RAZORPAY_WEBHOOK_SECRET!,
});
for (let i = 0; i < Number(process.env.BENCH_BILLING_N); i++) {
  const customer = `cust_bench${i}`;
  fake.customers.set(customer, { id: customer, entity: 'customer', name: '', email: '', contact: '', created_at: 0 });
  fake.tokens.set(`token_bench${i}`, {
    id: `token_bench${i}`,
    entity: 'token',
    customer_id: customer,
    method: 'upi',
    max_amount: 299_800,
    expired_at: 4_000_000_000,
    recurring: true,
    recurring_details: { status: 'confirmed', failure_reason: null },
    created_at: 0,
  });
}
const app = new Hono().get('/bench/debits', (c) => c.json({ debits: fake.debits.length })).route('/', fake.api);
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
  process.stdout.write(`PORT=${info.port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
