import type { Deps } from '../deps.js';
import { DAY } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { Actor } from '../auth/permissions.js';
import * as q from './queries.js';
import type { Receipt } from './types.js';

/** A paid charge of the organizer's own subscription (an admin may see any). */
export async function receiptOf(deps: Pick<Deps, 'db'>, viewer: Actor, chargeId: number): Promise<Receipt> {
  const charge = await q.findCharge(deps.db, chargeId);
  if (!charge || charge.status !== 'paid') throw new NotFoundError();
  const sub = (await q.findSubscriptionById(deps.db, charge.subscription_id))!;
  if (viewer.role !== 'admin' && sub.organizer_id !== viewer.id) throw new NotFoundError();
  const contact = await q.contactOf(deps.db, sub.organizer_id);
  return {
    number: `TT-SUB-${String(charge.id).padStart(6, '0')}`,
    organizer: contact.name,
    email: contact.email,
    amountPaise: charge.amount_paise,
    periodStart: charge.period_start,
    periodEnd: new Date(new Date(charge.period_start).getTime() + charge.period_days * DAY).toISOString(),
    paidAt: charge.settled_at!,
    kind: charge.kind,
    razorpayPaymentId: charge.razorpay_payment_id,
  };
}
