import type { Deps } from '../deps.js';
import { HOUR } from '../lib/clock.js';
import { tx } from '../lib/transaction.js';
import { breathe } from '../lib/jobs.js';
import { applyCaptured, applyFailed } from '../payments/orders.js';
import { GatewayUnavailable } from '../payments/gateway.js';
import { NO_PAYMENT_AFTER_MS, NOT_SENT_AFTER_MS } from './periods.js';
import { failCharge, recordOrder } from './settling.js';
import { refreshMandate } from './autopay.js';
import * as q from './queries.js';

/**
 * Settles charges still pending after `olderThanMs` by asking Razorpay about their order and
 * its payments (found by the receipt when the order id was never recorded). A charge that
 * never reached Razorpay fails without counting; a debit still in flight stays pending.
 */
export async function reconcileCharges(deps: Deps, olderThanMs = HOUR): Promise<string> {
  const now = deps.clock.now().getTime();
  const counts = { paid: 0, failed: 0, waiting: 0, unreachable: 0 };
  for (const c of await q.pendingChargesBefore(deps.db, new Date(now - olderThanMs).toISOString())) {
    const age = now - Date.parse(c.created_at);
    try {
      let orderId = c.razorpay_order_id;
      if (!orderId && c.receipt) {
        orderId = (await deps.payments.ordersByReceipt(c.receipt))[0]?.id ?? null;
        if (orderId) await recordOrder(deps, c, orderId);
      }
      const payments = orderId ? await deps.payments.paymentsOfOrder(orderId) : [];
      const captured = payments.find((p) => p.status === 'captured' || p.status === 'refunded');
      if (captured) {
        await tx(deps.db, (trx) =>
          applyCaptured(deps, trx, { id: captured.id, order_id: captured.order_id, amount: captured.amount }),
        );
        if (c.kind === 'mandate') await refreshMandate(deps, c.subscription_id);
        counts.paid++;
      } else if (payments.length > 0 && payments.every((p) => p.status === 'failed')) {
        const last = payments[payments.length - 1];
        if (c.kind === 'auto') await tx(deps.db, (trx) => applyFailed(deps, trx, last));
        else if (age > NO_PAYMENT_AFTER_MS) await tx(deps.db, (trx) => failCharge(deps, trx, c.id, 'not paid', false));
        counts.failed++;
      } else if (payments.length === 0 && age > (orderId ? NO_PAYMENT_AFTER_MS : NOT_SENT_AFTER_MS)) {
        await tx(deps.db, (trx) => failCharge(deps, trx, c.id, orderId ? 'no payment made' : 'not sent', false));
        counts.failed++;
      } else counts.waiting++;
    } catch (err) {
      if (!(err instanceof GatewayUnavailable)) throw err;
      counts.unreachable++;
    }
    await breathe();
  }
  return `reconciled ${counts.paid} paid, ${counts.failed} failed, ${counts.waiting} waiting, ${counts.unreachable} unreachable`;
}
