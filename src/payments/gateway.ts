import Razorpay from 'razorpay';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { signatureMatches } from './signature.js';
import { FakeRazorpay } from './fake-razorpay.js';

export interface GatewayOrder {
  id: string;
  amount: number;
  currency: string;
}

export interface GatewayPayment {
  id: string;
  order_id: string;
  amount: number;
  /** created | authorized | captured | refunded | failed */
  status: string;
}

export interface GatewayRefund {
  id: string;
  amount: number;
  /** pending | processed | failed */
  status: string;
  notes?: Record<string, string>;
}

export interface GatewayToken {
  id: string;
  customer_id?: string;
  method: string;
  max_amount?: number;
  expired_at?: number;
  recurring_details?: { status: string; failure_reason?: string | null };
}

export interface RecurringDebit {
  email: string;
  contact: string;
  amount: number;
  orderId: string;
  customerId: string;
  tokenId: string;
  notes: Record<string, string>;
}

/** Razorpay did not answer (down, timeout, refused). Safe to retry later. */
export class GatewayUnavailable extends Error {}

/** Razorpay answered with an error. */
export class GatewayRejected extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Traveler payments, chosen once from config: real Razorpay, the built-in test gateway
 * (the same SDK pointed at a fake served by the app), or none (UPI only).
 */
export interface PaymentGateway {
  readonly mode: 'razorpay' | 'test' | 'off';
  readonly keyId: string;
  createOrder(o: { amount: number; receipt: string; notes: Record<string, string> }): Promise<GatewayOrder>;
  fetchPayment(id: string): Promise<GatewayPayment>;
  refund(paymentId: string, amount: number, ref: string): Promise<GatewayRefund>;
  refundsOf(paymentId: string): Promise<GatewayRefund[]>;
  /** Recurring payments (auto-pay): the customer, the authorisation order, tokens and debits. */
  createCustomer(c: { name: string; email: string; contact: string }): Promise<{ id: string }>;
  createAuthorisationOrder(o: {
    amount: number;
    receipt: string;
    customerId: string;
    method: string;
    maxAmount: number;
    expireAt: number;
    notes: Record<string, string>;
  }): Promise<GatewayOrder>;
  fetchTokens(customerId: string): Promise<GatewayToken[]>;
  cancelToken(customerId: string, tokenId: string): Promise<void>;
  createRecurringPayment(d: RecurringDebit): Promise<{ razorpay_payment_id: string }>;
  ordersByReceipt(receipt: string): Promise<GatewayOrder[]>;
  paymentsOfOrder(orderId: string): Promise<(GatewayPayment & { error_description?: string | null })[]>;
  checkoutSignatureValid(orderId: string, paymentId: string, signature: string | undefined): boolean;
  webhookSignatureValid(rawBody: string, signature: string | undefined): boolean;
  /** The in-app fake behind the test gateway (test mode only). */
  readonly fake?: FakeRazorpay;
  /** Where the SDK sends its calls (test mode: the app's own address, known once it listens). */
  useApiBase(url: string): void;
}

interface Keys {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  apiBase?: string;
}

function sdkGateway(mode: 'razorpay' | 'test', keys: Keys, fake?: FakeRazorpay): PaymentGateway {
  const rzp = new Razorpay({ key_id: keys.keyId, key_secret: keys.keySecret });
  // The SDK has no base-URL option; its axios instance does (FACTS.md).
  const rq = (rzp as unknown as { api: { rq: { defaults: { baseURL: string; timeout: number } } } }).api.rq;
  rq.defaults.timeout = 15_000;
  if (keys.apiBase) rq.defaults.baseURL = keys.apiBase;

  async function call<T>(fn: () => Promise<unknown>): Promise<T> {
    try {
      return (await fn()) as T;
    } catch (e) {
      const err = e as { statusCode?: number; error?: { description?: string } };
      if (err && typeof err.statusCode === 'number')
        throw new GatewayRejected(err.statusCode, err.error?.description ?? 'Razorpay refused the request');
      throw new GatewayUnavailable('Razorpay did not answer');
    }
  }

  return {
    mode,
    keyId: keys.keyId,
    fake,
    useApiBase(url) {
      rq.defaults.baseURL = url;
      if (fake) fake.webhookTarget = new URL('/webhooks/razorpay', url).href;
    },
    createOrder: (o) =>
      call(() => rzp.orders.create({ amount: o.amount, currency: 'INR', receipt: o.receipt, notes: o.notes })),
    fetchPayment: (id) => call(() => rzp.payments.fetch(id)),
    refund: (paymentId, amount, ref) => call(() => rzp.payments.refund(paymentId, { amount, notes: { ref } })),
    refundsOf: async (paymentId) =>
      (await call<{ items: GatewayRefund[] }>(() => rzp.payments.fetchMultipleRefund(paymentId, { count: 100 }))).items,
    createCustomer: (cu) => call(() => rzp.customers.create({ ...cu, fail_existing: '0' } as never)),
    createAuthorisationOrder: (o) =>
      call(() =>
        rzp.orders.create({
          amount: o.amount,
          currency: 'INR',
          receipt: o.receipt,
          notes: o.notes,
          customer_id: o.customerId,
          method: o.method,
          payment_capture: true,
          token: { max_amount: o.maxAmount, expire_at: o.expireAt, frequency: 'as_presented' },
        } as never),
      ),
    fetchTokens: async (customerId) =>
      (await call<{ items: GatewayToken[] }>(() => rzp.customers.fetchTokens(customerId))).items,
    cancelToken: async (customerId, tokenId) => {
      await call(() => rzp.customers.deleteToken(customerId, tokenId));
    },
    createRecurringPayment: (d) =>
      call(() =>
        rzp.payments.createRecurringPayment({
          email: d.email,
          contact: d.contact,
          amount: d.amount,
          currency: 'INR',
          order_id: d.orderId,
          customer_id: d.customerId,
          token: d.tokenId,
          recurring: 1,
          notes: d.notes,
        } as never),
      ),
    ordersByReceipt: async (receipt) =>
      (await call<{ items: GatewayOrder[] }>(() => rzp.orders.all({ receipt } as never))).items,
    paymentsOfOrder: async (orderId) =>
      (await call<{ items: GatewayPayment[] }>(() => rzp.orders.fetchPayments(orderId))).items,
    checkoutSignatureValid: (orderId, paymentId, signature) =>
      signatureMatches(keys.keySecret, `${orderId}|${paymentId}`, signature),
    webhookSignatureValid: (raw, signature) => signatureMatches(keys.webhookSecret, raw, signature),
  };
}

const notConfigured = () => Promise.reject(new GatewayUnavailable('online payments are not configured'));

const off: PaymentGateway = {
  mode: 'off',
  keyId: '',
  useApiBase() {},
  createCustomer: notConfigured,
  createAuthorisationOrder: notConfigured,
  fetchTokens: notConfigured,
  cancelToken: notConfigured,
  createRecurringPayment: notConfigured,
  ordersByReceipt: notConfigured,
  paymentsOfOrder: notConfigured,
  createOrder: () => Promise.reject(new GatewayUnavailable('online payments are not configured')),
  fetchPayment: () => Promise.reject(new GatewayUnavailable('online payments are not configured')),
  refund: () => Promise.reject(new GatewayUnavailable('online payments are not configured')),
  refundsOf: () => Promise.reject(new GatewayUnavailable('online payments are not configured')),
  checkoutSignatureValid: () => false,
  webhookSignatureValid: () => false,
};

export function createGateway(config: Config): PaymentGateway {
  if (config.razorpay) return sdkGateway('razorpay', config.razorpay);
  if (!config.testGateway) return off;
  // Fresh secrets per start: a demo install with the test gateway on cannot be fed forged webhooks.
  const keys = {
    keyId: 'rzp_test_trektribe',
    keySecret: randomBytes(24).toString('hex'),
    webhookSecret: randomBytes(24).toString('hex'),
  };
  const fake = new FakeRazorpay(keys);
  // Auto-pay debits settle a little later, by webhook, as Razorpay's do (a day later there).
  fake.settleDebitsAfterMs = 5_000;
  const gw = sdkGateway('test', { ...keys, apiBase: `${config.publicUrl}/test-gateway` }, fake);
  gw.useApiBase(`${config.publicUrl}/test-gateway`);
  return gw;
}
