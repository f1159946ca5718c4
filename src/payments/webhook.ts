import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { isoNow } from '../lib/clock.js';
import { BadRequest } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { applyCaptured } from './orders.js';
import { paymentOwner } from './owners.js';
import { markRefundFailed, markRefundProcessed, sendPendingRefunds } from './refunds.js';
import * as q from './queries.js';

interface WebhookEvent {
  event: string;
  payload: {
    payment?: {
      entity: { id: string; order_id: string; amount: number; status: string; error_description?: string | null };
    };
    order?: { entity: { id: string; amount: number } };
    refund?: {
      entity: { id: string; payment_id: string; amount: number; status: string; notes?: Record<string, string> | [] };
    };
  };
}

export type WebhookOutcome = 'ok' | 'duplicate' | 'ignored';

function parse(raw: string): WebhookEvent {
  try {
    return JSON.parse(raw) as WebhookEvent;
  } catch {
    throw new BadRequest('Malformed body');
  }
}

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
    if (!(await q.recordEvent(trx, eventId, String(ev.event), isoNow(deps.clock)))) return 'duplicate';
    const payment = ev.payload?.payment?.entity;
    const refund = ev.payload?.refund?.entity;
    switch (ev.event) {
      case 'payment.captured':
      case 'order.paid': {
        if (!payment) return 'ignored';
        const applied = await applyCaptured(deps, trx, payment);
        if (applied === 'refunding') refundsFor.push((await q.paymentByOrder(trx, payment.order_id))!.booking_id);
        if (applied === 'mismatch')
          deps.log.warn({ eventId, order: payment.order_id }, 'webhook amount does not match the order');
        return applied === 'unknown' ? 'ignored' : 'ok';
      }
      case 'payment.failed': {
        const order = payment && (await q.paymentByOrder(trx, payment.order_id));
        if (!payment || !order || !paymentOwner(order.owner)) return 'ignored';
        const failed = await q.markOrderFailed(trx, payment.order_id, isoNow(deps.clock));
        if (failed)
          await audit(trx, deps.clock, {
            actorId: null,
            action: 'payment.failed',
            targetType: failed.owner,
            targetId: failed.booking_id,
            after: { order: payment.order_id, payment: payment.id, reason: payment.error_description ?? null },
          });
        return 'ok';
      }
      case 'refund.processed':
      case 'refund.failed': {
        if (!refund) return 'ignored';
        const ref = !Array.isArray(refund.notes) ? refund.notes?.ref : undefined;
        const row =
          (await q.refundByRazorpayId(trx, refund.id)) ??
          (ref?.startsWith('tt_refund_') ? await q.findRefund(trx, Number(ref.slice(10))) : undefined);
        if (!row || !paymentOwner((await q.findPayment(trx, row.payment_id)).owner)) return 'ignored';
        if (ev.event === 'refund.processed') await markRefundProcessed(deps, trx, row.id, refund.id, null);
        else await markRefundFailed(deps, trx, row.id, refund.id);
        return 'ok';
      }
      default:
        return 'ignored';
    }
  });
  for (const id of refundsFor) await sendPendingRefunds(deps, id);
  return out;
}
