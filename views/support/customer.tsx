import type { FieldErrors } from '../../src/lib/errors.js';
import { formatDateTime } from '../../src/lib/time.js';
import type { SeenMark, TicketDetails, TicketMessage, TicketSummary } from '../../src/support/types.js';
import { Err, ImagesField, invalid, StatusBadge, Thread, type Values } from './parts.js';

/* The customer's pages: /support (their tickets, a new one) and /support/:id (the thread). */

export interface SupportHomeProps {
  tickets: TicketSummary[];
  bookings: { id: number; label: string }[];
  values?: Values;
  errors?: FieldErrors;
}

export function SupportHome(p: SupportHomeProps) {
  const v = p.values ?? {};
  return (
    <>
      <h1>Support</h1>
      <section id="my-tickets">
        <h2>Your tickets</h2>
        {p.tickets.length === 0 ? (
          <p class="muted">No tickets yet.</p>
        ) : (
          <ul>
            {p.tickets.map((t) => (
              <li>
                <a href={`/support/${t.id}`}>
                  #{t.id} {t.subject}
                </a>{' '}
                <StatusBadge status={t.status} /> <small>{formatDateTime(t.updatedAt)}</small>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Ask for help</h2>
        <form id="new-ticket" method="post" action="/support" enctype="multipart/form-data" hx-boost="false">
          <p class="field-error" role="alert">
            {p.errors?.form}
          </p>
          <label>
            Subject
            <input
              name="subject"
              value={v.subject}
              maxlength={120}
              required
              aria-invalid={invalid(p.errors, 'subject')}
            />
            <Err errors={p.errors} k="subject" />
          </label>
          {p.bookings.length > 0 && (
            <label>
              About a booking (optional)
              <select name="booking" aria-invalid={invalid(p.errors, 'booking')}>
                <option value="">Not about a booking</option>
                {p.bookings.map((b) => (
                  <option value={String(b.id)} selected={v.booking === String(b.id)}>
                    {b.label}
                  </option>
                ))}
              </select>
              <Err errors={p.errors} k="booking" />
            </label>
          )}
          {p.bookings.length === 0 && <Err errors={p.errors} k="booking" />}
          <label>
            Your message
            <textarea name="body" rows={5} maxlength={5000} required aria-invalid={invalid(p.errors, 'body')}>
              {v.body}
            </textarea>
            <Err errors={p.errors} k="body" />
          </label>
          <ImagesField errors={p.errors} />
          <button type="submit">Send to support</button>
        </form>
      </section>
    </>
  );
}

export interface CustomerTicketProps {
  ticket: TicketDetails;
  messages: TicketMessage[];
  seen: SeenMark | null;
  values?: Values;
  errors?: FieldErrors;
}

/** The live part of the customer's thread page (its htmx fragment): the status line and the thread. */
export function CustomerTicketLive(p: Pick<CustomerTicketProps, 'ticket' | 'messages' | 'seen'>) {
  const t = p.ticket;
  return (
    <>
      <p id="ticket-status">
        <StatusBadge status={t.status} />
        {t.booking && <> · about booking {t.booking.code}</>}
      </p>
      <Thread ticketId={t.id} messages={p.messages} viewer="customer" seen={p.seen} />
    </>
  );
}

export function CustomerTicketPage(p: CustomerTicketProps) {
  const t = p.ticket;
  return (
    <>
      <p>
        <a href="/support">← Your tickets</a>
      </p>
      <h1>
        #{t.id} {t.subject}
      </h1>
      <CustomerTicketLive {...p} />
      {t.canRate && (
        <form id="rate" method="post" action={`/support/${t.id}/rate`} hx-boost="false">
          <fieldset>
            <legend>How did we do? Rate our help</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label>
                <input type="radio" name="rating" value={String(n)} required /> {n}
              </label>
            ))}
            <Err errors={p.errors} k="rating" />
          </fieldset>
          <button type="submit">Send rating</button>
        </form>
      )}
      {t.rating !== null && <p id="rated">You rated this help {t.rating} of 5. Thank you.</p>}
      {t.canReply ? (
        <form id="reply" method="post" action={`/support/${t.id}/reply`} enctype="multipart/form-data" hx-boost="false">
          <p class="field-error" role="alert">
            {p.errors?.form}
          </p>
          <label>
            Your reply
            <textarea
              name="body"
              rows={4}
              maxlength={5000}
              required
              aria-invalid={invalid(p.errors, 'body')}
              data-typing={`/support/${t.id}/typing`}
            >
              {p.values?.body}
            </textarea>
            <Err errors={p.errors} k="body" />
          </label>
          <ImagesField errors={p.errors} />
          <button type="submit">Send reply</button>
        </form>
      ) : (
        <p>
          This ticket is closed. <a href="/support">Open a new one</a> if you need more help.
        </p>
      )}
    </>
  );
}
