import { z } from 'zod';
import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { BadRequest } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { applyCapturedTo, applyFailed } from './orders.js';
import { paymentOwner, paymentOwners } from './owners.js';
import { refundFailed, refundProcessed, sendPendingRefunds } from './refunds.js';
import * as q from './queries.js';

const amount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(100);
const entityOf = <T extends z.ZodType>(entity: T) => z.object({ entity });

const paymentEntity = z.object({
  id,
  // A payment made without an order (not one of ours) has none.
  order_id: id.nullable(),
  amount,
  status: z.string(),
  error_description: z.string().nullish(),
});
const refundEntity = z.object({
  id,
  payment_id: id,
  amount,
  status: z.string(),
  notes: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
});
const tokenEntity = z.object({
  id,
  customer_id: id.nullish(),
  method: z.string().nullish(),
  max_amount: amount.nullish(),
  recurring_details: z.object({ status: z.string().optional() }).nullish(),
});

const paymentEvent = z.object({ payment: entityOf(paymentEntity) });
const refundEvent = z.object({ refund: entityOf(refundEntity) });
const tokenEvent = z.object({ token: entityOf(tokenEntity) });

/** The payload each event we act on must carry; any other event is acknowledged and ignored. */
const PAYLOADS = {
  'payment.captured': paymentEvent,
  'order.paid': paymentEvent,
  'payment.failed': paymentEvent,
  'refund.processed': refundEvent,
  'refund.failed': refundEvent,
  'token.confirmed': tokenEvent,
  'token.rejected': tokenEvent,
  'token.paused': tokenEvent,
  'token.cancelled': tokenEvent,
} as const;
type Known = keyof typeof PAYLOADS;
const envelope = z.object({ event: z.string().min(1).max(100), payload: z.unknown() });

/** An event we act on, its payload checked; `other` for any other (recorded under its name, ignored). */
type WebhookEvent =
  { [E in Known]: { event: E; payload: z.output<(typeof PAYLOADS)[E]> } }[Known] | { event: 'other'; name: string };

const isKnown = (event: string): event is Known => Object.hasOwn(PAYLOADS, event);

/** Where a payload went wrong, by path only: what the sender needs, none of the parser's wording. */
const malformed = (e: z.ZodError) =>
  new BadRequest(`Malformed payload at ${e.issues[0]?.path.join('.') || 'the top level'}`);

function parse(raw: string): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BadRequest('Malformed body');
  }
  const env = envelope.safeParse(json);
  if (!env.success) throw malformed(env.error);
  const { event } = env.data;
  if (!isKnown(event)) return { event: 'other', name: event };
  const payload = PAYLOADS[event].safeParse(env.data.payload);
  if (!payload.success) {
    for (const i of payload.error.issues) i.path.unshift('payload');
    throw malformed(payload.error);
  }
  return { event, payload: payload.data } as WebhookEvent;
}

export type WebhookOutcome = 'ok' | 'duplicate' | 'ignored';

/**
 * A Razorpay webhook, verified over the raw body it came as. The event id is stored in the same
 * transaction as its effect, so a repeat does nothing; each event goes to the feature that owns
 * its order (src/payments/owners.ts); events may arrive in any order.
 */
export async function handleRazorpayWebhook(
  deps: Deps,
  raw: string,
  signature: string | undefined,
  eventId: string | undefined,
): Promise<WebhookOutcome> {
  if (!deps.payments.webhookSignatureValid(raw, signature)) throw new BadRequest('Invalid signature');
  if (!eventId || eventId.length > 100) throw new BadRequest('Missing event id');
  const ev = parse(raw);
  const refundsFor: number[] = [];
  const out = await tx(deps.db, async (trx): Promise<WebhookOutcome> => {
    const name = ev.event === 'other' ? ev.name : ev.event;
    if (!(await q.recordEvent(trx, eventId, name, isoNow(deps.clock)))) return 'duplicate';
    switch (ev.event) {
      case 'payment.captured':
      case 'order.paid': {
        const payment = ev.payload.payment.entity;
        if (!payment.order_id) return 'ignored';
        const order = await q.paymentByOrder(trx, payment.order_id);
        const applied = await applyCapturedTo(deps, trx, order, { ...payment, order_id: payment.order_id });
        if (applied === 'mismatch')
          deps.log.warn({ eventId, order: payment.order_id }, 'webhook amount does not match the order: refunding it');
        if (applied === 'refunding' || applied === 'mismatch') refundsFor.push(order!.booking_id);
        return applied === 'unknown' ? 'ignored' : 'ok';
      }
      case 'payment.failed': {
        const payment = ev.payload.payment.entity;
        if (!payment.order_id) return 'ignored';
        return (await applyFailed(deps, trx, { ...payment, order_id: payment.order_id })) === 'ok' ? 'ok' : 'ignored';
      }
      case 'refund.processed':
      case 'refund.failed': {
        const refund = ev.payload.refund.entity;
        const ref = refund.notes && !Array.isArray(refund.notes) ? refund.notes.ref : undefined;
        const row =
          (await q.refundByRazorpayId(trx, refund.id)) ??
          (typeof ref === 'string' && ref.startsWith('tt_refund_')
            ? await q.findRefund(trx, Number(ref.slice(10)))
            : undefined);
        const pay = row && (await q.findPayment(trx, row.payment_id));
        if (!row || !pay || !paymentOwner(pay.owner)) return 'ignored';
        if (ev.event === 'refund.processed') await refundProcessed(deps, trx, row, pay, refund.id, null);
        else await refundFailed(deps, trx, row, pay, refund.id);
        return 'ok';
      }
      case 'token.confirmed':
      case 'token.rejected':
      case 'token.paused':
      case 'token.cancelled': {
        const token = ev.payload.token.entity;
        const t = {
          id: token.id,
          customerId: token.customer_id ?? null,
          method: token.method ?? null,
          maxAmount: token.max_amount ?? null,
          status: ev.event.slice(6) as 'confirmed' | 'rejected' | 'paused' | 'cancelled',
        };
        for (const owner of paymentOwners()) if (await owner.tokenChanged?.(deps, trx, t)) return 'ok';
        return 'ignored';
      }
      default:
        return 'ignored';
    }
  });
  for (const id of refundsFor) await sendPendingRefunds(deps, id);
  return out;
}
