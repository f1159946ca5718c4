import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface TwilioRequest {
  accountSid: string;
  /** The Basic auth user:password the SDK sent. */
  auth: string;
  /** The form body as Twilio receives it (To, From, Body, …). */
  form: Record<string, string>;
}

/**
 * A stand-in for Twilio's Messages API on 127.0.0.1:
 * `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded) answers 201 with a message
 * resource, as Twilio does. Point the app at it with `TWILIO_API_BASE: fake.url`.
 */
export interface FakeTwilio {
  url: string;
  requests: TwilioRequest[];
  /** The next `times` requests answer with this status and Twilio-style error body (its message may quote the request). */
  failNext(
    status: number,
    code?: number,
    message?: string | ((form: Record<string, string>) => string),
    times?: number,
  ): void;
  stop(): Promise<void>;
}

export const TEST_TWILIO = {
  TWILIO_ACCOUNT_SID: 'AC' + '0123456789abcdef'.repeat(2),
  TWILIO_AUTH_TOKEN: 'test-auth-token',
  TWILIO_SMS_FROM: '+14155550100',
  TWILIO_WHATSAPP_FROM: '+14155550111',
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: TwilioRequest[] = [];
  const failures: { status: number; code: number; message: string | ((form: Record<string, string>) => string) }[] = [];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m)
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    requests.push({ accountSid: m[1], auth, form });
    const fail = failures.shift();
    if (fail)
      return json(res, fail.status, {
        code: fail.code,
        message: typeof fail.message === 'function' ? fail.message(form) : fail.message,
        more_info: `https://www.twilio.com/docs/errors/${fail.code}`,
        status: fail.status,
      });
    const now = new Date().toUTCString();
    json(res, 201, {
      sid: 'SM' + randomBytes(16).toString('hex'),
      account_sid: m[1],
      from: form.From,
      to: form.To,
      body: form.Body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      date_created: now,
      date_updated: now,
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${m[1]}/Messages/x.json`,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status, code = 21211, message = "The 'To' number is not a valid phone number.", times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, code, message });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
