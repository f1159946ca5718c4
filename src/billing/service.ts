import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { DAY, HOUR, MINUTE, isoNow, type Clock } from '../lib/clock.js';
import { Conflict, NotFoundError, Unavailable } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import {
  applyCaptured,
  applyFailed,
  openOrder,
  recordGatewayOrder,
  verifyCheckout,
  type CheckoutReturn,
} from '../payments/orders.js';
import { GatewayRejected, GatewayUnavailable } from '../payments/gateway.js';
import { registerPaymentOwner, type PaymentOwner, type TokenEvent } from '../payments/owners.js';
import type { Actor } from '../auth/permissions.js';
import { getAccount } from '../auth/service.js';
import { audit } from '../lib/audit.js';
import { subscriptionChanged } from '../live/service.js';
import { breathe } from '../lib/jobs.js';
import { daysBetween, istDate } from '../lib/time.js';
import { getSettings, putSetting, type SettingKey, type Settings } from '../lib/settings.js';
import { enqueue } from '../notifications/outbox.js';
import * as q from './queries.js';
import type { PlanInput } from './schemas.js';
import type { ChargeKind, ChargeStatus, MandateMethod, SubscriptionStatus, TokenStatus } from './tables.js';
import {
  trialEndedHtml,
  trialEndedSms,
  trialEndedText,
  trialEndingHtml,
  trialEndingSms,
  trialEndingText,
  billingMessage,
  type BillingMessage,
  type BillingMessageKind,
} from '../../views/billing/emails.js';

type Db = Kysely<Database>;
type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;

export const SUBSCRIPTION_PAGE = '/organizer/subscription';

/** What a period of the plan costs and gives. */
export interface PlanTerms {
  amountPaise: number;
  periodDays: number;
  listings: number;
}

/** The plan as an admin sets it (settings), with the trial and the auto-pay rules. */
export interface PlanSettings extends PlanTerms {
  trialDays: number;
  chargeAttempts: number;
  chargeRetryDays: number;
  chargeReminderDays: number[];
  trialNoticeDays: number[];
}

/** Where each part of the plan is kept in the settings. */
const SETTING_OF = {
  amountPaise: 'planAmountPaise',
  periodDays: 'planPeriodDays',
  listings: 'planListings',
  trialDays: 'trialDays',
  chargeAttempts: 'chargeAttempts',
  chargeRetryDays: 'chargeRetryDays',
  chargeReminderDays: 'chargeReminderDays',
  trialNoticeDays: 'trialNoticeDays',
} as const satisfies Record<keyof PlanSettings, SettingKey>;

const PLAN_KEYS = Object.keys(SETTING_OF) as (keyof PlanSettings)[];

const planOf = (s: Settings): PlanSettings =>
  Object.fromEntries(PLAN_KEYS.map((k) => [k, s[SETTING_OF[k]]])) as unknown as PlanSettings;

export async function planSettings(deps: Pick<Deps, 'db'>): Promise<PlanSettings> {
  return planOf(await getSettings(deps.db));
}

/** The organizer's trips are shown to travelers in these states (past due: while charges are retried). */
const GOOD_STANDING: readonly SubscriptionStatus[] = ['trial', 'active', 'past_due'];

// ---------------------------------------------------------------- trial

/**
 * Starts the organizer's free trial, unless they have a subscription already. Called at
 * every organizer sign-in, in the caller's transaction; the unique organizer_id makes two
 * sign-ins at once start one trial. An organizer who signed in before billing existed gets
 * their trial at their next sign-in.
 */
export async function startTrial(db: Db, clock: Clock, organizerId: number): Promise<boolean> {
  if (await q.findSubscription(db, organizerId)) return false;
  const plan = planOf(await getSettings(db));
  const now = clock.now();
  const ends = new Date(now.getTime() + plan.trialDays * DAY).toISOString();
  return q.insertSubscriptionOnce(db, {
    organizer_id: organizerId,
    status: 'trial',
    trial_ends_at: ends,
    current_period_start: now.toISOString(),
    current_period_end: ends,
    next_charge_at: null,
    // The trial is the first period: free, as long as the trial setting, with the plan's listings.
    amount_paise: 0,
    period_days: plan.trialDays,
    listings: plan.listings,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  });
}

// ---------------------------------------------------------------- the organizer's page

export interface ChargeItem {
  id: number;
  kind: ChargeKind;
  periodStart: string;
  amountPaise: number;
  status: ChargeStatus;
  attempt: number;
  createdAt: string;
  settledAt: string | null;
}

export interface SubscriptionView {
  status: SubscriptionStatus;
  trialEndsAt: string;
  /** The trial's end has passed but the daily job has not closed it yet. */
  trialOver: boolean;
  periodStart: string;
  periodEnd: string;
  /** The paid period starts later (paid during the trial, or ahead): it has not begun yet. */
  startsLater: boolean;
  /** India calendar days until the running period ends (0 on its last day). */
  daysLeft: number;
  nextChargeAt: string | null;
  /** The terms of the running period. */
  running: PlanTerms;
  /** The terms the next period would start on (the settings now). */
  next: PlanTerms;
  charges: ChargeItem[];
  /** The auto-pay mandate, once set-up began. */
  mandate: { method: MandateMethod | null; maxAmountPaise: number | null; status: TokenStatus } | null;
  /** A mandate the bank paused or cancelled: auto-pay needs a new one. */
  needsNewMandate: boolean;
  cancelAtPeriodEnd: boolean;
  failedAttempts: number;
  /** A charge is on its way (no second one may start). */
  pending: boolean;
  /** "Pay now" is offered: not while auto-pay looks after an active subscription or the next period is paid ahead. */
  payNowOffered: boolean;
}

/** The organizer's subscription as their page shows it; null if they have none yet. */
export async function subscriptionOf(
  deps: Pick<Deps, 'db' | 'clock'>,
  organizerId: number,
): Promise<SubscriptionView | null> {
  const { db, clock } = deps;
  const sub = await q.findSubscription(db, organizerId);
  if (!sub) return null;
  const [plan, charges] = await Promise.all([planSettings(deps), q.chargesOf(db, sub.id)]);
  const now = clock.now();
  return {
    status: sub.status,
    trialEndsAt: sub.trial_ends_at,
    trialOver: sub.status === 'trial' && sub.trial_ends_at <= now.toISOString(),
    periodStart: sub.current_period_start,
    periodEnd: sub.current_period_end,
    startsLater: sub.current_period_start > now.toISOString(),
    daysLeft: Math.max(0, daysBetween(istDate(now), istDate(new Date(sub.current_period_end)))),
    nextChargeAt: sub.next_charge_at,
    running: { amountPaise: sub.amount_paise, periodDays: sub.period_days, listings: sub.listings },
    next: { amountPaise: plan.amountPaise, periodDays: plan.periodDays, listings: plan.listings },
    mandate: sub.token_status
      ? { method: sub.token_method, maxAmountPaise: sub.token_max_amount_paise, status: sub.token_status }
      : null,
    needsNewMandate: (sub.token_status === 'paused' || sub.token_status === 'cancelled') && !sub.cancel_at_period_end,
    cancelAtPeriodEnd: sub.cancel_at_period_end === 1,
    failedAttempts: sub.failed_attempts,
    pending: charges.some((c) => c.status === 'pending'),
    payNowOffered: !paidAhead(sub, now) && !charges.some((c) => c.status === 'pending'),
    charges: charges.map((c) => ({
      id: c.id,
      kind: c.kind,
      periodStart: c.period_start,
      amountPaise: c.amount_paise,
      status: c.status,
      attempt: c.attempt,
      createdAt: c.created_at,
      settledAt: c.settled_at,
    })),
  };
}

/**
 * What /organizer/subscription shows: the organizer's own subscription, or, for an admin,
 * that of the organizer they name (none named: the plan alone).
 */
export async function subscriptionPage(deps: Pick<Deps, 'db' | 'clock'>, viewer: Actor, organizer: string | undefined) {
  const plan = await planSettings(deps);
  const terms = { amountPaise: plan.amountPaise, periodDays: plan.periodDays, listings: plan.listings };
  if (viewer.role !== 'admin') return { organizerName: null, sub: await subscriptionOf(deps, viewer.id), plan: terms };
  if (!organizer) return { organizerName: null, sub: null, plan: terms };
  const account = await getAccount(deps, Number(organizer) || 0);
  if (account.role !== 'organizer') throw new NotFoundError();
  return {
    organizerName: account.org_display_name ?? account.name,
    sub: await subscriptionOf(deps, account.id),
    plan: terms,
  };
}

// ---------------------------------------------------------------- listings

/**
 * Refuses one more active trip beyond what the organizer's running period includes, and
 * any while their subscription is not in good standing. `activeTrips` is how many they have
 * active now (the trips feature counts its own). Without a subscription (signed in before
 * billing existed), the plan's listings apply.
 */
export async function ensureListingRoom(db: Db, organizerId: number, activeTrips: number): Promise<void> {
  const sub = await q.findSubscription(db, organizerId);
  if (sub && !GOOD_STANDING.includes(sub.status)) {
    throw new Conflict(
      'Your subscription is not active, so travelers cannot see your trips and no trip can be published.',
    ).withLink(SUBSCRIPTION_PAGE, 'See your subscription');
  }
  const included = sub ? sub.listings : (await getSettings(db)).planListings;
  if (activeTrips >= included) {
    throw new Conflict(
      `Your plan includes ${included} active ${included === 1 ? 'trip' : 'trips'} and you have ${activeTrips}. Deactivate one first to publish this one.`,
    ).withLink(SUBSCRIPTION_PAGE, 'See your plan');
  }
}

/** How many active trips the organizer's running period includes (the plan's, without a subscription). */
export async function listingsIncluded(db: Db, organizerId: number): Promise<number> {
  const sub = await q.findSubscription(db, organizerId);
  return sub ? sub.listings : (await getSettings(db)).planListings;
}

// ---------------------------------------------------------------- admin: plan settings

/** Saves the plan settings; running periods keep their terms, the next ones take these. Audited. */
export async function changePlan(deps: Pick<Deps, 'db' | 'clock'>, actorId: number, input: PlanInput): Promise<void> {
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const before = planOf(await getSettings(trx));
    const after: PlanSettings = input;
    const changed = PLAN_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    for (const k of changed) await putSetting(trx, clock, SETTING_OF[k], after[k] as never);
    await audit(trx, clock, {
      actorId,
      action: 'settings.plan_changed',
      targetType: 'settings',
      targetId: 'plan',
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  });
}

// ---------------------------------------------------------------- trial notices (job)

/**
 * The daily trial job: tells each organizer whose trial ends soon (the configured days
 * before, each once), and closes the trials that have ended. Without auto-pay set up (none
 * can be yet) an ended trial makes the subscription inactive, which hides the organizer's
 * trips from travelers; their bookings stay as they are. Safe to run twice: a notice is
 * recorded under a unique key in the transaction that queues it, and a trial is closed by a
 * conditional update.
 */
export async function sendTrialNotices(deps: Ctx): Promise<string> {
  const { db, clock } = deps;
  const plan = await planSettings(deps);
  const now = clock.now();
  const horizon = new Date(now.getTime() + (Math.max(0, ...plan.trialNoticeDays) + 1) * DAY).toISOString();
  let told = 0;
  let ended = 0;
  for (const trial of await q.trialsEndingBefore(db, horizon)) {
    if (trial.trial_ends_at <= now.toISOString()) {
      const closed = await endTrial(deps, trial);
      if (closed) await subscriptionChanged(deps, trial.organizer_id);
      ended += Number(closed);
    } else told += Number(await noticeTrialEnding(deps, trial, plan.trialNoticeDays));
    await breathe();
  }
  return `sent ${told} trial notices, ended ${ended} trials`;
}

/**
 * The notice due now: the nearest configured day at or after the days left (a day the job
 * missed is made up by the next notice, never by several at once).
 */
function dueNotice(daysLeft: number, noticeDays: number[]): number | null {
  const due = noticeDays.filter((d) => d >= daysLeft);
  return due.length ? Math.min(...due) : null;
}

async function noticeTrialEnding(deps: Ctx, trial: q.TrialRow, noticeDays: number[]): Promise<boolean> {
  const { db, clock, config } = deps;
  const daysLeft = daysBetween(istDate(clock.now()), istDate(new Date(trial.trial_ends_at)));
  const due = dueNotice(daysLeft, noticeDays);
  if (due === null) return false;
  return db.transaction().execute(async (trx) => {
    if (
      !(await q.recordNotice(trx, {
        subscriptionId: trial.id,
        kind: 'trial-ending',
        about: `${trial.trial_ends_at}/${due}`,
        now: clock.now().toISOString(),
      }))
    )
      return false;
    const p = {
      name: trial.name,
      endsAt: trial.trial_ends_at,
      daysLeft,
      link: `${config.publicUrl}${SUBSCRIPTION_PAGE}`,
    };
    await tell(trx, deps, trial, 'trial-ending', {
      subject: `Your TrekTribe trial ends ${daysLeft <= 0 ? 'today' : `in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}`}`,
      text: trialEndingText(p),
      html: trialEndingHtml(p),
      sms: trialEndingSms(p),
    });
    return true;
  });
}

/** Closes an ended trial that nobody paid for (a first payment through auto-pay set-up makes the subscription active before). */
async function endTrial(deps: Ctx, trial: q.TrialRow): Promise<boolean> {
  const { db, clock, config } = deps;
  return db.transaction().execute(async (trx) => {
    const now = clock.now().toISOString();
    if (!(await q.setStatusFrom(trx, trial.id, 'trial', 'inactive', now))) return false;
    if (await q.recordNotice(trx, { subscriptionId: trial.id, kind: 'trial-ended', about: trial.trial_ends_at, now })) {
      const p = { name: trial.name, endsAt: trial.trial_ends_at, link: `${config.publicUrl}${SUBSCRIPTION_PAGE}` };
      await tell(trx, deps, trial, 'trial-ended', {
        subject: 'Your TrekTribe trial has ended',
        text: trialEndedText(p),
        html: trialEndedHtml(p),
        sms: trialEndedSms(p),
      });
    }
    return true;
  });
}

/**
 * Email, and an SMS when the organizer's phone is verified (and a WhatsApp message too where an
 * approved notice template is configured: business-initiated WhatsApp needs one); nothing to a
 * closed account.
 */
export async function tell(
  trx: Db,
  deps: Pick<Deps, 'clock' | 'config'>,
  to: Pick<q.TrialRow, 'name' | 'email' | 'phone' | 'phone_verified_at' | 'user_status'>,
  template: string,
  m: { subject: string; text: string; html: string; sms: string },
) {
  if (to.user_status !== 'active') return;
  const { config } = deps;
  await enqueue(trx, deps, {
    channel: 'email',
    to: to.email,
    template,
    subject: m.subject,
    text: m.text,
    html: m.html,
  });
  if (!to.phone || !to.phone_verified_at) return;
  await enqueue(trx, deps, { channel: 'sms', to: to.phone, template, text: m.sms });
  if (config.whatsappNotice)
    await enqueue(trx, deps, {
      channel: 'whatsapp',
      to: to.phone,
      template,
      text: m.sms,
      whatsappTemplate: { sid: config.whatsappNotice.sid, variables: { '1': to.name, '2': m.sms } },
    });
}

// ================================================================ auto-pay (issue 15, items 3, 5–7, 9)

/**
 * Debits take 24–36 h to settle (FACTS.md, Razorpay recurring): a period is charged this many
 * India days before it is due, so its outcome is known, and a failure can be retried, in time.
 */
export const CHARGE_LEAD_DAYS = 2;
/** A pending charge without a Razorpay order after this never reached Razorpay (longer than the SDK's timeout). */
const NOT_SENT_AFTER_MS = 10 * MINUTE;
/** An order with no payment after this: the debit was never asked, or the payer left Checkout. */
const NO_PAYMENT_AFTER_MS = HOUR;
/** How many subscriptions one charge run asks Razorpay about at once. */
export const CHARGE_CONCURRENCY = 8;
/** The most a mandate lets us debit at once: twice the plan, within Razorpay's ₹15,000 no-approval limit. */
const mandateMax = (amountPaise: number) => Math.min(amountPaise * 2, 15_000_00);
const MANDATE_YEARS = 10;

const OWNER = 'subscription';
const payerOf = (sub: { id: number }) => ({ owner: OWNER, id: sub.id });
type ContactRow = q.ContactRow;

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** 00:00 India time on an India calendar day, as UTC ISO. */
const istMidnight = (day: string) => new Date(`${day}T00:00:00+05:30`).toISOString();
/** When auto-pay charges a period that is due at `due`. */
export const chargeDateFor = (due: string) => istMidnight(addDays(istDate(new Date(due)), -CHARGE_LEAD_DAYS));

/** The period the next payment pays for: the one after the running period, or from now once the subscription has lapsed. */
function nextPeriodStart(sub: q.SubscriptionRow, now: string): string {
  const lapsed = sub.status === 'inactive' || sub.status === 'cancelled';
  return lapsed && sub.current_period_end < now ? now : sub.current_period_end;
}

const receiptFor = (subId: number, periodStart: string, attempt: number) =>
  `sub${subId}-${periodStart.slice(0, 10)}-${attempt}`;

const subscriptionLink = (config: Deps['config']) => `${config.publicUrl}${SUBSCRIPTION_PAGE}`;
const receiptLink = (config: Deps['config'], chargeId: number) =>
  `${config.publicUrl}${SUBSCRIPTION_PAGE}/charges/${chargeId}`;

/** Queues one auto-pay message to the organizer (see `tell` for the channels). */
async function notify(
  deps: Pick<Deps, 'clock' | 'config'>,
  trx: Db,
  contact: ContactRow,
  kind: BillingMessageKind,
  p: Omit<BillingMessage, 'name' | 'link'>,
) {
  await tell(
    trx,
    deps,
    contact,
    kind,
    billingMessage(kind, { ...p, name: contact.name, link: subscriptionLink(deps.config) }),
  );
}

/**
 * Nothing is due by hand: auto-pay charges an active subscription itself, and a period paid
 * ahead (auto-pay's set-up during the trial, or a payment already made) has not begun. Paying
 * now would pay twice.
 */
const paidAhead = (sub: q.SubscriptionRow, now: Date) =>
  (sub.status === 'active' && sub.token_status === 'confirmed' && sub.cancel_at_period_end === 0) ||
  sub.current_period_start > now.toISOString();

async function ownSubscription(db: Db, actor: Actor): Promise<q.SubscriptionRow> {
  const sub = actor.role === 'organizer' ? await q.findSubscription(db, actor.id) : undefined;
  if (!sub) throw new Conflict('Only an organizer with a subscription can do this.');
  return sub;
}

/** Claims the charge row (written before Razorpay is asked); null when the key is taken or a charge is pending. */
async function claimCharge(
  deps: Pick<Deps, 'clock'>,
  trx: Db,
  sub: q.SubscriptionRow,
  kind: ChargeKind,
  plan: PlanTerms,
  actorId: number | null,
): Promise<q.ChargeRow | null> {
  const now = isoNow(deps.clock);
  const periodStart = nextPeriodStart(sub, now);
  const attempt = (await q.chargesForPeriod(trx, sub.id, periodStart)) + 1;
  const charge = await q.insertChargeOnce(trx, {
    subscription_id: sub.id,
    period_start: periodStart,
    amount_paise: plan.amountPaise,
    period_days: plan.periodDays,
    listings: plan.listings,
    status: 'pending',
    attempt,
    kind,
    receipt: receiptFor(sub.id, periodStart, attempt),
    razorpay_order_id: null,
    razorpay_payment_id: null,
    failure_reason: null,
    created_at: now,
    settled_at: null,
  });
  if (!charge) return null;
  await audit(trx, deps.clock, {
    actorId,
    action: 'subscription.charge_started',
    targetType: 'subscription',
    targetId: sub.id,
    after: { charge: charge.id, kind, period_start: periodStart, amount_paise: plan.amountPaise, attempt },
  });
  return charge;
}

/** The order a charge was sent with is recorded on the charge and with payments (webhooks find it by the order). */
async function recordOrder(deps: Deps, charge: q.ChargeRow, orderId: string) {
  await tx(deps.db, async (trx) => {
    await q.recordChargeIds(trx, charge.id, { razorpay_order_id: orderId });
    await recordGatewayOrder(deps, trx, payerOf({ id: charge.subscription_id }), {
      orderId,
      amount: charge.amount_paise,
    });
  });
}

export interface CheckoutStart {
  orderId: string;
  chargeId: number;
}

/**
 * Starts auto-pay (item 3): a Razorpay customer, an authorisation order carrying the token's
 * terms and the method, paid through Checkout with `recurring: 1`. The payment pays the next
 * period (the first one after the trial); the token is saved once Razorpay reports it confirmed.
 */
export async function startAutopay(deps: Deps, actor: Actor, method: MandateMethod): Promise<CheckoutStart> {
  const { db } = deps;
  let sub = await ownSubscription(db, actor);
  if (sub.token_status === 'confirmed' && !sub.cancel_at_period_end) throw new Conflict('Auto-pay is already set up.');
  const pending = await q.pendingChargeOf(db, sub.id);
  if (pending?.kind === 'mandate' && pending.razorpay_order_id)
    return { orderId: pending.razorpay_order_id, chargeId: pending.id };
  if (pending) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  const contact = await q.contactOf(db, sub.organizer_id);
  if (!contact.phone)
    throw new Conflict('Auto-pay needs your phone number: add it to your profile first.').withLink(
      '/me',
      'Your profile',
    );
  const plan = await planSettings(deps);
  const unreachable = () =>
    new Unavailable('We could not reach the payment service. Nothing was charged; please try again in a few minutes.');
  if (!sub.razorpay_customer_id) {
    let customer;
    try {
      customer = await deps.payments.createCustomer({
        name: contact.name,
        email: contact.email,
        contact: contact.phone,
      });
    } catch {
      throw unreachable();
    }
    await q.updateSubscription(db, sub.id, { razorpay_customer_id: customer.id, updated_at: isoNow(deps.clock) });
    sub = { ...sub, razorpay_customer_id: customer.id };
  }
  const charge = await tx(db, (trx) => claimCharge(deps, trx, sub, 'mandate', plan, actor.id));
  if (!charge) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  const maxAmount = mandateMax(plan.amountPaise);
  let order;
  try {
    order = await deps.payments.createAuthorisationOrder({
      amount: charge.amount_paise,
      receipt: charge.receipt!,
      customerId: sub.razorpay_customer_id!,
      method,
      maxAmount,
      expireAt: Math.floor(deps.clock.now().getTime() / 1000) + MANDATE_YEARS * 365 * 86_400,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
  } catch {
    // No money moves without the payer in Checkout: the claim is given up, nothing counted.
    await tx(db, (trx) => failCharge(deps, trx, charge.id, 'not sent', false));
    throw unreachable();
  }
  await recordOrder(deps, charge, order.id);
  await q.updateSubscription(db, sub.id, {
    token_status: sub.token_status === 'confirmed' ? 'confirmed' : 'pending',
    token_method: method,
    token_max_amount_paise: maxAmount,
    updated_at: isoNow(deps.clock),
  });
  return { orderId: order.id, chargeId: charge.id };
}

/** "Pay now" / reactivate: a plain order paid through Checkout, for the period the subscription needs next. */
export async function payNow(deps: Deps, actor: Actor): Promise<CheckoutStart> {
  const { db } = deps;
  const sub = await ownSubscription(db, actor);
  const pending = await q.pendingChargeOf(db, sub.id);
  if (pending?.kind === 'manual' && pending.razorpay_order_id)
    return { orderId: pending.razorpay_order_id, chargeId: pending.id };
  if (paidAhead(sub, deps.clock.now()))
    throw new Conflict(
      sub.current_period_start > deps.clock.now().toISOString()
        ? 'Your next period is already paid: there is nothing to pay now.'
        : 'Auto-pay charges your subscription before each period: there is nothing to pay now.',
    );
  if (pending)
    throw new Conflict(
      'An auto-pay debit of your subscription is on its way (banks take up to a day and a half): wait for its outcome before paying again.',
    );
  const plan = await planSettings(deps);
  const charge = await tx(db, (trx) => claimCharge(deps, trx, sub, 'manual', plan, actor.id));
  if (!charge) throw new Conflict('A payment of your subscription is on its way: wait for its outcome.');
  let orderId;
  try {
    orderId = await openOrder(deps, actor, payerOf(sub), {
      amount: charge.amount_paise,
      receipt: charge.receipt!,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
  } catch {
    await tx(db, (trx) => failCharge(deps, trx, charge.id, 'not sent', false));
    throw new Unavailable(
      'We could not reach the payment service. Nothing was charged; please try again in a few minutes.',
    );
  }
  await q.recordChargeIds(db, charge.id, { razorpay_order_id: orderId });
  return { orderId, chargeId: charge.id };
}

/** What Checkout needs to open a charge's order (the real Razorpay page). */
export async function checkoutOf(deps: Deps, actor: Actor, chargeId: number) {
  const sub = await ownSubscription(deps.db, actor);
  const charge = await q.findCharge(deps.db, chargeId);
  if (!charge || charge.subscription_id !== sub.id || charge.status !== 'pending' || !charge.razorpay_order_id)
    throw new NotFoundError();
  const contact = await q.contactOf(deps.db, sub.organizer_id);
  return {
    orderId: charge.razorpay_order_id,
    amountPaise: charge.amount_paise,
    recurring: charge.kind === 'mandate',
    customerId: charge.kind === 'mandate' ? sub.razorpay_customer_id : null,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
  };
}

/** Checkout came back: the signature and the payment are checked by payments, the charge settles, the token is looked up. */
export async function confirmCheckout(deps: Deps, actor: Actor, r: CheckoutReturn): Promise<'paid' | 'waiting'> {
  const sub = await ownSubscription(deps.db, actor);
  await verifyCheckout(deps, payerOf(sub), r);
  const charge = await q.chargeByOrder(deps.db, r.orderId);
  if (charge?.kind === 'mandate') await refreshMandate(deps, sub.id);
  return charge && (await q.findCharge(deps.db, charge.id))?.status === 'paid' ? 'paid' : 'waiting';
}

/** Asks Razorpay for the customer's tokens and saves a confirmed one (when the token.confirmed webhook is late or lost). */
export async function refreshMandate(deps: Deps, subscriptionId: number): Promise<void> {
  const sub = await q.findSubscriptionById(deps.db, subscriptionId);
  if (!sub?.razorpay_customer_id || sub.token_status === 'confirmed') return;
  let tokens;
  try {
    tokens = await deps.payments.fetchTokens(sub.razorpay_customer_id);
  } catch (err) {
    deps.log.warn({ err, subscriptionId }, 'could not fetch the tokens; the token.confirmed webhook will do');
    return;
  }
  const t = tokens.filter((x) => x.recurring_details?.status === 'confirmed').at(-1);
  if (!t) return;
  await tx(deps.db, (trx) =>
    tokenChanged(deps, trx, {
      id: t.id,
      customerId: sub.razorpay_customer_id,
      method: t.method,
      maxAmount: t.max_amount ?? null,
      status: 'confirmed',
    }),
  );
}

/** Cancels at the end of the paid period: nothing more is charged, and the mandate is cancelled at Razorpay. */
export async function cancelSubscription(deps: Deps, actor: Actor): Promise<void> {
  const sub = await ownSubscription(deps.db, actor);
  if (sub.cancel_at_period_end || sub.status === 'cancelled')
    throw new Conflict('Your subscription is already cancelled.');
  if (sub.status === 'inactive') throw new Conflict('Your subscription is not active: there is nothing to cancel.');
  const hadToken = sub.token_status === 'confirmed' ? sub.razorpay_token_id : null;
  await tx(deps.db, async (trx) => {
    await q.updateSubscription(trx, sub.id, {
      cancel_at_period_end: 1,
      next_charge_at: null,
      // Marked before Razorpay is told, so its token.cancelled webhook is not mistaken for the bank's.
      ...(hadToken ? { token_status: 'cancelled' as const } : {}),
      updated_at: isoNow(deps.clock),
    });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: 'subscription.cancelled',
      targetType: 'subscription',
      targetId: sub.id,
      after: { active_until: sub.current_period_end, token: hadToken },
    });
  });
  if (hadToken && sub.razorpay_customer_id)
    await deps.payments
      .cancelToken(sub.razorpay_customer_id, hadToken)
      .catch((err) =>
        deps.log.error(
          { err, subscription: sub.id },
          'could not cancel the mandate at Razorpay; nothing will be charged on it',
        ),
      );
}

// ---------------------------------------------------------------- settling charges (payments owner)

/** A charge was paid: the period it pays for starts (or is queued after the running one), attempts reset, trips visible. */
async function chargePaid(deps: Deps, trx: Db, charge: q.ChargeRow, paymentId: string): Promise<void> {
  const sub = (await q.findSubscriptionById(trx, charge.subscription_id))!;
  let periodStart = charge.period_start;
  const other = await q.paidChargeFor(trx, sub.id, periodStart);
  if (other && other.id !== charge.id) {
    // That period is paid already (a pay-now and a late capture, say): this payment pays the one after.
    periodStart = sub.current_period_end;
    await q.setChargeFields(trx, charge.id, { period_start: periodStart });
  }
  const now = isoNow(deps.clock);
  if (!(await q.settleChargeRow(trx, charge.id, { status: 'paid', at: now, paymentId }))) return;
  const end = new Date(new Date(periodStart).getTime() + charge.period_days * DAY).toISOString();
  const cancelling = charge.kind === 'auto' ? sub.cancel_at_period_end : 0;
  const autopay = sub.token_status === 'confirmed' && !cancelling;
  const wasOff = sub.status === 'inactive' || sub.status === 'cancelled';
  await q.updateSubscription(trx, sub.id, {
    status: 'active',
    current_period_start: periodStart,
    current_period_end: end,
    amount_paise: charge.amount_paise,
    period_days: charge.period_days,
    listings: charge.listings,
    failed_attempts: 0,
    cancel_at_period_end: cancelling,
    next_charge_at: autopay ? chargeDateFor(end) : null,
    updated_at: now,
  });
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'subscription.charge_paid',
    targetType: 'subscription',
    targetId: sub.id,
    after: { charge: charge.id, kind: charge.kind, payment: paymentId, amount_paise: charge.amount_paise, until: end },
  });
  const contact = await q.contactOf(trx, sub.organizer_id);
  await notify(deps, trx, contact, 'payment-succeeded', {
    amountPaise: charge.amount_paise,
    date: end,
    receipt: receiptLink(deps.config, charge.id),
  });
  if (wasOff) await notify(deps, trx, contact, 'reactivated', { amountPaise: charge.amount_paise, date: end });
}

/**
 * A charge failed. `counted`: an auto-pay debit the bank declined counts as an attempt (retried
 * on a later day, the last one deactivates); a charge that never reached Razorpay, or a
 * Checkout the payer left, does not.
 */
async function failCharge(deps: Deps, trx: Db, chargeId: number, reason: string, counted: boolean): Promise<void> {
  const now = isoNow(deps.clock);
  if (!(await q.settleChargeRow(trx, chargeId, { status: 'failed', at: now, reason: reason.slice(0, 300) }))) return;
  const charge = (await q.findCharge(trx, chargeId))!;
  await audit(trx, deps.clock, {
    actorId: null,
    action: 'subscription.charge_failed',
    targetType: 'subscription',
    targetId: charge.subscription_id,
    after: { charge: chargeId, kind: charge.kind, reason, counted },
  });
  if (!counted) return;
  const sub = (await q.findSubscriptionById(trx, charge.subscription_id))!;
  const plan = planOf(await getSettings(trx));
  const attempts = sub.failed_attempts + 1;
  const contact = await q.contactOf(trx, sub.organizer_id);
  if (attempts >= plan.chargeAttempts) {
    await q.updateSubscription(trx, sub.id, {
      status: 'inactive',
      failed_attempts: attempts,
      next_charge_at: null,
      updated_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'subscription.deactivated',
      targetType: 'subscription',
      targetId: sub.id,
      after: { attempts },
    });
    await notify(deps, trx, contact, 'deactivated', { amountPaise: charge.amount_paise, date: null });
    return;
  }
  const retryAt = istMidnight(addDays(istDate(deps.clock.now()), plan.chargeRetryDays));
  await q.updateSubscription(trx, sub.id, {
    status: 'past_due',
    failed_attempts: attempts,
    next_charge_at: retryAt,
    updated_at: now,
  });
  // The failure message tells the amount and date of the next attempt: it is that attempt's pre-debit notice.
  await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'pre-debit', about: retryAt, now });
  await notify(deps, trx, contact, 'payment-failed', {
    amountPaise: plan.amountPaise,
    date: retryAt,
    attemptsLeft: plan.chargeAttempts - attempts,
  });
}

/** A token event for one of our customers (webhook, or the tokens fetched after Checkout); true if it was ours. */
async function tokenChanged(deps: Deps, trx: Db, t: TokenEvent): Promise<boolean> {
  const sub = t.customerId ? await q.subscriptionByCustomer(trx, t.customerId) : undefined;
  if (!sub) return false;
  const now = isoNow(deps.clock);
  if (t.status === 'confirmed') {
    if (sub.token_status === 'confirmed' && sub.razorpay_token_id === t.id) return true;
    if (sub.token_status !== 'pending') return true;
    const autopay = (sub.status === 'active' || sub.status === 'past_due') && !sub.cancel_at_period_end;
    await q.updateSubscription(trx, sub.id, {
      razorpay_token_id: t.id,
      token_status: 'confirmed',
      ...(t.method ? { token_method: t.method as MandateMethod } : {}),
      ...(t.maxAmount ? { token_max_amount_paise: t.maxAmount } : {}),
      next_charge_at: autopay ? chargeDateFor(sub.current_period_end) : sub.next_charge_at,
      updated_at: now,
    });
    await audit(trx, deps.clock, {
      actorId: null,
      action: 'subscription.mandate_confirmed',
      targetType: 'subscription',
      targetId: sub.id,
      after: { token: t.id, method: t.method, max_amount_paise: t.maxAmount },
    });
    return true;
  }
  if (t.status === 'rejected') {
    if (sub.token_status === 'pending')
      await q.updateSubscription(trx, sub.id, { token_status: 'rejected', updated_at: now });
    return true;
  }
  // paused or cancelled at the bank: only the mandate in use matters, and only once.
  if (sub.razorpay_token_id !== t.id || sub.token_status !== 'confirmed') return true;
  await q.updateSubscription(trx, sub.id, { token_status: t.status, next_charge_at: null, updated_at: now });
  await audit(trx, deps.clock, {
    actorId: null,
    action: `subscription.mandate_${t.status}`,
    targetType: 'subscription',
    targetId: sub.id,
    after: { token: t.id },
  });
  if (await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'mandate-cancelled', about: t.id, now }))
    await notify(deps, trx, await q.contactOf(trx, sub.organizer_id), 'mandate-cancelled', {
      amountPaise: sub.amount_paise,
      date: sub.current_period_end,
    });
  return true;
}

const subscriptionPayments: PaymentOwner = {
  async captured(deps, trx, _order, payment) {
    const charge = await q.chargeByOrder(trx, payment.order_id);
    if (charge) await chargePaid(deps, trx, charge, payment.id);
    return 'confirmed';
  },
  async failed(deps, trx, _order, payment) {
    const charge = await q.chargeByOrder(trx, payment.order_id);
    // A declined Checkout attempt can be tried again on the same order: only a debit's failure settles its charge.
    if (charge?.kind === 'auto')
      await failCharge(deps, trx, charge.id, payment.error_description ?? 'declined by the bank', true);
  },
  tokenChanged,
  // Subscription payments are not refunded through the gateway (yet): nothing of ours to update.
  async refunded() {},
  async refundFailed() {},
};
registerPaymentOwner(OWNER, subscriptionPayments);

// ---------------------------------------------------------------- the charge job (02:00)

/** Runs `fn` over `items`, at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await fn(items[next++]);
      // Waiting requests go between two charges (better-sqlite3 is synchronous; see lib/jobs.ts).
      await breathe();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type ChargeOutcome = 'asked' | 'skipped' | 'unreachable' | 'declined';

/** One subscription's auto-pay debit: the charge row claimed first, then the order, then the debit. */
async function chargeOne(deps: Deps, subscriptionId: number, plan: PlanTerms): Promise<ChargeOutcome> {
  const claimed = await tx(deps.db, async (trx) => {
    const sub = await q.findSubscriptionById(trx, subscriptionId);
    const now = isoNow(deps.clock);
    // Still due now that we hold the write lock (another process may have charged it meanwhile).
    if (
      !sub ||
      (sub.status !== 'active' && sub.status !== 'past_due') ||
      sub.token_status !== 'confirmed' ||
      sub.cancel_at_period_end ||
      !sub.next_charge_at ||
      sub.next_charge_at > now
    )
      return null;
    const charge = await claimCharge(deps, trx, sub, 'auto', plan, null);
    return charge && { sub, charge, contact: await q.contactOf(trx, sub.organizer_id) };
  });
  if (!claimed) return 'skipped';
  const { sub, charge, contact } = claimed;
  let orderId: string;
  try {
    orderId = (
      await deps.payments.createOrder({
        amount: charge.amount_paise,
        receipt: charge.receipt!,
        notes: { subscription: String(sub.id), charge: String(charge.id) },
      })
    ).id;
  } catch (e) {
    if (e instanceof GatewayRejected) {
      await tx(deps.db, (trx) => failCharge(deps, trx, charge.id, `order refused: ${e.message}`, false));
      return 'declined';
    }
    // Maybe made, maybe not: the reconcile job looks the order up by its receipt.
    return 'unreachable';
  }
  await recordOrder(deps, charge, orderId);
  try {
    const r = await deps.payments.createRecurringPayment({
      email: contact.email,
      contact: contact.phone ?? '',
      amount: charge.amount_paise,
      orderId,
      customerId: sub.razorpay_customer_id!,
      tokenId: sub.razorpay_token_id!,
      notes: { subscription: String(sub.id), charge: String(charge.id) },
    });
    await q.recordChargeIds(deps.db, charge.id, { razorpay_payment_id: r.razorpay_payment_id });
    return 'asked';
  } catch (e) {
    if (e instanceof GatewayRejected) {
      // Razorpay said no outright (token no longer active, amount above the mandate): a failed attempt.
      await tx(deps.db, (trx) => failCharge(deps, trx, charge.id, e.message, true));
      return 'declined';
    }
    return 'unreachable';
  }
}

/**
 * The 02:00 job: settles what is overdue first (reconcile), closes periods that ended with
 * nothing more to charge, then charges every subscription due within the lead time. Safe to
 * run twice and in two processes at once: each charge is claimed by its row before Razorpay is
 * asked, and no subscription gets a second debit while one is pending.
 */
export async function chargeDueSubscriptions(deps: Deps): Promise<string> {
  const settled = await reconcileCharges(deps, NOT_SENT_AFTER_MS);
  const closed = await closeEndedPeriods(deps);
  const plan = await planSettings(deps);
  const counts: Record<ChargeOutcome, number> = { asked: 0, skipped: 0, unreachable: 0, declined: 0 };
  let after = 0;
  for (;;) {
    const due = await q.dueForCharge(deps.db, isoNow(deps.clock), 500, after);
    if (due.length === 0) break;
    after = due[due.length - 1].id;
    await pool(due, CHARGE_CONCURRENCY, async (s) => {
      counts[await chargeOne(deps, s.id, plan)]++;
    });
  }
  return `charged ${counts.asked}, declined ${counts.declined}, unreachable ${counts.unreachable}, skipped ${counts.skipped}; ${settled}; closed ${closed}`;
}

/** Periods that ended with no mandate to charge: cancelled ones close, the others go inactive (trips hidden), told. */
async function closeEndedPeriods(deps: Deps): Promise<number> {
  let n = 0;
  for (const sub of await q.periodsEndedUnpaid(deps.db, isoNow(deps.clock))) {
    await tx(deps.db, async (trx) => {
      const to = sub.cancel_at_period_end ? 'cancelled' : 'inactive';
      if (!(await q.setStatusFrom(trx, sub.id, sub.status, to, isoNow(deps.clock)))) return;
      n++;
      await audit(trx, deps.clock, {
        actorId: null,
        action: to === 'cancelled' ? 'subscription.ended' : 'subscription.deactivated',
        targetType: 'subscription',
        targetId: sub.id,
        after: { period_end: sub.current_period_end },
      });
      if (to === 'inactive')
        await notify(deps, trx, await q.contactOf(trx, sub.organizer_id), 'deactivated', {
          amountPaise: sub.amount_paise,
          date: null,
        });
    });
  }
  return n;
}

// ---------------------------------------------------------------- reconcile

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

// ---------------------------------------------------------------- reminders (10:00)

/** UPI wants a pre-debit notice 24 h before a debit: sent at 10:00 two India days before the 02:00 charge. */
const PRE_DEBIT_DAYS = 2;

/** The 10:00 job: payment reminders (the configured days before the charge) and the pre-debit notice, each once. */
export async function sendChargeReminders(deps: Deps): Promise<string> {
  const { db, clock } = deps;
  const plan = await planSettings(deps);
  const now = clock.now();
  const horizonDays = Math.max(PRE_DEBIT_DAYS, ...plan.chargeReminderDays) + 1;
  let reminders = 0;
  let notices = 0;
  for (const sub of await q.chargesAheadBefore(
    db,
    now.toISOString(),
    new Date(now.getTime() + horizonDays * DAY).toISOString(),
  )) {
    const chargeAt = sub.next_charge_at!;
    const daysLeft = daysBetween(istDate(now), istDate(new Date(chargeAt)));
    const due = sub.failed_attempts === 0 ? dueNotice(daysLeft, plan.chargeReminderDays) : null;
    await tx(db, async (trx) => {
      const at = isoNow(clock);
      const contact = await q.contactOf(trx, sub.organizer_id);
      if (
        due !== null &&
        daysLeft > PRE_DEBIT_DAYS &&
        (await q.recordNotice(trx, {
          subscriptionId: sub.id,
          kind: 'payment-reminder',
          about: `${chargeAt}/${due}`,
          now: at,
        }))
      ) {
        reminders++;
        await notify(deps, trx, contact, 'payment-reminder', {
          amountPaise: plan.amountPaise,
          date: chargeAt,
          daysBefore: daysLeft,
        });
      }
      if (
        daysLeft <= PRE_DEBIT_DAYS &&
        (await q.recordNotice(trx, { subscriptionId: sub.id, kind: 'pre-debit', about: chargeAt, now: at }))
      ) {
        notices++;
        await notify(deps, trx, contact, 'pre-debit', { amountPaise: plan.amountPaise, date: chargeAt });
      }
    });
    await breathe();
  }
  return `sent ${reminders} payment reminders, ${notices} pre-debit notices`;
}

// ---------------------------------------------------------------- receipts and admin

/** A paid charge of the organizer's own subscription (an admin may see any). */
export async function receiptOf(deps: Pick<Deps, 'db'>, viewer: Actor, chargeId: number) {
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
export type Receipt = Awaited<ReturnType<typeof receiptOf>>;

export interface SubscriptionListItem {
  id: number;
  organizerId: number;
  organizer: string;
  status: SubscriptionStatus;
  periodEnd: string;
  nextChargeAt: string | null;
  autopay: 'on' | 'needs a new mandate' | 'cancelled' | 'off';
}

/** /admin/subscriptions: every subscription by status, counts per status, and the revenue of paid charges per month. */
export async function subscriptionsOverview(deps: Pick<Deps, 'db'>) {
  const [rows, revenue] = await Promise.all([q.subscriptionsByStatus(deps.db), q.revenueByMonth(deps.db)]);
  const items: SubscriptionListItem[] = rows.map((r) => ({
    id: r.id,
    organizerId: r.organizer_id,
    organizer: r.org_display_name ?? r.name,
    status: r.status,
    periodEnd: r.current_period_end,
    nextChargeAt: r.next_charge_at,
    autopay: r.cancel_at_period_end
      ? 'cancelled'
      : r.token_status === 'confirmed'
        ? 'on'
        : r.token_status === 'paused' || r.token_status === 'cancelled'
          ? 'needs a new mandate'
          : 'off',
  }));
  const statuses: SubscriptionStatus[] = ['trial', 'active', 'past_due', 'inactive', 'cancelled'];
  const counts = statuses.map((s) => ({ status: s, n: items.filter((i) => i.status === s).length }));
  return { items, counts, revenue };
}
export type SubscriptionsOverview = Awaited<ReturnType<typeof subscriptionsOverview>>;
