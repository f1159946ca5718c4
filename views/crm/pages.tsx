import type { FieldErrors } from '../../src/lib/errors.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDate, formatDateTime } from '../../src/lib/time.js';
import type { CustomerHit, CustomerPage as CustomerData } from '../../src/crm/types.js';
import { AgentNav } from '../support/agent-desk.js';
import { StatusBadge } from '../support/parts.js';
import { BOOKING_STATUS } from '../bookings/booking.js';
import { KINDS } from '../../src/notifications/kinds.js';

type Values = Record<string, string | undefined>;

const Err = (p: { errors?: FieldErrors; k: string }) =>
  p.errors?.[p.k] ? <small class="field-error">{p.errors[p.k]}</small> : null;

export function CustomerSearchPage(p: { q: string; hits: CustomerHit[] }) {
  return (
    <>
      <AgentNav />
      <h1>Customers</h1>
      <form id="customer-search" method="get" action="/agent/customers" role="search">
        <input
          type="search"
          name="q"
          value={p.q}
          maxlength={100}
          placeholder="Name, email, phone or booking code"
          aria-label="Search customers"
        />
        <button type="submit">Search</button>
      </form>
      {p.q !== '' &&
        (p.hits.length === 0 ? (
          <p id="no-hits">Nobody matches “{p.q}”.</p>
        ) : (
          <ul id="hits">
            {p.hits.map((h) => (
              <li>
                <a href={`/agent/customers/${h.id}`}>{h.name}</a> <small>({h.role})</small>
                <br />
                <small>
                  {h.email}
                  {h.phone && <> · {h.phone}</>}
                  {h.byBookingCode && <> · by booking code</>}
                  {h.status !== 'active' && <> · {h.status}</>}
                </small>
              </li>
            ))}
          </ul>
        ))}
    </>
  );
}

export interface CustomerPageProps extends CustomerData {
  values?: Values;
  errors?: FieldErrors;
  errorsFor?: 'sms' | 'whatsapp';
}

const CHANNEL = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp' } as const;

/** The customer's account, its payments and messages in an agent's words, never the stored codes. */
const ROLE_WORDS: Record<string, string> = {
  traveler: 'Traveler',
  organizer: 'Organizer',
  agent: 'Support agent',
  admin: 'Admin',
};
const ACCOUNT_WORDS: Record<string, string> = { active: 'active', inactive: 'deactivated', deleted: 'deleted' };
const PAYMENT_WORDS: Record<string, string> = {
  created: 'started, not completed',
  paid: 'paid',
  failed: 'failed',
  refunded: 'refunded',
  mismatch: 'wrong amount, refunded',
};
const MESSAGE_WORDS: Record<string, string> = {
  pending: 'waiting to send',
  sending: 'sending',
  sent: 'sent',
  failed: 'could not be sent',
};
const AGENT_KINDS: Record<string, string> = {
  'agent-sms': 'SMS from an agent',
  'agent-whatsapp': 'WhatsApp from an agent',
  'agent-whatsapp-template': 'WhatsApp template from an agent',
};
/** A message's kind as its settings page names it ("Booking confirmed"), else its name made readable. */
const kindWords = (template: string) => {
  const words = KINDS[template]?.label ?? AGENT_KINDS[template] ?? template.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function CustomerPage(p: CustomerPageProps) {
  const u = p.profile;
  const base = `/agent/customers/${u.id}`;
  const errs = (which: 'sms' | 'whatsapp') => (p.errorsFor === which ? p.errors : undefined);
  const val = (which: 'sms' | 'whatsapp', k: string) => (p.errorsFor === which ? p.values?.[k] : undefined);
  const t = p.whatsappTemplate;
  return (
    <>
      <AgentNav />
      <h1>{u.name}</h1>
      <section id="profile">
        <p>
          {ROLE_WORDS[u.role] ?? u.role} · {ACCOUNT_WORDS[p.status] ?? p.status} · since {formatDate(u.createdAt)}
          <br />
          {u.email} {u.emailVerified ? '(verified)' : '(not verified)'}
          <br />
          {u.phone ?? 'no phone'} {u.phone && (u.phoneVerified ? '(verified)' : '(not verified)')}
          {u.location && (
            <>
              <br />
              {u.location}
            </>
          )}
        </p>
      </section>

      <section id="bookings">
        <h2>Bookings and payments</h2>
        {p.bookings.length === 0 ? (
          <p class="muted">No bookings.</p>
        ) : (
          <ul>
            {p.bookings.map(({ booking: b, payments }) => (
              <li>
                <strong>{b.code}</strong> {b.title} · {formatDate(b.startDate)} · {b.guests} guest
                {b.guests === 1 ? '' : 's'} · {formatPaise(b.amountPaise)} · {BOOKING_STATUS[b.status] ?? b.status}
                {payments.length > 0 && (
                  <ul>
                    {payments.map((x) => (
                      <li>
                        {x.method === 'upi' ? 'UPI' : 'Online'} {formatPaise(x.amountPaise)},{' '}
                        {PAYMENT_WORDS[x.status] ?? x.status}
                        {x.paidAt && <> · {formatDateTime(x.paidAt)}</>}
                        {x.utr && <> · UTR {x.utr}</>}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section id="tickets">
        <h2>Tickets</h2>
        {p.tickets.length === 0 ? (
          <p class="muted">No tickets.</p>
        ) : (
          <ul>
            {p.tickets.map((x) => (
              <li>
                <a href={`/agent/tickets/${x.id}`}>
                  #{x.id} {x.subject}
                </a>{' '}
                <StatusBadge status={x.status} />
              </li>
            ))}
          </ul>
        )}
      </section>

      {p.canSend && (
        <section id="send">
          <h2>Send a message</h2>
          {!u.phone && <p>This customer has no phone number yet.</p>}
          <form id="send-sms" method="post" action={`${base}/sms`} hx-boost="false">
            <label>
              SMS to {u.phone ?? '—'}
              <textarea
                name="text"
                rows={2}
                maxlength={640}
                required
                aria-invalid={errs('sms')?.text ? 'true' : undefined}
              >
                {val('sms', 'text')}
              </textarea>
              <Err errors={errs('sms')} k="text" />
            </label>
            <Err errors={errs('sms')} k="form" />
            <button type="submit">Send SMS</button>
          </form>
          <form id="send-whatsapp" method="post" action={`${base}/whatsapp`} hx-boost="false">
            <fieldset>
              <legend>WhatsApp to {u.phone ?? '—'}</legend>
              <p id="whatsapp-window">
                {t ? (
                  <>
                    Free text reaches the customer only within 24 hours of their last WhatsApp message to us. Outside
                    that window, send the approved template.
                  </>
                ) : (
                  <>
                    <strong>No WhatsApp template is configured.</strong> Free text reaches the customer only within 24
                    hours of their last WhatsApp message to us; outside that window WhatsApp drops it. Use SMS instead,
                    or ask an admin to configure an approved template.
                  </>
                )}
              </p>
              <label>
                <input type="radio" name="mode" value="text" checked={val('whatsapp', 'mode') !== 'template'} /> Free
                text
              </label>
              <label>
                Message
                <textarea
                  name="text"
                  rows={2}
                  maxlength={1000}
                  aria-invalid={errs('whatsapp')?.text ? 'true' : undefined}
                >
                  {val('whatsapp', 'text')}
                </textarea>
                <Err errors={errs('whatsapp')} k="text" />
              </label>
              {t && (
                <>
                  <label>
                    <input type="radio" name="mode" value="template" checked={val('whatsapp', 'mode') === 'template'} />{' '}
                    The approved template
                  </label>
                  {t.variables.map((label, i) => (
                    <label>
                      {label} {`{{${i + 1}}}`}
                      <input
                        name={`var${i + 1}`}
                        maxlength={300}
                        value={val('whatsapp', `var${i + 1}`)}
                        aria-invalid={errs('whatsapp')?.[`var${i + 1}`] ? 'true' : undefined}
                      />
                      <Err errors={errs('whatsapp')} k={`var${i + 1}`} />
                    </label>
                  ))}
                </>
              )}
              <Err errors={errs('whatsapp')} k="mode" />
              <Err errors={errs('whatsapp')} k="form" />
            </fieldset>
            <button type="submit">Send WhatsApp</button>
          </form>
        </section>
      )}

      <section id="timeline">
        <h2>Messages sent</h2>
        {p.messages.length === 0 ? (
          <p class="muted">Nothing sent yet.</p>
        ) : (
          <ol>
            {p.messages.map((m) => (
              <li data-channel={m.channel}>
                <strong>{CHANNEL[m.channel]}</strong> · {kindWords(m.template)} · {formatDateTime(m.createdAt)} ·{' '}
                {MESSAGE_WORDS[m.status] ?? m.status}
                {m.lastError && <> ({m.lastError})</>}
                <br />
                {m.subject && (
                  <>
                    <em>{m.subject}</em>
                    <br />
                  </>
                )}
                {m.secret !== null ? (
                  <small class="muted">{m.text}</small>
                ) : (
                  <small class="msg-body">{m.text.length > 300 ? `${m.text.slice(0, 300)}…` : m.text}</small>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
