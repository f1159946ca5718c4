import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for tests: nodemailer talks real SMTP to it, and every
 * message is parsed with mailparser. Point the app at it with
 * `makeTestApp({ SMTP_URL: smtp.url })`, then `await deliverDue(t.deps)` and
 * `await smtp.waitFor((m) => m.to?.text.includes(email))`.
 */
export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>` — stays the same across stop() and start(). */
  url: string;
  port: number;
  /** Every message received so far, oldest first. */
  messages: ParsedMail[];
  /** The first message (received or still to come) that matches; rejects after `timeoutMs`. */
  waitFor(match?: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Stops listening (connections are refused) until start() is called again. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** From now on every message is refused with this SMTP reply code (451: try again later); null accepts again. */
  refuseWith(code: number | null): void;
}

/** Every http(s) link in a message's text part (and HTML hrefs), in order. */
export function linksIn(m: ParsedMail): string[] {
  const text = m.text ?? '';
  const html = typeof m.html === 'string' ? m.html : '';
  const found = [...text.matchAll(/https?:\/\/[^\s<>"')\]]+/g), ...html.matchAll(/href="(https?:\/\/[^"]+)"/g)].map(
    (x) => (x[1] ?? x[0]).replace(/&amp;/g, '&'),
  );
  return [...new Set(found)];
}

/** The path + query of the first link in the message whose path starts with `prefix`. */
export function linkPath(m: ParsedMail, prefix: string): string {
  for (const link of linksIn(m)) {
    const u = new URL(link);
    if (u.pathname.startsWith(prefix)) return u.pathname + u.search;
  }
  throw new Error(`no link to ${prefix} in mail "${m.subject}":\n${m.text}`);
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const waiters: { match: (m: ParsedMail) => boolean; resolve: (m: ParsedMail) => void }[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  let refusal: number | null = null;

  const receive = (m: ParsedMail) => {
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };

  const listen = async () => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      onData(stream, _session, callback) {
        const refuse = refusal;
        if (refuse !== null) {
          stream.resume();
          stream.on('end', () =>
            callback(Object.assign(new Error('Requested action aborted: try again later'), { responseCode: refuse })),
          );
          return;
        }
        simpleParser(stream)
          .then((m) => {
            receive(m);
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    });
    port = (s as unknown as { server: { address(): AddressInfo } }).server.address().port;
    server = s;
  };

  await listen();
  const api: TestSmtp = {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    waitFor(match = () => true, timeoutMs = 5000) {
      const already = messages.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (m: ParsedMail) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching mail within ${timeoutMs} ms (received ${messages.length})`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      if (!server) await listen();
    },
    refuseWith(code) {
      refusal = code;
    },
  };
  return api;
}
