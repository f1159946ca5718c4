import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { createGateway } from '../src/payments/gateway.js';
import { chargeDueSubscriptions, CHARGE_CONCURRENCY } from '../src/billing/charges.js';
import type { BenchContext, Line } from './support.js';

const SUBSCRIPTIONS = Number(process.env.BENCH_BILLING_N ?? 10_000);
const CLIENTS = Number(process.env.BENCH_BILLING_CLIENTS ?? 4);

/** One GET's wall time in ms (body read to its end). */
function timedGet(base: string, path: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One billing run over 10,000 due subscriptions, the real SDK against the fake Razorpay API
 * in a process of its own (bench/fake-razorpay-server.ts): the charge rows claimed, 10,000 orders and 10,000 recurring debits asked,
 * at most CHARGE_CONCURRENCY at once. Meanwhile 4 closed-loop clients load the home page
 * and a trip search from the app: their p95 is what the run costs everyone else.
 */
export default async function billing(ctx: BenchContext): Promise<Line[]> {
  const keys = { keyId: 'rzp_test_bench', keySecret: 'bench_key_secret', webhookSecret: 'bench_webhook_secret' };
  const env = {
    ...process.env,
    RAZORPAY_KEY_ID: keys.keyId,
    RAZORPAY_KEY_SECRET: keys.keySecret,
    RAZORPAY_WEBHOOK_SECRET: keys.webhookSecret,
    BENCH_BILLING_N: String(SUBSCRIPTIONS),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fake-razorpay-server.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const apiBase = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b) => {
      out += String(b);
      const m = /PORT=(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.on('exit', () => reject(new Error('the fake Razorpay API did not start')));
  });
  const config = loadConfig({
    NODE_ENV: 'production',
    ALLOW_HTTP: 'on',
    DATA_DIR: ctx.deps.config.dataDir,
    PUBLIC_URL: ctx.deps.config.publicUrl,
    RAZORPAY_KEY_ID: keys.keyId,
    RAZORPAY_KEY_SECRET: keys.keySecret,
    RAZORPAY_WEBHOOK_SECRET: keys.webhookSecret,
    RAZORPAY_API_BASE: apiBase,
  });
  const deps: Deps = { ...ctx.deps, config, payments: createGateway(config) };
  try {
    await seed(deps);
    let running = true;
    const latencies: number[] = [];
    const load = Array.from({ length: CLIENTS }, async (_, i) => {
      while (running) latencies.push(await timedGet(ctx.url, i % 2 ? '/trips?q=trek' : '/'));
    });
    let peakRss = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    const note = await chargeDueSubscriptions(deps);
    const elapsed = performance.now() - t0;
    running = false;
    clearInterval(sampler);
    await Promise.all(load);
    const heapAfter = process.memoryUsage().heapUsed;
    const { debits } = (await (await fetch(`${apiBase}/bench/debits`)).json()) as { debits: number };
    if (!note.startsWith(`charged ${SUBSCRIPTIONS},`) || debits !== SUBSCRIPTIONS)
      throw new Error(`billing run: ${note}; ${debits} debits`);
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? NaN;
    return [
      {
        measure: `billing: one charge run over ${SUBSCRIPTIONS.toLocaleString('en')} due subscriptions (fake Razorpay API, ${CHARGE_CONCURRENCY} at once)`,
        value: Math.round(elapsed),
        unit: 'ms',
        budget: { max: 60_000 },
        note: note.slice(0, 60),
      },
      {
        measure: `billing: p95 of requests served during the run (${CLIENTS} clients, home + search)`,
        value: Math.round(p95 * 10) / 10,
        unit: 'ms',
        budget: { max: 100 },
        note: `${latencies.length} requests`,
      },
      {
        measure: 'billing: peak RSS during the run',
        value: Math.round(peakRss / 1024 / 1024),
        unit: '',
        note: `MB; heap ${Math.round(heapBefore / 1024 / 1024)} → ${Math.round(heapAfter / 1024 / 1024)} MB`,
      },
    ];
  } finally {
    child.kill('SIGTERM');
  }
}

/** 10,000 organizers with a confirmed mandate at the fake, each due for its next period now. */
async function seed(deps: Deps) {
  const now = deps.clock.now();
  const iso = now.toISOString();
  const end = new Date(now.getTime() + 86_400_000).toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const { id } = await trx
        .insertInto('users')
        .values({
          email: `bench-organizer-${i}@example.test`,
          name: `Bench organizer ${i}`,
          phone: `+9197${String(i).padStart(8, '0')}`,
          role: 'organizer',
          password_hash: null,
          email_verified_at: iso,
          phone_verified_at: iso,
          upi_id: null,
          created_at: iso,
          updated_at: iso,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const customer = `cust_bench${i}`;
      const token = `token_bench${i}`;
      await trx
        .insertInto('subscriptions')
        .values({
          organizer_id: id,
          status: 'active',
          trial_ends_at: iso,
          current_period_start: iso,
          current_period_end: end,
          next_charge_at: iso,
          amount_paise: 149_900,
          period_days: 60,
          listings: 5,
          razorpay_customer_id: customer,
          razorpay_token_id: token,
          token_status: 'confirmed',
          token_method: 'upi',
          token_max_amount_paise: 299_800,
          token_expire_at: null,
          created_at: iso,
          updated_at: iso,
        })
        .execute();
    }
  });
}
