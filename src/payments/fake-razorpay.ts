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
}

export interface FakePayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  /** 'authorized': taken from the payer, not captured yet (never made here; a test may set it). */
  status: 'authorized' | 'captured' | 'failed' | 'refunded';
  order_id: string;
  method: 'upi';
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
      };
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
      };
      this.orders.set(order.id, order);
      return c.json(order);
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
  pay(orderId: string): { payment: FakePayment; signature: string } {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const payment: FakePayment = {
      id: rid('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: 'INR',
      status: 'captured',
      order_id: orderId,
      method: 'upi',
      amount_refunded: 0,
      error_description: null,
      created_at: secs(),
    };
    this.payments.set(payment.id, payment);
    order.status = 'paid';
    order.amount_paid = order.amount;
    order.amount_due = 0;
    return { payment, signature: checkoutSignature(this.keys.keySecret, orderId, payment.id) };
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
    entities: { payment?: FakePayment; order?: FakeOrder; refund?: FakeRefund },
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
