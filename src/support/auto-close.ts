import type { Deps } from '../deps.js';
import { DAY } from '../lib/clock.js';
import { breathe } from '../lib/jobs.js';
import { tx } from '../lib/transaction.js';
import { enqueue } from '../notifications/outbox.js';
import * as q from './queries.js';
import { statusChange } from './tickets.js';
import { ticketClosedHtml, ticketClosedText } from '../../views/support/emails.js';

/** A ticket waiting on the customer this long closes itself. */
export const AUTO_CLOSE_DAYS = 7;

/**
 * Tickets waiting on the customer for AUTO_CLOSE_DAYS close, and the customer is told. Each
 * close is a conditional update (still waiting, since the same moment) with its message in one
 * transaction: a second run, or a customer answering meanwhile, closes nothing twice.
 */
export async function closeStaleTickets(deps: Deps): Promise<string> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - AUTO_CLOSE_DAYS * DAY).toISOString();
  let closed = 0;
  for (;;) {
    const due = await q.waitingSince(deps.db, before, 200);
    if (due.length === 0) break;
    for (const { id } of due) {
      const did = await tx(deps.db, async (trx) => {
        const t = await q.findTicket(trx, id);
        if (!t || t.status !== 'waiting' || !t.waiting_since || t.waiting_since > before) return false;
        const at = now.toISOString();
        if (!(await q.updateTicketIf(trx, id, ['waiting'], { ...statusChange('closed', at, t), waiting_since: null })))
          return false;
        const p = {
          name: t.customer_name,
          ticketId: id,
          subject: t.subject,
          days: AUTO_CLOSE_DAYS,
          link: `${deps.config.publicUrl}/support`,
        };
        await enqueue(trx, deps, {
          channel: 'email',
          to: t.customer_email,
          template: 'support-auto-closed',
          subject: `Ticket #${id} is closed`,
          text: ticketClosedText(p),
          html: ticketClosedHtml(p),
        });
        return true;
      });
      if (did) closed++;
      await breathe();
    }
    if (due.length < 200) break;
  }
  return `closed ${closed}`;
}
