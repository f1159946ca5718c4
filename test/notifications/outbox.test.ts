import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startSmtp, linkPath, type TestSmtp } from '../support/smtp.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue, backoff, LEASE, MAX_ATTEMPTS } from '../../src/notifications/delivery.js';
import { MINUTE } from '../../src/lib/clock.js';
import { join } from 'node:path';
import { recordingDb } from '../support/sql-log.js';
import { claimNextDue, recordDevMessage } from '../../src/notifications/queries.js';

let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'TrekTribe <hello@trektribe.test>' });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});
afterEach(async () => {
  await smtp.start();
  await t.db.deleteFrom('outbox').execute();
  smtp.messages.length = 0;
});

const welcome = (to: string) => ({
  channel: 'email' as const,
  to,
  template: 'welcome',
  subject: 'Welcome to TrekTribe',
  text: 'Hello! Confirm your address: http://localhost:3000/verify-email?token=abc123',
  html: '<p>Hello! <a href="http://localhost:3000/verify-email?token=abc123">Confirm your address</a></p>',
});

const row = (id: number) => t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('outbox delivery', () => {
  it('a message enqueued in a transaction that rolls back is never sent', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueue(trx, t, welcome('rolled@back.test'));
        throw new Error('the change that caused it failed');
      }),
    ).rejects.toThrow('the change that caused it failed');

    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0);
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages).toHaveLength(0);
  });

  it('an email is delivered over real SMTP with its subject, text and HTML parts', async () => {
    const id = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('asha@example.test')));

    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');

    const mail = await smtp.waitFor((m) => m.to !== undefined && JSON.stringify(m.to).includes('asha@example.test'));
    expect(mail.subject).toBe('Welcome to TrekTribe');
    expect(mail.from?.value[0]).toEqual({ name: 'TrekTribe', address: 'hello@trektribe.test' });
    expect(mail.text?.trim()).toBe('Hello! Confirm your address: http://localhost:3000/verify-email?token=abc123');
    expect(mail.html).toContain('<a href="http://localhost:3000/verify-email?token=abc123">');
    expect(linkPath(mail, '/verify-email')).toBe('/verify-email?token=abc123');
    expect(mail.messageId).toBe(`<outbox-${id}@localhost>`);

    const r = await row(id);
    expect(r.status).toBe('sent');
    expect(r.attempts).toBe(1);
    expect(r.provider_id).toBe(`<outbox-${id}@localhost>`);
    expect(r.sent_at).toBe(t.clock.now().toISOString());
    expect(r.last_error).toBeNull();
  });

  it('with the SMTP server down the message stays queued, is retried with back-off, and is delivered exactly once when it is back', async () => {
    await smtp.stop();
    const id = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('later@example.test')));

    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 1, failed 0');
    let r = await row(id);
    expect(r.status).toBe('pending');
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/^smtp: .*ECONNREFUSED/);
    expect(r.next_attempt_at).toBe(new Date(t.clock.now().getTime() + 1 * MINUTE).toISOString());

    // Not due yet: nothing is tried.
    t.clock.advance(30_000);
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');
    expect((await row(id)).attempts).toBe(1);

    // Second attempt after a minute fails too; the wait doubles.
    t.clock.advance(30_000);
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 1, failed 0');
    r = await row(id);
    expect(r.attempts).toBe(2);
    expect(r.next_attempt_at).toBe(new Date(t.clock.now().getTime() + 2 * MINUTE).toISOString());

    await smtp.start();
    t.clock.advance(2 * MINUTE);
    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');
    // Later runs find nothing to do.
    t.clock.advance(60 * MINUTE);
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');

    await smtp.waitFor((m) => JSON.stringify(m.to).includes('later@example.test'));
    await new Promise((res) => setTimeout(res, 150));
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes('later@example.test'))).toHaveLength(1);
    r = await row(id);
    expect(r.status).toBe('sent');
    expect(r.attempts).toBe(3);
    expect(r.last_error).toBeNull();
  });

  it('back-off doubles from one minute and is capped at two hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((a) => backoff(a) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 64, 120, 120]);
  });

  it(`after ${MAX_ATTEMPTS} failed attempts the message is marked failed with the last error`, async () => {
    await smtp.stop();
    const id = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('never@example.test')));
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverDue(t.deps);
      t.clock.advance(backoff(i + 1));
    }
    const r = await row(id);
    expect(r.status).toBe('failed');
    expect(r.attempts).toBe(MAX_ATTEMPTS);
    expect(r.last_error).toMatch(/ECONNREFUSED/);
    // A failed message is not picked up again.
    await smtp.start();
    t.clock.advance(10 * 60 * MINUTE);
    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');
    expect(smtp.messages).toHaveLength(0);
  });

  it('a stored message that cannot be read is failed at once and does not stop the others', async () => {
    const bad = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('bad@example.test')));
    await t.db.updateTable('outbox').set({ payload: '{not json' }).where('id', '=', bad).execute();
    const good = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('good@example.test')));

    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 1');
    expect((await row(bad)).status).toBe('failed');
    expect((await row(bad)).last_error).toBe('smtp: the stored message is not valid JSON');
    expect((await row(good)).status).toBe('sent');
  });

  it('two runs at the same time never send one message twice', async () => {
    const ids = await t.db.transaction().execute(async (trx) => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push(await enqueue(trx, t, welcome(`crowd${i}@example.test`)));
      return out;
    });
    const [a, b] = await Promise.all([deliverDue(t.deps), deliverDue(t.deps)]);
    const sent = [a, b].map((s) => Number(/sent (\d+)/.exec(s)![1]));
    expect(sent[0] + sent[1]).toBe(12);
    await smtp.waitFor(() => smtp.messages.length >= 12);
    await new Promise((res) => setTimeout(res, 150));
    expect(smtp.messages).toHaveLength(12);
    const rows = await t.db.selectFrom('outbox').select(['status', 'attempts']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a message left "sending" by a killed process is taken again only after its lease expires', async () => {
    const id = await t.db.transaction().execute((trx) => enqueue(trx, t, welcome('crashed@example.test')));
    // What a process killed mid-send leaves behind: claimed, counted, never settled.
    await t.db
      .updateTable('outbox')
      .set({ status: 'sending', attempts: 1, next_attempt_at: new Date(t.clock.now().getTime() + LEASE).toISOString() })
      .where('id', '=', id)
      .execute();

    expect(await deliverDue(t.deps)).toBe('sent 0, retrying 0, failed 0');
    expect((await row(id)).status).toBe('sending');

    t.clock.advance(LEASE);
    expect(await deliverDue(t.deps)).toBe('sent 1, retrying 0, failed 0');
    const r = await row(id);
    expect(r.status).toBe('sent');
    expect(r.attempts).toBe(2);
    await smtp.waitFor((m) => JSON.stringify(m.to).includes('crashed@example.test'));
  });
});

describe('the order and cost of claiming', () => {
  it('a lapsed lease is taken before new messages, and new ones go out oldest-due first', async () => {
    const now = t.clock.now().getTime();
    const at = (min: number) => new Date(now + min * MINUTE).toISOString();
    const ids = await t.db.transaction().execute(async (trx) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push(await enqueue(trx, t, welcome(`order${i}@example.test`)));
      return out;
    });
    // ids[0] due later than ids[1] and ids[2] (a retry), ids[3] left 'sending' by a dead process.
    await t.db
      .updateTable('outbox')
      .set({ next_attempt_at: at(-1) })
      .where('id', '=', ids[0])
      .execute();
    await t.db
      .updateTable('outbox')
      .set({ next_attempt_at: at(-5) })
      .where('id', 'in', [ids[1], ids[2]])
      .execute();
    await t.db
      .updateTable('outbox')
      .set({ status: 'sending', attempts: 1, next_attempt_at: at(-2) })
      .where('id', '=', ids[3])
      .execute();
    const claim = () =>
      claimNextDue(t.db, {
        now: t.clock.now().toISOString(),
        leaseUntil: at(5),
        maxAttempts: MAX_ATTEMPTS,
        skipChannels: [],
      });
    const order: number[] = [];
    for (let r = await claim(); r; r = await claim()) order.push(r.id);
    expect(order).toEqual([ids[3], ids[1], ids[2], ids[0]]);
  });

  it('claiming and the dev mailbox look rows up by index: no scan or sort of the backlog', async () => {
    // The same file through a Kysely that records its SQL, to ask SQLite for each plan.
    const { db, sqlite, seen } = recordingDb(join(t.dir, 'trektribe.db'));
    try {
      const now = t.clock.now().toISOString();
      await claimNextDue(db, { now, leaseUntil: now, maxAttempts: MAX_ATTEMPTS, skipChannels: [] });
      await claimNextDue(db, { now, leaseUntil: now, maxAttempts: MAX_ATTEMPTS, skipChannels: ['sms'] });
      await recordDevMessage(db, {
        outbox_id: 424242,
        channel: 'email',
        recipient: 'a@example.test',
        subject: 's',
        text: 't',
        html: null,
        created_at: now,
      });
      await recordDevMessage(db, {
        outbox_id: 424242,
        channel: 'email',
        recipient: 'a@example.test',
        subject: 's',
        text: 't',
        html: null,
        created_at: now,
      });
      expect(seen.length).toBeGreaterThanOrEqual(4);
      for (const q of seen) {
        const plan = sqlite
          .prepare(`explain query plan ${q}`)
          .all(...Array((q.match(/\?/g) ?? []).length).fill(null)) as { detail: string }[];
        const steps = plan.map((p) => p.detail).join(' / ');
        expect(steps, q).not.toMatch(/TEMP B-TREE|SCAN (outbox|dev_messages)\b/);
      }
      expect(await db.selectFrom('dev_messages').select('id').where('outbox_id', '=', 424242).execute()).toHaveLength(
        1,
      );
    } finally {
      await db.destroy();
    }
  });
});

describe('a run of the outbox', () => {
  it('writes every claim, store and mark inside a transaction: no write outside one', async () => {
    const dev = await makeTestApp();
    const { db, seen } = recordingDb(join(dev.dir, 'trektribe.db'));
    try {
      await dev.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 12; i++) await enqueue(trx, dev, welcome(`shared${i}@example.test`));
      });
      expect(await deliverDue({ ...dev.deps, db })).toBe('sent 12, retrying 0, failed 0');
      let open = false;
      let writes = 0;
      for (const q of seen.map((x) => x.trim().toLowerCase())) {
        if (q.startsWith('begin')) open = true;
        else if (q === 'commit') open = false;
        else if (/^(insert|update|delete)\b/.test(q)) {
          expect(open, q).toBe(true);
          writes += 1;
        }
      }
      // At least a claim, a store and a "sent" mark per message.
      expect(writes).toBeGreaterThanOrEqual(36);
      expect(
        await dev.db.selectFrom('dev_messages').select('id').where('recipient', 'like', 'shared%').execute(),
      ).toHaveLength(12);
    } finally {
      await db.destroy();
      await dev.close();
    }
  });
});

describe('the dev mailbox transport', () => {
  it('with no provider configured, every channel is delivered to the dev mailbox once', async () => {
    const dev = await makeTestApp();
    try {
      await dev.db.transaction().execute(async (trx) => {
        await enqueue(trx, dev, welcome('dev@example.test'));
        await enqueue(trx, dev, {
          channel: 'sms',
          to: '+919812345678',
          template: 'otp',
          text: 'Your TrekTribe code is 123456',
        });
        await enqueue(trx, dev, {
          channel: 'whatsapp',
          to: '+919812345678',
          template: 'booking-confirmed',
          text: 'Your booking TT-7KQ2 is confirmed.',
        });
      });
      expect(await deliverDue(dev.deps)).toBe('sent 3, retrying 0, failed 0');
      expect(await deliverDue(dev.deps)).toBe('sent 0, retrying 0, failed 0');
      const msgs = await dev.db.selectFrom('dev_messages').selectAll().orderBy('id').execute();
      expect(msgs.map((m) => [m.channel, m.recipient, m.subject])).toEqual([
        ['email', 'dev@example.test', 'Welcome to TrekTribe'],
        ['sms', '+919812345678', null],
        ['whatsapp', '+919812345678', null],
      ]);
      expect(msgs[0].html).toContain('<a href=');
      const outbox = await dev.db.selectFrom('outbox').select(['id', 'status', 'provider_id']).orderBy('id').execute();
      expect(outbox.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
      expect(outbox.map((o) => o.provider_id)).toEqual(msgs.map((m) => `dev-${m.id}`));
    } finally {
      await dev.close();
    }
  });
});
