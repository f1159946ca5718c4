import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { checkoutSignature, hmacHex } from './signature.js';

interface Keys {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
}

export interface FakeOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  notes: Record<string, string>;
  created_at: number;
  /** An authorisation order (recurring): the customer, the method and the token terms. */
  customer_id?: string;
  method?: string;
  token?: { max_amount: number; expire_at: number; frequency: string };
}

export interface FakeCustomer {
  id: string;
  entity: 'customer';
  name: string;
  email: string;
  contact: string;
  created_at: number;
}

export interface FakeToken {
  id: string;
  entity: 'token';
  customer_id: string;
  method: string;
  max_amount: number;
  expired_at: number;
  recurring: true;
  recurring_details: {
    status: 'initiated' | 'confirmed' | 'rejected' | 'paused' | 'cancelled';
    failure_reason: string | null;
  };
  created_at: number;
}

export interface FakePayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  /** 'authorized': taken from the payer, not captured yet (never made here; a test may set it). */
  status: 'created' | 'authorized' | 'captured' | 'failed' | 'refunded';
  order_id: string;
  method: string;
  customer_id?: string;
  token_id?: string;
  recurring?: boolean;
  amount_refunded: number;
  error_description: string | null;
  created_at: number;
}

export interface FakeRefund {
  id: string;
  entity: 'refund';
  amount: number;
  payment_id: string;
  notes: Record<string, string>;
  status: 'pending' | 'processed';
  created_at: number;
}

const rid = (prefix: string) => `${prefix}_${randomBytes(7).toString('hex')}`;
const secs = () => Math.floor(Date.now() / 1000);

/**
 * A stand-in for the Razorpay API that the real `razorpay` SDK talks to (orders, payments,
 * refunds; Basic auth; Razorpay's error shape), plus what Checkout would do: take a
 * payment, sign it, and send the signed webhook. The app serves it as the test gateway;
 * tests run it on its own port.
 */
export class FakeRazorpay {
  readonly orders = new Map<string, FakeOrder>();
  readonly payments = new Map<string, FakePayment>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly customers = new Map<string, FakeCustomer>();
  readonly tokens = new Map<string, FakeToken>();
  /** Tokens whose debits the bank declines (on demand: a test, or the test gateway's own page). */
  readonly failingTokens = new Set<string>();
  /** Recurring debits are 'created' until settled: by settleDebits(), or after this many ms when set. */
  settleDebitsAfterMs: number | null = null;
  /** Every createRecurringPayment call that made a debit, in order (tests count the charges). */
  readonly debits: FakePayment[] = [];
  /** Where pay()/fail() deliver webhooks; unset = tests deliver them by hand. */
  webhookTarget: string | null = null;
  /** What new refunds report: 'processed' at once (the default) or 'pending' (a refund.processed webhook follows). */
  refundStatus: 'pending' | 'processed' = 'processed';
  readonly api: Hono;

  constructor(readonly keys: Keys) {
    this.api = this.buildApi();
  }

  private buildApi(): Hono {
    const api = new Hono();
    const expected = 'Basic ' + Buffer.from(`${this.keys.keyId}:${this.keys.keySecret}`).toString('base64');
    const fail = (status: number, code: string, description: string) =>
      Response.json({ error: { code, description } }, { status });
    api.use('/v1/*', async (c, next) => {
      if (c.req.header('Authorization') !== expected) return fail(401, 'BAD_REQUEST_ERROR', 'Authentication failed');
      await next();
    });
    api.post('/v1/orders', async (c) => {
      const b = (await c.req.json().catch(() => ({}))) as {
        amount?: unknown;
        currency?: unknown;
        receipt?: unknown;
        notes?: Record<string, string>;
        customer_id?: string;
        method?: string;
        token?: { max_amount: number; expire_at: number; frequency: string };
      };
      if (b.customer_id !== undefined && !this.customers.has(b.customer_id))
        return fail(400, 'BAD_REQUEST_ERROR', 'The customer id provided does not exist');
      if (b.token && (typeof b.token.max_amount !== 'number' || b.token.frequency !== 'as_presented'))
        return fail(400, 'BAD_REQUEST_ERROR', 'The token max_amount and frequency are required');
      if (typeof b.amount !== 'number' || !Number.isInteger(b.amount) || b.amount < 100)
        return fail(400, 'BAD_REQUEST_ERROR', 'The amount must be atleast INR 1.00');
      if (b.currency !== 'INR') return fail(400, 'BAD_REQUEST_ERROR', 'Currency is not supported');
      const order: FakeOrder = {
        id: rid('order'),
        entity: 'order',
        amount: b.amount,
        amount_paid: 0,
        amount_due: b.amount,
        currency: 'INR',
        receipt: typeof b.receipt === 'string' ? b.receipt : null,
        status: 'created',
        notes: b.notes ?? {},
        created_at: secs(),
        ...(b.customer_id ? { customer_id: b.customer_id } : {}),
        ...(b.method ? { method: b.method } : {}),
        ...(b.token ? { token: b.token } : {}),
      };
      this.orders.set(order.id, order);
      return c.json(order);
    });
    api.get('/v1/orders', (c) => {
      const receipt = c.req.query('receipt');
      const items = [...this.orders.values()].filter((o) => receipt === undefined || o.receipt === receipt);
      return c.json({ entity: 'collection', count: items.length, items });
    });
    api.get('/v1/orders/:id/payments', (c) => {
      if (!this.orders.has(c.req.param('id'))) return fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      const items = [...this.payments.values()].filter((p) => p.order_id === c.req.param('id'));
      return c.json({ entity: 'collection', count: items.length, items });
    });
    api.post('/v1/customers', async (c) => {
      const b = (await c.req.json().catch(() => ({}))) as { name?: string; email?: string; contact?: string };
      const customer: FakeCustomer = {
        id: rid('cust'),
        entity: 'customer',
        name: b.name ?? '',
        email: b.email ?? '',
        contact: b.contact ?? '',
        created_at: secs(),
      };
      this.customers.set(customer.id, customer);
      return c.json(customer);
    });
    api.get('/v1/customers/:id/tokens', (c) => {
      if (!this.customers.has(c.req.param('id')))
        return fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      const items = [...this.tokens.values()].filter((t) => t.customer_id === c.req.param('id'));
      return c.json({ entity: 'collection', count: items.length, items });
    });
    api.delete('/v1/customers/:id/tokens/:token', (c) => {
      const t = this.tokens.get(c.req.param('token'));
      if (!t || t.customer_id !== c.req.param('id'))
        return fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      t.recurring_details.status = 'cancelled';
      return c.json({ deleted: true });
    });
    api.post('/v1/payments/create/recurring', async (c) => {
      const b = (await c.req.json().catch(() => ({}))) as {
        amount?: number;
        currency?: string;
        order_id?: string;
        customer_id?: string;
        token?: string;
        recurring?: unknown;
        email?: string;
        contact?: string;
      };
      const order = b.order_id ? this.orders.get(b.order_id) : undefined;
      const token = b.token ? this.tokens.get(b.token) : undefined;
      if (!order) return fail(400, 'BAD_REQUEST_ERROR', 'The order id provided does not exist');
      if (!token || token.customer_id !== b.customer_id)
        return fail(400, 'BAD_REQUEST_ERROR', 'The token id provided does not exist');
      if (String(b.recurring) !== '1' || !b.email || !b.contact)
        return fail(400, 'BAD_REQUEST_ERROR', 'recurring, email and contact are required');
      if (token.recurring_details.status !== 'confirmed')
        return fail(400, 'BAD_REQUEST_ERROR', 'The token is not active for recurring payments');
      if (b.amount !== order.amount || b.currency !== 'INR')
        return fail(400, 'BAD_REQUEST_ERROR', 'The amount does not match the order amount');
      if (b.amount > token.max_amount)
        return fail(400, 'BAD_REQUEST_ERROR', 'The amount exceeds the maximum amount of the mandate');
      if ([...this.payments.values()].some((p) => p.order_id === order.id && p.status !== 'failed'))
        return fail(400, 'BAD_REQUEST_ERROR', 'The order already has a payment');
      const payment: FakePayment = {
        id: rid('pay'),
        entity: 'payment',
        amount: order.amount,
        currency: 'INR',
        status: 'created',
        order_id: order.id,
        method: token.method,
        customer_id: token.customer_id,
        token_id: token.id,
        recurring: true,
        amount_refunded: 0,
        error_description: null,
        created_at: secs(),
      };
      this.payments.set(payment.id, payment);
      this.debits.push(payment);
      order.status = 'attempted';
      if (this.settleDebitsAfterMs !== null)
        setTimeout(() => void this.deliverAll(this.settle(payment)), this.settleDebitsAfterMs).unref();
      return c.json({
        razorpay_payment_id: payment.id,
        razorpay_order_id: order.id,
        razorpay_signature: checkoutSignature(this.keys.keySecret, order.id, payment.id),
      });
    });
    api.get('/v1/orders/:id', (c) => {
      const o = this.orders.get(c.req.param('id'));
      return o ? c.json(o) : fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
    });
    api.get('/v1/payments/:id', (c) => {
      const p = this.payments.get(c.req.param('id'));
      return p ? c.json(p) : fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
    });
    api.post('/v1/payments/:id/refund', async (c) => {
      const p = this.payments.get(c.req.param('id'));
      if (!p) return fail(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist');
      const b = (await c.req.json().catch(() => ({}))) as { amount?: number; notes?: Record<string, string> };
      const amount = b.amount ?? p.amount - p.amount_refunded;
      if (p.status === 'failed') return fail(400, 'BAD_REQUEST_ERROR', 'The payment has not been captured');
      if (amount <= 0 || p.amount_refunded + amount > p.amount)
        return fail(400, 'BAD_REQUEST_ERROR', 'The refund amount provided is greater than amount captured');
      const refund: FakeRefund = {
        id: rid('rfnd'),
        entity: 'refund',
        amount,
        payment_id: p.id,
        notes: b.notes ?? {},
        status: this.refundStatus,
        created_at: secs(),
      };
      this.refunds.set(refund.id, refund);
      p.amount_refunded += amount;
      if (p.amount_refunded === p.amount) p.status = 'refunded';
      return c.json(refund);
    });
    api.get('/v1/payments/:id/refunds', (c) => {
      const items = [...this.refunds.values()].filter((r) => r.payment_id === c.req.param('id'));
      return c.json({ entity: 'collection', count: items.length, items });
    });
    return api;
  }

  /** What Checkout does when the traveler pays: a captured payment and its signature. */
  pay(orderId: string): { payment: FakePayment; signature: string; token?: FakeToken } {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const token = order.token && order.customer_id ? this.makeToken(order) : undefined;
    const payment: FakePayment = {
      id: rid('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: 'INR',
      status: 'captured',
      order_id: orderId,
      method: order.method ?? 'upi',
      ...(token ? { customer_id: token.customer_id, token_id: token.id } : {}),
      amount_refunded: 0,
      error_description: null,
      created_at: secs(),
    };
    this.payments.set(payment.id, payment);
    order.status = 'paid';
    order.amount_paid = order.amount;
    order.amount_due = 0;
    return { payment, signature: checkoutSignature(this.keys.keySecret, orderId, payment.id), token };
  }

  /** The mandate the payer authorised with the first payment of an authorisation order, confirmed at once. */
  private makeToken(order: FakeOrder): FakeToken {
    const token: FakeToken = {
      id: rid('token'),
      entity: 'token',
      customer_id: order.customer_id!,
      method: order.method ?? 'upi',
      max_amount: order.token!.max_amount,
      expired_at: order.token!.expire_at,
      recurring: true,
      recurring_details: { status: 'confirmed', failure_reason: null },
      created_at: secs(),
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /**
   * The bank's answer to a recurring debit still 'created': captured, or failed when its token
   * fails on demand. Returns the webhooks Razorpay would send (none for a debit already settled).
   */
  settle(payment: FakePayment): ReturnType<FakeRazorpay['webhook']>[] {
    if (payment.status !== 'created') return [];
    const order = this.orders.get(payment.order_id)!;
    if (payment.token_id && this.failingTokens.has(payment.token_id)) {
      payment.status = 'failed';
      payment.error_description = 'The bank declined the debit (test)';
      return [this.webhook('payment.failed', { payment })];
    }
    payment.status = 'captured';
    order.status = 'paid';
    order.amount_paid = order.amount;
    order.amount_due = 0;
    return [this.webhook('payment.captured', { payment })];
  }

  /** Settles every recurring debit still waiting (the bank answers); the webhooks, also delivered when a target is set. */
  async settleDebits(): Promise<ReturnType<FakeRazorpay['webhook']>[]> {
    const hooks = [...this.payments.values()].flatMap((p) => (p.recurring ? this.settle(p) : []));
    await this.deliverAll(hooks);
    return hooks;
  }

  /** The customer pauses or cancels their mandate at their bank: the token's status and its webhook. */
  setTokenStatus(tokenId: string, status: 'paused' | 'cancelled'): ReturnType<FakeRazorpay['webhook']> {
    const token = this.tokens.get(tokenId);
    if (!token) throw new Error(`no token ${tokenId}`);
    token.recurring_details.status = status;
    return this.webhook(`token.${status}`, { token });
  }

  private async deliverAll(hooks: ReturnType<FakeRazorpay['webhook']>[]) {
    for (const h of hooks) await this.deliver(h);
  }

  /** The traveler's payment attempt failed (bank declined). */
  decline(orderId: string): FakePayment {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const payment: FakePayment = {
      id: rid('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: 'INR',
      status: 'failed',
      order_id: orderId,
      method: 'upi',
      amount_refunded: 0,
      error_description: 'Payment declined by the bank (test)',
      created_at: secs(),
    };
    this.payments.set(payment.id, payment);
    order.status = 'attempted';
    return payment;
  }

  /** A webhook exactly as Razorpay would send it: body, signature and event id headers. */
  webhook(
    event: string,
    entities: { payment?: FakePayment; order?: FakeOrder; refund?: FakeRefund; token?: FakeToken },
    eventId = rid('evt'),
  ) {
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entities)) if (v) payload[k] = { entity: v };
    const body = JSON.stringify({
      entity: 'event',
      account_id: 'acc_test',
      event,
      contains: Object.keys(payload),
      payload,
      created_at: secs(),
    });
    return {
      body,
      headers: {
        'Content-Type': 'application/json',
        'X-Razorpay-Signature': hmacHex(this.keys.webhookSecret, body),
        'X-Razorpay-Event-Id': eventId,
      },
    };
  }

  /** Sends a webhook to webhookTarget, retrying a few times like Razorpay does. */
  async deliver(w: ReturnType<FakeRazorpay['webhook']>): Promise<void> {
    if (!this.webhookTarget) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const res = await fetch(this.webhookTarget, { method: 'POST', body: w.body, headers: w.headers });
        if (res.ok) return;
      } catch {
        // retried below
      }
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
}
