import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, sessionCookie, signedIn } from '../support/factories.js';
import { startFakeTwilio, TEST_TWILIO, type FakeTwilio } from '../support/fake-twilio.js';
import { linkPath, startSmtp, type TestSmtp } from '../support/smtp.js';
import { fromIp, register, sessionToken, cookieOf, PASSWORD } from '../auth/helpers.js';
import { deliverDue, errorToKeep } from '../../src/notifications/delivery.js';
import { KINDS, SECRET_KINDS } from '../../src/notifications/kinds.js';
import { hashPassword } from '../../src/auth/passwords.js';

// Production mode, real SMTP (a local server) and the real Twilio SDK (against a local fake):
// the attack of issue 28 does not need the dev mailbox.
let smtp: TestSmtp;
let twilio: FakeTwilio;
let t: TestApp;
const logs: string[] = [];
let agent: { id: number; cookie: string };
let admin: { id: number; cookie: string };
let ipSeq = 0;
const nextIp = () => `10.28.0.${++ipSeq}`;

beforeAll(async () => {
  smtp = await startSmtp();
  twilio = await startFakeTwilio();
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  t = await makeTestApp(
    { NODE_ENV: 'production', TRUST_PROXY: 'on', SMTP_URL: smtp.url, ...TEST_TWILIO, TWILIO_API_BASE: twilio.url },
    { log },
  );
  agent = await signedIn(t.deps, { role: 'agent' });
  admin = await signedIn(t.deps, { role: 'admin' });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
  await twilio.stop();
});

const userIdOf = async (email: string) =>
  (await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

/** The newest mail to `to` whose subject matches, once delivered. */
const mailTo = (to: string, subject: RegExp) =>
  smtp.waitFor((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(to) && subject.test(m.subject ?? ''));

interface Sent {
  /** The person it was sent to. */
  userId: number;
  cookie: string;
  address: string;
  /** Delivers it and returns the secret as its recipient received it. */
  received(): Promise<string>;
}

/**
 * Each secret kind, sent through the route a person really uses. A kind marked secret without
 * an entry here fails the test below: a new one-time secret comes with its proof.
 */
const TRIGGERS: Record<string, () => Promise<Sent>> = {
  'reset-password': async () => {
    const email = `forgetful-${++ipSeq}@example.test`;
    const userId = await createUser(t.deps, { email, password_hash: await hashPassword(PASSWORD) });
    const res = await t.post('/forgot-password', { email }, undefined, fromIp(nextIp()));
    expect(res.status).toBe(303);
    return {
      userId,
      cookie: await sessionCookie(t.deps, userId),
      address: email,
      received: async () => {
        const m = await mailTo(email, /Reset your TrekTribe password/);
        return new URL(linkPath(m, '/reset-password'), 'http://x').searchParams.get('token')!;
      },
    };
  },
  'verify-email': async () => {
    const { person, res } = await register(t, {}, nextIp());
    expect(res.status).toBe(303);
    return {
      userId: await userIdOf(person.email),
      cookie: cookieOf(sessionToken(res)!),
      address: person.email,
      received: async () => {
        const m = await mailTo(person.email, /Confirm your email/);
        return new URL(linkPath(m, '/verify-email'), 'http://x').searchParams.get('token')!;
      },
    };
  },
  'phone-otp': async () => {
    const phone = `+91981234${String(1000 + ++ipSeq).slice(-4)}`;
    const { id, cookie } = await signedIn(t.deps, { phone, verified: false });
    const res = await t.post('/verify-phone/send', {}, cookie, fromIp(nextIp()));
    expect(res.status).toBe(303);
    return {
      userId: id,
      cookie,
      address: phone,
      received: async () => {
        const sms = twilio.requests.filter((r) => r.form.To === phone).at(-1);
        expect(sms, `an SMS to ${phone}`).toBeTruthy();
        return sms!.form.Body.match(/\b(\d{6})\b/)![1];
      },
    };
  },
};

/** Every page staff (and the recipient) may open about this message, as HTML. */
async function pagesAbout(kind: string, s: Sent): Promise<[string, string][]> {
  const get = async (path: string, cookie: string) => {
    const res = await t.request(path, { cookie });
    expect(res.status, path).toBe(200);
    return res.text();
  };
  const seen: [string, string][] = [];
  for (const [who, cookie] of [
    ['agent', agent.cookie],
    ['admin', admin.cookie],
  ] as const) {
    seen.push([`${who} /agent/customers/${s.userId}`, await get(`/agent/customers/${s.userId}`, cookie)]);
    seen.push([`${who} /notifications`, await get('/notifications', cookie)]);
    seen.push([`${who} /dashboard/${who}`, await get(`/dashboard/${who}`, cookie)]);
  }
  for (const q of ['', `?kind=${kind}`, `?recipient=${encodeURIComponent(s.address)}`])
    seen.push([`admin /admin/outbox${q}`, await get(`/admin/outbox${q}`, admin.cookie)]);
  seen.push(['recipient /notifications', await get('/notifications', s.cookie)]);
  return seen;
}

describe('one-time secrets are seen by their recipient alone (issue 28)', () => {
  it('the secret kinds are the reset link, the email confirmation link and the phone code, each with its route here', () => {
    expect([...SECRET_KINDS].sort()).toEqual(['phone-otp', 'reset-password', 'verify-email']);
    for (const kind of SECRET_KINDS) expect(TRIGGERS[kind], kind).toBeTypeOf('function');
  });

  for (const kind of SECRET_KINDS)
    it(`${kind}: staff see that it went and when, never the secret, queued or sent (CRM, outbox, notifications, logs)`, async () => {
      const trigger = TRIGGERS[kind];
      expect(trigger, `${kind} has no trigger in TRIGGERS`).toBeTypeOf('function');
      const s = await trigger();
      const queued = await pagesAbout(kind, s);
      expect(await deliverDue(t.deps)).toMatch(/^sent [1-9]\d*, retrying 0, failed 0$/);
      const secret = await s.received();
      expect(secret.length).toBeGreaterThanOrEqual(6);
      const sent = await pagesAbout(kind, s);
      for (const [page, html] of [...queued, ...sent]) expect(html, page).not.toContain(secret);
      for (const line of logs) expect(line).not.toContain(secret);

      // What staff do see: the kind, that it was sent, when.
      const crm = sent[0][1];
      const entry = crm.slice(crm.indexOf('id="timeline"'));
      expect(entry).toContain(KINDS[kind].label);
      expect(entry).toContain('seen by its recipient alone');
      expect(entry).toMatch(/·\s+sent/);
      expect(sent.find(([p]) => p === `admin /admin/outbox?kind=${kind}`)![1]).toContain(`to ${s.address}`);

      // The recipient's own in-app notification, if any, says it went but holds no token and no link.
      const mine = await t.db.selectFrom('notifications').selectAll().where('user_id', '=', s.userId).execute();
      for (const n of mine) expect(JSON.stringify(n)).not.toContain(secret);
      const own = mine.find((n) => n.kind === kind);
      if (kind !== 'phone-otp') {
        expect(own, `${kind} in-app notification`).toMatchObject({ link: null });
        expect(own!.title).toMatch(/sent to your email$/);
      }
    });

  it('a refusal quoting a reset link loses the link and its token, in any form quoted; other kinds keep it whole', () => {
    const token = 'k3z7q2m4a5b6c7d2e3f4g5h6i7j2k3l4';
    const text = `Choose a new one here:\n\nhttp://localhost:3000/reset-password?token=${token}\n\nThe link works once.`;
    const m = { template: 'reset-password', subject: 'Reset your TrekTribe password', text, html: null };
    for (const quoted of [
      text,
      `token=${token}`,
      `rejected ${token}.`,
      `http://localhost:3000/reset-password?token=${token}`,
    ]) {
      const kept = errorToKeep(`smtp: 554 refused: ${quoted}`, m);
      expect(kept).toMatch(/^smtp: 554 refused: /);
      expect(kept).not.toContain(token);
    }
    expect(errorToKeep(`smtp: 554 refused: ${text}`, { ...m, template: 'trip-reminder' })).toContain(token);
  });

  it('a provider refusal that quotes the code is kept without it (outbox page, CRM timeline, log)', async () => {
    await deliverDue(t.deps);
    twilio.failNext(400, 21617, (form) => `The message body "${form.Body}" was refused.`);
    const s = await TRIGGERS['phone-otp']();
    expect(await deliverDue(t.deps)).toMatch(/failed 1$/);
    const code = await s.received();
    const row = await t.db
      .selectFrom('outbox')
      .select(['status', 'last_error'])
      .where('recipient', '=', s.address)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.last_error).toContain('was refused');
    expect(row.last_error).not.toContain(code);
    for (const [page, html] of await pagesAbout('phone-otp', s)) expect(html, page).not.toContain(code);
    expect(logs.some((l) => l.includes('was refused'))).toBe(true);
    for (const line of logs) expect(line).not.toContain(code);
  });

  it("an agent who asks for the admin's reset and reads the admin's customer page cannot reset the admin's password", async () => {
    const email = `root-${++ipSeq}@example.test`;
    const victim = await createUser(t.deps, { role: 'admin', email, password_hash: await hashPassword(PASSWORD) });
    const hashOf = async () =>
      (await t.db.selectFrom('users').select('password_hash').where('id', '=', victim).executeTakeFirstOrThrow())
        .password_hash;
    const before = await hashOf();

    expect((await t.post('/forgot-password', { email }, agent.cookie, fromIp(nextIp()))).status).toBe(303);
    const loot: string[] = [];
    let html = '';
    for (const when of ['queued', 'sent']) {
      if (when === 'sent') await deliverDue(t.deps);
      html = await (await t.request(`/agent/customers/${victim}`, { cookie: agent.cookie })).text();
      // Whatever could be a token: a token= parameter, any long base32/word run, any link.
      for (const m of html.matchAll(/token=([A-Za-z0-9_-]+)/g)) loot.push(m[1]);
      for (const m of html.matchAll(/\b[a-z2-7]{20,}\b/g)) loot.push(m[0]);
      for (const m of html.matchAll(/\b[A-Za-z0-9_-]{24,64}\b/g)) loot.push(m[0]);
    }
    expect(html).toContain(KINDS['reset-password'].label);
    for (const token of new Set(loot)) {
      const res = await t.post('/reset-password', { token, password: 'agent owns this now 42' }, agent.cookie);
      expect(res.status, `token ${token}`).not.toBe(303);
    }
    expect(await hashOf()).toBe(before);

    // The admin, with the mail itself, still can.
    const m = await mailTo(email, /Reset your TrekTribe password/);
    const token = new URL(linkPath(m, '/reset-password'), 'http://x').searchParams.get('token')!;
    expect(loot).not.toContain(token);
    const res = await t.post('/reset-password', { token, password: 'the admin chose this 42' });
    expect(res.status).toBe(303);
    expect(await hashOf()).not.toBe(before);
    const login = await t.post('/login', { email, password: 'the admin chose this 42' }, undefined, fromIp(nextIp()));
    expect(login.status).toBe(303);
  });
});
