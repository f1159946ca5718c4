import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { recordDevMessage } from '../../src/notifications/queries.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  await t.db.transaction().execute(async (trx) => {
    await enqueue(trx, t, {
      channel: 'email',
      to: 'asha@example.test',
      template: 'verify-email',
      subject: 'Confirm your email',
      text: 'Hi Asha,\nConfirm your address: http://localhost:3000/verify-email?token=tok123.\nThanks!',
      html: '<style>p{color:red}</style><p style="color:#333">Hi Asha, <a href="http://localhost:3000/verify-email?token=tok123">confirm your address</a></p><script>alert(1)</script>',
    });
    t.clock.advance(1000);
    await enqueue(trx, t, {
      channel: 'sms',
      to: '+919812345678',
      template: 'otp',
      text: 'Your TrekTribe code is 482913 <b>',
    });
  });
  await deliverDue(t.deps);
});
afterAll(() => t.close());

const ids = async () =>
  (await t.db.selectFrom('dev_messages').select(['id', 'channel']).orderBy('id').execute()).map((r) => r.id);

describe('the dev mailbox', () => {
  it('lists delivered messages newest first with channel, recipient and subject', async () => {
    const res = await t.request('/dev/mailbox');
    expect(res.status).toBe(200);
    const html = await res.text();
    const [emailId, smsId] = await ids();
    expect(html.indexOf(`/dev/mailbox/${smsId}`)).toBeGreaterThan(-1);
    expect(html.indexOf(`/dev/mailbox/${smsId}`)).toBeLessThan(html.indexOf(`/dev/mailbox/${emailId}`));
    expect(html).toContain('Confirm your email');
    expect(html).toContain('Email to asha@example.test');
    expect(html).toContain('SMS to +919812345678');
    expect(html).toContain('Your TrekTribe code is 482913 &lt;b&gt;');
  });

  it('filters by recipient', async () => {
    const html = await (await t.request('/dev/mailbox?to=asha')).text();
    expect(html).toContain('Confirm your email');
    expect(html).not.toContain('SMS to +919812345678');
    const none = await (await t.request('/dev/mailbox?to=%25')).text();
    expect(none).toContain('No messages yet.');
  });

  it('shows an email as its recipient sees it: HTML in a sandboxed frame, text with clickable links', async () => {
    const [emailId] = await ids();
    const res = await t.request(`/dev/mailbox/${emailId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Confirm your email</h1>');
    expect(html).toMatch(
      /<iframe[^>]*sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"/,
    );
    // The email's HTML is an escaped attribute value, never markup of our page.
    expect(html).toContain(
      'srcdoc="&lt;p&gt;Hi Asha, &lt;a href=&quot;http://localhost:3000/verify-email?token=tok123&quot;&gt;',
    );
    expect(html).not.toContain('<script>alert(1)</script>');
    // Inline styles would break the page's CSP inside the frame: they are left out.
    expect(html).not.toContain('style=&quot;');
    expect(html).not.toContain('&lt;style');
    expect(html).toContain(
      '<a href="http://localhost:3000/verify-email?token=tok123">http://localhost:3000/verify-email?token=tok123</a>.',
    );
  });

  it('shows an SMS as text', async () => {
    const [, smsId] = await ids();
    const html = await (await t.request(`/dev/mailbox/${smsId}`)).text();
    expect(html).toContain('<h1>SMS message</h1>');
    expect(html).toContain('<p>Your TrekTribe code is 482913 &lt;b&gt;</p>');
    expect(html).not.toContain('<iframe');
  });

  it("a delivery repeated after a crash stores nothing new and answers the first copy's id, even after another message went in", async () => {
    const first = await t.db.selectFrom('dev_messages').selectAll().orderBy('id').executeTakeFirstOrThrow();
    const before = await ids();
    const { id, ...again } = first;
    // Another insert in between moves SQLite's last insert rowid on: the repeat must not answer that.
    const other = await t.db.transaction().execute((trx) =>
      enqueue(trx, t, {
        channel: 'sms',
        to: '+919812345679',
        template: 'otp',
        text: 'Your TrekTribe code is 111111',
      }),
    );
    const otherId = await recordDevMessage(t.db, { ...again, outbox_id: other, recipient: '+919812345679' });
    expect(await recordDevMessage(t.db, again)).toBe(id);
    expect(await ids()).toEqual([...before, otherId]);
  });

  it('answers 404 for a message that does not exist', async () => {
    expect((await t.request('/dev/mailbox/999999')).status).toBe(404);
    expect((await t.request('/dev/mailbox/abc')).status).toBe(404);
  });

  it('does not exist when the dev mailbox is off, or in production', async () => {
    const [emailId] = await ids();
    const envs: Record<string, string>[] = [{ DEV_MAILBOX: 'off' }, { NODE_ENV: 'production' }];
    for (const env of envs) {
      const off = await makeTestApp(env);
      try {
        expect((await off.request('/dev/mailbox')).status).toBe(404);
        expect((await off.request(`/dev/mailbox/${emailId}`)).status).toBe(404);
      } finally {
        await off.close();
      }
    }
  });
});
