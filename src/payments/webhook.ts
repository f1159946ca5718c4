import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { BadRequest } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import { applyCaptured, applyFailed } from './orders.js';
import { paymentOwner, paymentOwners } from './owners.js';
import { markRefundFailed, markRefundProcessed, sendPendingRefunds } from './refunds.js';
import * as q from './queries.js';

interface WebhookEvent {
  event: string;
  payload: {
    payment?: {
      entity: { id: string; order_id: string; amount: number; status: string; error_description?: string | null };
    };
    order?: { entity: { id: string; amount: number } };
    token?: {
      entity: {
        id: string;
        customer_id?: string;
        method?: string;
        max_amount?: number;
        recurring_details?: { status?: string };
      };
    };
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
        if (!payment) return 'ignored';
        return (await applyFailed(deps, trx, payment)) === 'ok' ? 'ok' : 'ignored';
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
      case 'token.confirmed':
      case 'token.rejected':
      case 'token.paused':
      case 'token.cancelled': {
        const token = ev.payload?.token?.entity;
        if (!token) return 'ignored';
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
