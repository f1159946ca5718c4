import { z } from 'zod';
import { isLoopback } from './lib/net.js';

/** Environment variables that carry a value we understand; everything else is ignored. */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Default: 0.0.0.0 in production (and Docker), 127.0.0.1 otherwise. */
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Production needs an https:// PUBLIC_URL unless this is on. */
  ALLOW_HTTP: z.enum(['on', 'off']).default('off'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_MB: z.coerce.number().int().min(1).max(100).default(48),
  FORM_LIMIT_KB: z.coerce.number().int().min(4).max(10240).default(64),
  UPLOAD_FILE_LIMIT_MB: z.coerce.number().int().min(1).max(100).default(10),

  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('TrekTribe <no-reply@trektribe.local>'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  TWILIO_SMS_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164, e.g. +14155550100')
    .optional(),
  TWILIO_WHATSAPP_FROM: z
    .string()
    .regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'a WhatsApp sender in E.164, e.g. +14155550100')
    .optional(),
  /** Only for pointing the real twilio SDK at a local stand-in. */
  TWILIO_API_BASE: z.url().optional(),
  /** An approved WhatsApp content template (Twilio Content SID), for messages outside the 24 h window. */
  TWILIO_WHATSAPP_TEMPLATE_SID: z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, 'a Content SID like HX followed by 32 hex digits')
    .optional(),
  /**
   * An approved WhatsApp utility template for account and payment notices (the subscription's
   * reminders, receipts, failures): {{1}} is the person's name, {{2}} the notice. With it, those
   * notices also go by WhatsApp to a verified phone; without it, by email and SMS only.
   */
  TWILIO_WHATSAPP_NOTICE_SID: z
    .string()
    .regex(/^HX[0-9a-fA-F]{32}$/, 'a Content SID like HX followed by 32 hex digits')
    .optional(),
  /** What the template's variables {{1}}, {{2}}, … hold, comma-separated, as the agent's form labels them. */
  TWILIO_WHATSAPP_TEMPLATE_VARIABLES: z
    .string()
    .regex(/^[^,]{1,40}(,[^,]{1,40}){0,9}$/, 'up to 10 comma-separated labels, e.g. Customer name,Message')
    .default('Message'),

  RAZORPAY_KEY_ID: z.string().min(4).optional(),
  RAZORPAY_KEY_SECRET: z.string().min(4).optional(),
  RAZORPAY_WEBHOOK_SECRET: z.string().min(4).optional(),
  /** Only for pointing the real razorpay SDK at a local stand-in. */
  RAZORPAY_API_BASE: z.url().optional(),
  TEST_GATEWAY: z.enum(['on', 'off']).optional(),

  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),

  DEV_MAILBOX: z.enum(['on', 'off']).optional(),
  SETUP_PASSWORD: z.string().min(10).optional(),
  /** Behind reverse proxies: how many (on = 1); the client address is that many X-Forwarded-For entries from the right. */
  TRUST_PROXY: z
    .string()
    .regex(/^(on|off|[0-9]|10)$/, 'on, off or a number of proxies from 0 to 10')
    .default('off'),

  /**
   * Where each backup is also uploaded (S3 or an S3-compatible store):
   * s3://bucket/prefix?endpoint=https://host&region=ap-south-1 (endpoint: only for a store other than AWS).
   */
  BACKUP_S3_URL: z
    .string()
    .regex(
      /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^?#]*)?(\?[^#]*)?$/,
      'an S3 URL like s3://bucket/prefix?endpoint=https://host&region=ap-south-1',
    )
    .optional(),
  BACKUP_S3_ACCESS_KEY_ID: z.string().min(3).optional(),
  BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(3).optional(),
  /** Encrypts the off-site copy (AES-256-GCM): 64 hex digits. Keep it somewhere other than the server. */
  BACKUP_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`')
    .optional(),
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {}

function toConfig(e: z.infer<typeof Env>) {
  const production = e.NODE_ENV === 'production';
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const host = e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const twilio = e.TWILIO_ACCOUNT_SID
    ? {
        accountSid: e.TWILIO_ACCOUNT_SID,
        authToken: e.TWILIO_AUTH_TOKEN!,
        smsFrom: e.TWILIO_SMS_FROM,
        whatsappFrom: e.TWILIO_WHATSAPP_FROM,
        apiBase: e.TWILIO_API_BASE,
      }
    : undefined;
  const razorpay = e.RAZORPAY_KEY_ID
    ? {
        keyId: e.RAZORPAY_KEY_ID,
        keySecret: e.RAZORPAY_KEY_SECRET!,
        webhookSecret: e.RAZORPAY_WEBHOOK_SECRET!,
        apiBase: e.RAZORPAY_API_BASE,
      }
    : undefined;
  return {
    env: e.NODE_ENV,
    production,
    port: e.PORT,
    host,
    /**
     * Listening on anything but loopback: other machines can reach us, so the dev mailbox
     * and the test gateway's pages (which hand out reset links and confirm unpaid bookings)
     * are for signed-in admins only.
     */
    beyondLoopback: !isLoopback(host),
    dataDir: e.DATA_DIR,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_MB * 1024 * 1024,
    formLimitBytes: e.FORM_LIMIT_KB * 1024,
    /** Largest single file in an upload; the upload as a whole is still held to bodyLimitBytes. */
    uploadFileLimitBytes: e.UPLOAD_FILE_LIMIT_MB * 1024 * 1024,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    twilio,
    /** The approved WhatsApp template an agent may send outside the 24 h window; undefined when none is set. */
    whatsappTemplate: e.TWILIO_WHATSAPP_TEMPLATE_SID
      ? {
          sid: e.TWILIO_WHATSAPP_TEMPLATE_SID,
          variables: e.TWILIO_WHATSAPP_TEMPLATE_VARIABLES.split(',').map((v) => v.trim()),
        }
      : undefined,
    /** The approved template notices go out by on WhatsApp (name, notice); undefined: no WhatsApp notices. */
    whatsappNotice: e.TWILIO_WHATSAPP_NOTICE_SID ? { sid: e.TWILIO_WHATSAPP_NOTICE_SID } : undefined,
    razorpay,
    /** The built-in stand-in for Razorpay: on without keys, never in production unless asked for. */
    testGateway: !razorpay && (e.TEST_GATEWAY === 'on' || (!production && e.TEST_GATEWAY !== 'off')),
    google: e.GOOGLE_CLIENT_ID
      ? {
          clientId: e.GOOGLE_CLIENT_ID,
          clientSecret: e.GOOGLE_CLIENT_SECRET!,
          authUrl: e.GOOGLE_AUTH_URL,
          tokenUrl: e.GOOGLE_TOKEN_URL,
        }
      : undefined,
    /** The dev mailbox page; never in production. */
    devMailbox: !production && e.DEV_MAILBOX !== 'off',
    setupPassword: e.SETUP_PASSWORD,
    /** Reverse proxies in front of us whose X-Forwarded-For entries we believe (0: none). */
    trustProxyHops: e.TRUST_PROXY === 'on' ? 1 : e.TRUST_PROXY === 'off' ? 0 : Number(e.TRUST_PROXY),
    /** The off-site copy of each backup; undefined when none is configured. */
    backupS3: e.BACKUP_S3_URL
      ? {
          ...parseS3Url(e.BACKUP_S3_URL),
          accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID!,
          secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY!,
          key: e.BACKUP_KEY ? Buffer.from(e.BACKUP_KEY, 'hex') : undefined,
        }
      : undefined,
  };
}

/** The parts of a BACKUP_S3_URL: bucket, key prefix ('' or ending in /), endpoint, region. */
function parseS3Url(text: string) {
  const url = new URL(text);
  const known = ['endpoint', 'region'];
  const other = [...url.searchParams.keys()].find((k) => !known.includes(k));
  if (other)
    throw new ConfigError(
      `Invalid environment variable BACKUP_S3_URL: unknown option ${other} (known: endpoint, region)`,
    );
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(endpoint))
    throw new ConfigError(
      `Invalid environment variable BACKUP_S3_URL: endpoint=${JSON.stringify(endpoint)} should be http(s)://host[:port]`,
    );
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  return {
    /** For messages: where the backups go, without credentials. */
    url: text,
    bucket: url.hostname,
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    endpoint,
    region: url.searchParams.get('region') ?? 'us-east-1',
  };
}

/** Variables that only make sense together: name the missing one. */
const together: string[][] = [
  ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
  ['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'],
  ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
  ['BACKUP_S3_URL', 'BACKUP_S3_ACCESS_KEY_ID', 'BACKUP_S3_SECRET_ACCESS_KEY'],
];

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(Env.shape)) {
    const v = source[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = Env.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(
      `Invalid environment variable ${name}=${JSON.stringify(raw[name] ?? '')}: expected ${describe(issue)}`,
    );
  }
  for (const group of together) {
    const set = group.filter((k) => raw[k] !== undefined);
    if (set.length > 0 && set.length < group.length) {
      const missing = group.find((k) => raw[k] === undefined)!;
      throw new ConfigError(
        `Missing environment variable ${missing}: required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set`,
      );
    }
  }
  if (raw.BACKUP_KEY && !raw.BACKUP_S3_URL) {
    throw new ConfigError(
      'Missing environment variable BACKUP_S3_URL: required when BACKUP_KEY is set (the key encrypts the off-site copy)',
    );
  }
  if (raw.TWILIO_ACCOUNT_SID && !raw.TWILIO_SMS_FROM && !raw.TWILIO_WHATSAPP_FROM) {
    throw new ConfigError(
      'Missing environment variable TWILIO_SMS_FROM: Twilio needs a sender (TWILIO_SMS_FROM or TWILIO_WHATSAPP_FROM)',
    );
  }
  if (raw.TWILIO_WHATSAPP_NOTICE_SID && raw.TWILIO_ACCOUNT_SID && !raw.TWILIO_WHATSAPP_FROM) {
    throw new ConfigError(
      'Missing environment variable TWILIO_WHATSAPP_FROM: required when TWILIO_WHATSAPP_NOTICE_SID is set (the notices need a WhatsApp sender)',
    );
  }
  const config = toConfig(parsed.data);
  if (config.production && !config.secureCookies && parsed.data.ALLOW_HTTP !== 'on') {
    throw new ConfigError(
      `PUBLIC_URL must start with https:// in production (it is ${config.publicUrl}${raw.PUBLIC_URL ? '' : ', the default'}): sign-in cookies would travel unencrypted. Set PUBLIC_URL=https://… or, to serve plain HTTP anyway, ALLOW_HTTP=on`,
    );
  }
  return config;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_type') {
    return issue.message.replace(/^(Too (small|big): )?(expected )?/i, '');
  }
  return issue.message
    .replace(/^Invalid (string: must match pattern .*|input)$/, 'a valid value')
    .replace(/^expected /i, '');
}

/** The configuration of a command or the server; a bad one prints its one line and exits with 1. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
