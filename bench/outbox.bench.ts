import { enqueue } from '../src/notifications/outbox.js';
import { deliverDue } from '../src/notifications/delivery.js';
import type { BenchContext, Line } from './support.js';

const MESSAGES = 1000;
const RUNS = 3;

/**
 * What delivering one message costs the process (the outbox job's CPU, divided by the
 * messages it sent). Every booking queues at least one message, and the job runs on the same
 * event loop as the requests, so this is part of what a booking costs. Delivered into the
 * dev mailbox (no SMTP or Twilio here): the claim, the store and the "sent" mark, in commits
 * the workers share, as with a real provider minus the network. Information, no budget.
 */
export default async function outbox(ctx: BenchContext): Promise<Line[]> {
  const { db } = ctx.deps;
  const perMessage: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < MESSAGES; i++) {
        await enqueue(trx, ctx.deps, {
          channel: 'email',
          to: `organizer${i}@example.test`,
          template: 'booking-received',
          subject: `New booking TT${i}: Kedarkantha Winter Trek`,
          text: `Asha Rao booked Kedarkantha Winter Trek (Sat 10 Feb 2027) for 1 guest, ₹12,000.\nBooking code: TT${i}. Status: pending.`,
          html: `<div style="font-family:sans-serif;max-width:560px"><p>Asha Rao booked Kedarkantha Winter Trek (Sat 10 Feb 2027) for 1 guest, ₹12,000.</p><p>Booking code: TT${i}. Status: pending.</p></div>`,
        });
      }
    });
    const cpu = process.cpuUsage();
    const result = await deliverDue(ctx.deps);
    const used = process.cpuUsage(cpu);
    if (!result.startsWith(`sent ${MESSAGES},`)) throw new Error(`outbox run: ${result}`);
    // The first run warms up V8 and the statements.
    if (run > 0) perMessage.push((used.user + used.system) / 1000 / MESSAGES);
  }
  perMessage.sort((a, b) => a - b);
  const median = perMessage[Math.floor(perMessage.length / 2)];
  return [
    {
      measure: `outbox: CPU per delivered message (${MESSAGES} queued, dev mailbox)`,
      value: Math.round(median * 1000) / 1000,
      unit: 'ms',
      note: `runs: ${perMessage.map((m) => m.toFixed(3)).join(' / ')} ms`,
    },
  ];
}
