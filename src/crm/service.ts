import type { Deps } from '../deps.js';
import { can, type Actor } from '../auth/permissions.js';
import { accountSummary } from '../auth/accounts.js';
import { audit } from '../lib/audit.js';
import { HOUR } from '../lib/clock.js';
import { consume, type RateRule } from '../lib/rate-limit.js';
import { Conflict, DomainError, NotFoundError } from '../lib/errors.js';
import { tx } from '../lib/transaction.js';
import type { Channel } from '../lib/tables.js';
import { enqueue } from '../notifications/outbox.js';
import { messageTimeline } from '../notifications/service.js';
import { customerBookings, customerOfBookingCode } from '../bookings/lookups.js';
import { ticketsOfCustomer } from '../support/agent-desk.js';
import * as q from './queries.js';
import type { WhatsappInput } from './schemas.js';
import type { CustomerHit, CustomerPage } from './types.js';

export const SEARCH_LIMIT = 20;

/** How many SMS and WhatsApp messages (together) agents may send: to one customer, and from one agent. */
export const SEND_LIMITS = {
  perCustomer: { limit: 5, windowMs: HOUR },
  perAgent: { limit: 30, windowMs: HOUR },
} satisfies Record<string, RateRule>;

const requireAgent = (actor: Actor, permission: 'users:read' | 'messages:send' = 'users:read') => {
  if (!can(actor.role, permission)) throw new NotFoundError();
};

const quote = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * The FTS5 expression for what an agent typed, or null when there is nothing to look for.
 * A phone number (digits, spaces, +, -, brackets) is its digits, a prefix of the phone column
 * (which holds the full digits and the last ten); an email is a phrase whose last word is a
 * prefix; a name is its words, each a prefix, in any order.
 */
export function searchExpression(typed: string): string | null {
  const s = typed.trim().toLowerCase();
  if (/^[+\d][\d\s()+-]*$/.test(s)) {
    const digits = s.replace(/\D/g, '');
    return digits.length >= 3 ? `phone : ${quote(digits)}*` : null;
  }
  const words = s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0].length < 2)) return null;
  if (s.includes('@')) return `email : ${quote(words.join(' '))}*`;
  return words.map((w) => `${quote(w)}*`).join(' AND ');
}

/**
 * What may be a booking code (`humanCode`: eight letters and digits; hyphens allowed): one word of
 * 6-24 such characters is also looked up as a code (an exact, indexed match), beside the name search.
 */
const BOOKING_CODE = /^[A-Z0-9][A-Z0-9-]{5,23}$/i;

export async function searchCustomers(deps: Deps, actor: Actor, typed: string): Promise<CustomerHit[]> {
  requireAgent(actor);
  const hits: CustomerHit[] = [];
  if (BOOKING_CODE.test(typed.trim())) {
    const userId = await customerOfBookingCode(deps, typed);
    const u = userId === null ? undefined : await q.findCustomer(deps.db, userId);
    if (u) hits.push({ ...u, byBookingCode: true });
  }
  const match = searchExpression(typed);
  if (match) {
    for (const u of await q.searchCustomers(deps.db, match, SEARCH_LIMIT))
      if (!hits.some((h) => h.id === u.id)) hits.push({ ...u, byBookingCode: false });
  }
  return hits;
}

/** Everything an agent needs about one customer: profile, bookings and payments, tickets, and every message sent to them. */
export async function customerPage(deps: Deps, actor: Actor, id: number): Promise<CustomerPage> {
  requireAgent(actor);
  const u = await q.findCustomer(deps.db, id);
  if (!u) throw new NotFoundError();
  const [profile, bookings, tickets, messages] = await Promise.all([
    accountSummary(deps, id),
    customerBookings(deps, id),
    ticketsOfCustomer(deps, actor, id),
    messageTimeline(deps, [u.email, u.phone ?? '']),
  ]);
  return {
    profile,
    status: u.status,
    bookings,
    tickets,
    messages,
    whatsappTemplate: deps.config.whatsappTemplate ?? null,
    canSend: can(actor.role, 'messages:send'),
  };
}

async function phoneOf(deps: Deps, id: number): Promise<string> {
  const u = await q.findCustomer(deps.db, id);
  if (!u) throw new NotFoundError();
  if (!u.phone) throw new Conflict('This customer has no phone number yet.');
  if (u.status !== 'active') throw new Conflict('This account is not active; it gets no messages.');
  return u.phone;
}

/** Queues the message and records who sent it, in one transaction. */
async function sendToCustomer(
  deps: Deps,
  actor: Actor,
  id: number,
  m: { channel: Channel; text: string; whatsappTemplate?: { sid: string; variables: Record<string, string> } },
): Promise<void> {
  requireAgent(actor, 'messages:send');
  const to = await phoneOf(deps, id);
  await tx(deps.db, async (trx) => {
    // Counted in this transaction: a refusal (either limit) queues nothing and counts nothing.
    await consume(
      trx,
      deps.clock,
      [{ key: `crm-send:customer:${id}`, rule: SEND_LIMITS.perCustomer }],
      `This customer has already had ${SEND_LIMITS.perCustomer.limit} messages from us in the last hour; nothing was sent.`,
    );
    await consume(
      trx,
      deps.clock,
      [{ key: `crm-send:agent:${actor.id}`, rule: SEND_LIMITS.perAgent }],
      `You have sent ${SEND_LIMITS.perAgent.limit} messages in the last hour; nothing was sent.`,
    );
    const outboxId = await enqueue(trx, deps, {
      channel: m.channel,
      to,
      template: m.whatsappTemplate ? 'agent-whatsapp-template' : `agent-${m.channel}`,
      text: m.text,
      whatsappTemplate: m.whatsappTemplate,
    });
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: `crm.${m.channel}_sent`,
      targetType: 'user',
      targetId: id,
      after: { outboxId, template: m.whatsappTemplate?.sid ?? null },
    });
  });
}

export async function sendSms(deps: Deps, actor: Actor, id: number, text: string): Promise<void> {
  await sendToCustomer(deps, actor, id, { channel: 'sms', text });
}

/**
 * WhatsApp through Twilio's sender. Free text reaches the customer only within 24 h of their
 * last WhatsApp message to us (Twilio refuses it otherwise); outside that window only an
 * approved template goes, with its variables. The template is the one configured
 * (TWILIO_WHATSAPP_TEMPLATE_SID); without it only free text can be sent.
 */
export async function sendWhatsapp(deps: Deps, actor: Actor, id: number, input: WhatsappInput): Promise<void> {
  if (input.mode === 'text') return sendToCustomer(deps, actor, id, { channel: 'whatsapp', text: input.text });
  const t = deps.config.whatsappTemplate;
  if (!t)
    throw new DomainError(
      'No WhatsApp template is configured (TWILIO_WHATSAPP_TEMPLATE_SID), so only free text can be sent.',
      'mode',
    );
  const variables: Record<string, string> = {};
  t.variables.forEach((label, i) => {
    const v = input.variables[String(i + 1)]?.trim() ?? '';
    if (!v) throw new DomainError(`Fill in “${label}”.`, `var${i + 1}`);
    variables[String(i + 1)] = v;
  });
  const text = `Template ${t.sid}: ${t.variables.map((label, i) => `${label}: ${variables[String(i + 1)]}`).join('; ')}`;
  await sendToCustomer(deps, actor, id, { channel: 'whatsapp', text, whatsappTemplate: { sid: t.sid, variables } });
}
