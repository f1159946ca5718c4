import nodemailer from 'nodemailer';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../config.js';
import type { DB } from '../db.js';
import type { Clock } from '../lib/clock.js';
import type { Channel } from '../lib/tables.js';
import { recordDevMessage } from './queries.js';
import { tx } from '../lib/transaction.js';

/** One outbox row, ready to hand to a provider. */
export interface Delivery {
  outboxId: number;
  channel: Channel;
  to: string;
  template: string;
  subject: string | null;
  text: string;
  html: string | null;
  /** WhatsApp: an approved content template sent instead of the free text (outside the 24 h window). */
  contentSid?: string;
  contentVariables?: Record<string, string>;
}

/** Sends one message; resolves with the provider's id for it, rejects if it was not accepted. */
export interface Transport {
  /** Shown on the admin outbox page ("smtp", "twilio", "dev mailbox"). */
  name: string;
  send(d: Delivery, deps: { db: DB; clock: Clock }): Promise<string>;
}

export type Transports = Record<Channel, Transport>;

/**
 * Thrown for a message the provider refused for good (an unknown recipient, a malformed
 * number): retrying cannot help, so it is marked failed at once.
 */
export class PermanentDeliveryError extends Error {}

/**
 * The transports, chosen once from config: SMTP and Twilio when configured, the dev mailbox
 * (the dev_messages table) for whatever is not.
 */
export function transportsFromConfig(config: Config): Transports {
  const mailbox = devMailboxTransport;
  const email = config.mail.smtpUrl ? smtpTransport(config.mail.smtpUrl, config.mail.from, config.publicUrl) : mailbox;
  if (!config.twilio) return { email, sms: mailbox, whatsapp: mailbox };
  const tw = config.twilio;
  const client = twilioClient(tw.accountSid, tw.authToken, tw.apiBase);
  // Config guarantees at least one sender; a channel without its own sender borrows the
  // other one, so the person still gets the message on their phone.
  const smsFrom = tw.smsFrom ?? withWhatsapp(tw.whatsappFrom!);
  const whatsappFrom = tw.whatsappFrom ? withWhatsapp(tw.whatsappFrom) : tw.smsFrom!;
  return {
    email,
    sms: twilioTransport(client, smsFrom),
    whatsapp: twilioTransport(client, whatsappFrom),
  };
}

const withWhatsapp = (n: string) => (n.startsWith('whatsapp:') ? n : `whatsapp:${n}`);

/** "Delivers" into dev_messages, at most once per outbox row, for the dev mailbox page. */
export const devMailboxTransport: Transport = {
  name: 'dev mailbox',
  async send(d, { db, clock }) {
    const id = await tx(db, (trx) =>
      recordDevMessage(trx, {
        outbox_id: d.outboxId,
        channel: d.channel,
        recipient: d.to,
        subject: d.subject,
        text: d.text,
        html: d.html,
        created_at: clock.now().toISOString(),
      }),
    );
    return `dev-${id}`;
  },
};

export function smtpTransport(smtpUrl: string, from: string, publicUrl: string): Transport {
  // Bounded timeouts keep one send well inside the outbox lease (see delivery.ts).
  const mailer = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
  const host = new URL(publicUrl).hostname;
  return {
    name: 'smtp',
    async send(d) {
      try {
        const info = await mailer.sendMail({
          from,
          to: d.to,
          subject: d.subject ?? '',
          text: d.text,
          html: d.html ?? undefined,
          // A stable Message-ID: a resend after a crash mid-send is recognisably the same mail.
          messageId: `<outbox-${d.outboxId}@${host}>`,
        });
        return info.messageId;
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx on the recipient is a permanent refusal (RFC 5321); anything else may pass later.
        if (typeof code === 'number' && code >= 550 && code < 560)
          throw new PermanentDeliveryError((err as Error).message);
        throw err;
      }
    },
  };
}

/**
 * The real twilio SDK. `apiBase` (tests, local stand-ins) rewrites the origin of every
 * request the SDK makes; the paths and form bodies stay exactly what Twilio receives.
 */
export function twilioClient(accountSid: string, authToken: string, apiBase?: string): twilio.Twilio {
  const opts: twilio.ClientOpts = { timeout: 30_000 };
  if (apiBase) {
    const base = new URL(apiBase);
    class RedirectingClient extends twilio.RequestClient {
      override request<T>(o: RequestClient.RequestOptions<T>) {
        const u = new URL(o.uri);
        u.protocol = base.protocol;
        u.host = base.host;
        return super.request<T>({ ...o, uri: u.href });
      }
    }
    opts.httpClient = new RedirectingClient({ timeout: 30_000 });
  }
  return twilio(accountSid, authToken, opts);
}

export function twilioTransport(client: twilio.Twilio, from: string): Transport {
  const whatsapp = from.startsWith('whatsapp:');
  return {
    name: whatsapp ? 'twilio whatsapp' : 'twilio sms',
    async send(d) {
      try {
        const to = whatsapp ? withWhatsapp(d.to) : d.to;
        const m = await client.messages.create(
          whatsapp && d.contentSid
            ? { from, to, contentSid: d.contentSid, contentVariables: JSON.stringify(d.contentVariables ?? {}) }
            : { from, to, body: d.text },
        );
        return m.sid;
      } catch (err) {
        const status = (err as { status?: number }).status;
        // 400 = Twilio refused this message (bad number, unsubscribed): it will never pass.
        if (status === 400 || status === 404) throw new PermanentDeliveryError((err as Error).message);
        throw err;
      }
    },
  };
}
