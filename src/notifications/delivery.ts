import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { breathe } from '../lib/jobs.js';
import { tx } from '../lib/transaction.js';
import { addMs, HOUR, MINUTE } from '../lib/clock.js';
import type { Channel } from '../lib/tables.js';
import { claimNextDue, failExhaustedLeases, markFailed, markRetry, markSent, type OutboxRow } from './queries.js';
import { secretOf } from './kinds.js';
import { PermanentDeliveryError, transportsFromConfig, type Delivery, type Transports } from './transports.js';

/** After this many attempts a message is marked failed (an admin can put it back). */
export const MAX_ATTEMPTS = 10;
/** Retry delays: 1, 2, 4 … minutes, at most 2 hours apart (about 6 h of outage in all). */
export const BASE_DELAY = MINUTE;
export const MAX_DELAY = 2 * HOUR;
/**
 * How long a claimed row belongs to its sender. A process killed mid-send leaves the row
 * 'sending'; after the lease another run takes it again. Longer than any one send can take
 * (transports have timeouts well under it).
 */
export const LEASE = 5 * MINUTE;
/** Messages delivered side by side in one run, and at most per run (the next run continues). */
const WORKERS = 4;
const PER_RUN = 1000;

/** Delay before the next attempt, after `attempts` attempts so far. */
export const backoff = (attempts: number) => Math.min(BASE_DELAY * 2 ** Math.max(0, attempts - 1), MAX_DELAY);

function toDelivery(row: OutboxRow): Delivery {
  let p: {
    subject?: string | null;
    text?: unknown;
    html?: string | null;
    contentSid?: string;
    contentVariables?: Record<string, string>;
  };
  try {
    p = JSON.parse(row.payload);
  } catch {
    throw new PermanentDeliveryError('the stored message is not valid JSON');
  }
  if (typeof p.text !== 'string') throw new PermanentDeliveryError('the stored message has no text');
  return {
    outboxId: row.id,
    channel: row.channel,
    to: row.recipient,
    template: row.template,
    subject: p.subject ?? null,
    text: p.text,
    html: p.html ?? null,
    ...(p.contentSid ? { contentSid: p.contentSid, contentVariables: p.contentVariables ?? {} } : {}),
  };
}

/** The links of a message, their query values, and every word with a digit in it (a code): what a secret message hides. */
function secretsIn(text: string): string[] {
  const found = new Set<string>();
  for (const [link] of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    found.add(link);
    try {
      for (const v of new URL(link).searchParams.values()) if (v.length >= 4) found.add(v);
    } catch {
      // not a URL after all: the whole string is hidden anyway
    }
  }
  for (const [word] of text.matchAll(/[\p{L}\p{N}_-]*\p{N}[\p{L}\p{N}_-]*/gu)) if (word.length >= 4) found.add(word);
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * A provider's refusal as the admin outbox, the CRM timeline and the log keep it. Providers may
 * quote what they refused: of a one-time secret (a reset link, a code), its links and codes go.
 */
export function errorToKeep(error: string, d: Pick<Delivery, 'template' | 'text' | 'html' | 'subject'>): string {
  if (secretOf(d.template) === null) return error;
  let kept = error;
  for (const s of secretsIn([d.subject, d.text, d.html].filter(Boolean).join('\n')))
    kept = kept.split(s).join('[hidden]');
  return kept;
}

const chosen = new WeakMap<Config, Transports>();

/** The transports for this config, created once (tests may pass their own in deps). */
function transportsFor(deps: Deps): Transports {
  if (deps.transports) return deps.transports;
  let t = chosen.get(deps.config);
  if (!t) {
    t = transportsFromConfig(deps.config);
    chosen.set(deps.config, t);
  }
  return t;
}

/**
 * The outbox job: delivers every due message through its channel's transport. A refused
 * send is retried with exponential back-off; after MAX_ATTEMPTS (or a permanent refusal)
 * the message is failed with its last error. When a provider looks down, the rest of that
 * channel waits for the next run instead of each message timing out in turn.
 *
 * Each of its writes (a claim, the dev mailbox's store, a mark) is a transaction of its own,
 * tried again while another process holds the write lock.
 */
export async function deliverDue(deps: Deps): Promise<string> {
  const { db, clock, log } = deps;
  const transports = transportsFor(deps);
  const down = new Set<Channel>();
  let sent = 0;
  let retrying = 0;
  let failed = await tx(db, (trx) => failExhaustedLeases(trx, clock.now().toISOString(), MAX_ATTEMPTS));
  let claimed = 0;

  async function deliverOne(row: OutboxRow): Promise<void> {
    const transport = transports[row.channel];
    let providerId: string;
    let delivery: Delivery | null = null;
    try {
      delivery = toDelivery(row);
      providerId = await transport.send(delivery, deps);
    } catch (err) {
      const said = `${transport.name}: ${err instanceof Error ? err.message : String(err)}`;
      const error = (delivery ? errorToKeep(said, delivery) : said).slice(0, 1000);
      if (err instanceof PermanentDeliveryError || row.attempts >= MAX_ATTEMPTS) {
        await tx(db, (trx) => markFailed(trx, row, error));
        failed += 1;
        log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, error }, 'message failed for good');
      } else {
        down.add(row.channel);
        const at = addMs(clock.now(), backoff(row.attempts)).toISOString();
        await tx(db, (trx) => markRetry(trx, row, at, error));
        retrying += 1;
        log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, error }, 'message will be retried');
      }
      return;
    }
    // Outside the try: a sent message must never be scheduled for another send. If this
    // write fails, the row stays claimed and only the lease brings it back.
    const at = clock.now().toISOString();
    await tx(db, (trx) => markSent(trx, row, providerId, at));
    sent += 1;
  }

  async function worker(): Promise<void> {
    while (claimed < PER_RUN) {
      const now = clock.now();
      const claim = {
        now: now.toISOString(),
        leaseUntil: addMs(now, LEASE).toISOString(),
        maxAttempts: MAX_ATTEMPTS,
        skipChannels: [...down],
      };
      const row = await tx(db, (trx) => claimNextDue(trx, claim));
      if (!row) return;
      claimed += 1;
      await deliverOne(row);
      await breathe();
    }
  }

  await Promise.all(Array.from({ length: WORKERS }, worker));
  return `sent ${sent}, retrying ${retrying}, failed ${failed}`;
}
