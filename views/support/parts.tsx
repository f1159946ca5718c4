import type { FieldErrors } from '../../src/lib/errors.js';
import { formatClock, formatDateTime, formatDayClock } from '../../src/lib/time.js';
import { STATUS_LABEL, type SeenMark, type TicketMessage, type TicketStatus } from '../../src/support/types.js';
import { staffSignature } from './emails.js';

/* The pieces both sides' pages share: field errors, the status badge, the images field, the thread. */

export type Values = Record<string, string | undefined>;

export const Err = (p: { errors?: FieldErrors; k: string }) =>
  p.errors?.[p.k] ? (
    <small id={`e-${p.k}`} class="field-error">
      {p.errors[p.k]}
    </small>
  ) : null;

export const invalid = (errors: FieldErrors | undefined, k: string) => (errors?.[k] ? 'true' : undefined);

export const StatusBadge = (p: { status: TicketStatus }) => (
  <mark class={`ticket-status ${p.status}`}>{STATUS_LABEL[p.status]}</mark>
);

export function ImagesField(p: { errors?: FieldErrors }) {
  return (
    <label>
      Images (up to 3, optional)
      <input type="file" name="images" accept="image/jpeg,image/png,image/webp" multiple />
      <Err errors={p.errors} k="images" />
    </label>
  );
}

// ---------------------------------------------------------------- the thread (a fragment)

/**
 * The conversation: the same fragment the customer's and the agent's pages include, swapped
 * whole (id="thread-N") when a live update fetches it again. Under the newest message of the
 * viewer's side that the other side has read, "Seen 11:42 pm"; at its end, the slot where the
 * other side's "typing…" mark is swapped in (live only: it needs JavaScript).
 */
export function Thread(p: {
  ticketId: number;
  messages: TicketMessage[];
  viewer: 'customer' | 'agent';
  seen?: SeenMark | null;
}) {
  return (
    <section id={`thread-${p.ticketId}`} class="thread" aria-live="polite">
      {p.messages.map((m) => (
        <>
          <article
            id={`m-${m.id}`}
            class={`msg ${m.kind === 'note' ? 'note' : m.author.staff ? 'staff' : 'customer'}`}
            data-message={m.id}
          >
            <header>
              <strong>
                {m.author.staff && p.viewer === 'customer' ? staffSignature(m.author.name, 'brackets') : m.author.name}
              </strong>
              {m.kind === 'note' && <> · internal note</>} · <small>{formatDateTime(m.createdAt)}</small>
            </header>
            <p class="msg-body">
              {m.body.split('\n').map((line, i) => (
                <>
                  {i > 0 && <br />}
                  {line}
                </>
              ))}
            </p>
            {m.images.map((i) => (
              <a href={i.url}>
                <img src={i.url} width={i.width} height={i.height} loading="lazy" alt="Attached image" />
              </a>
            ))}
          </article>
          {p.seen?.messageId === m.id && (
            <p id={`seen-${p.ticketId}`} class="seen">
              <small>Seen {p.seen.today ? formatClock(p.seen.at) : formatDayClock(p.seen.at)}</small>
            </p>
          )}
        </>
      ))}
      <TypingMark ticketId={p.ticketId} />
    </section>
  );
}

/**
 * "Meera (TrekTribe support) is typing…": the data of a `typing-agent` / `typing-customer` live
 * event, swapped over the empty slot the thread ends with. It hides itself 6 s after it came
 * (app.css), unless another signal replaces it first; the next fetch of the thread empties it.
 */
export function TypingMark(p: { ticketId: number; who?: string }) {
  return (
    <p id={`typing-${p.ticketId}`} class="typing">
      {p.who && <small>{p.who} is typing…</small>}
    </p>
  );
}
