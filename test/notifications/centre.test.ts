import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { bookingForm } from '../bookings/support.js';
import { enqueue, type OutgoingMessage } from '../../src/notifications/outbox.js';
import { fastHub, openStream, type OpenStream } from '../live/support.js';

let t: TestApp;
const open: OpenStream[] = [];

beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  t.deps.live?.stop();
  await t.close();
});

async function user(role: 'traveler' | 'organizer' | 'admin' = 'traveler') {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const phone = `+9197${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
  const id = await createUser(t.deps, { role, email, phone });
  return { id, email, phone, cookie: await sessionCookie(t.deps, id) };
}

const send = (m: OutgoingMessage) => t.db.transaction().execute((trx) => enqueue(trx, t, m));
const reminder = (to: string): OutgoingMessage => ({
  channel: 'email',
  to,
  template: 'trip-reminder',
  subject: 'Your trek starts tomorrow',
  text: 'Kedarkantha starts tomorrow at 6 am.\n\nYour booking: http://localhost:3000/bookings/42',
  html: '<p>Kedarkantha starts tomorrow</p>',
});
const notificationsOf = (userId: number) =>
  t.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('id').execute();
const outboxTo = (to: string) => t.db.selectFrom('outbox').selectAll().where('recipient', '=', to).execute();

describe('in-app notifications from the outbox', () => {
  it('an email to a user becomes a notification linking to what it is about, and the bell counts it live', async () => {
    fastHub(t);
    const me = await user();
    const s = await openStream(t, me.cookie);
    open.push(s);
    await s.waitFor((f) => f.retry !== undefined);
    await send(reminder(me.email));
    const [n] = await notificationsOf(me.id);
    expect(n).toMatchObject({
      kind: 'trip-reminder',
      title: 'Your trek starts tomorrow',
      link: '/bookings/42',
      read_at: null,
    });
    expect(n.body).toBe('Kedarkantha starts tomorrow at 6 am.');
    const bell = await s.waitFor((f) => f.event === 'bell');
    expect(bell.data).toContain('>1<');
    expect(Buffer.byteLength(bell.data!)).toBeLessThan(200);
    expect((await outboxTo(me.email)).length).toBe(1);
  });

  it('an SMS makes no second notification, and a message to an address with no account makes none', async () => {
    const me = await user();
    await send(reminder(me.email));
    await send({ channel: 'sms', to: me.phone, template: 'trip-reminder', text: 'Trek tomorrow' });
    await send(reminder('stranger@example.test'));
    expect((await notificationsOf(me.id)).length).toBe(1);
    expect(await t.db.selectFrom('notifications').select('id').execute()).toHaveLength(1);
    expect((await outboxTo('stranger@example.test')).length).toBe(1);
  });

  it('a one-time link (password reset) is never kept in the notification', async () => {
    const me = await user();
    await send({
      channel: 'email',
      to: me.email,
      template: 'reset-password',
      subject: 'Reset your TrekTribe password',
      text: 'Reset it here: http://localhost:3000/reset-password?token=SECRET123\n\nIgnore this if it was not you.',
    });
    const [n] = await notificationsOf(me.id);
    expect(n.title).toBe('Password reset link sent to your email');
    expect(n.link).toBeNull();
    expect(JSON.stringify(n)).not.toContain('SECRET123');
  });
});

describe('/notifications (plain forms, no JS needed)', () => {
  it('lists a user’s notifications with links; mark read and mark all read change the count', async () => {
    const me = await user();
    for (let i = 0; i < 3; i++) await send(reminder(me.email));
    const page = await t.request('/notifications', { cookie: me.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/bookings/42"');
    expect(html).toContain('<span class="vh">Notifications, 3 unread</span>');
    const [first] = await notificationsOf(me.id);
    const one = await t.post(`/notifications/${first.id}/read`, {}, me.cookie, {
      Referer: 'http://localhost:3000/notifications',
    });
    expect(one.status).toBe(303);
    expect(one.headers.get('Location')).toBe('/notifications');
    expect((await notificationsOf(me.id)).filter((n) => n.read_at === null)).toHaveLength(2);
    const all = await t.post('/notifications/read-all', {}, me.cookie);
    expect(all.status).toBe(303);
    expect((await notificationsOf(me.id)).filter((n) => n.read_at === null)).toHaveLength(0);
    expect(await (await t.request('/notifications', { cookie: me.cookie })).text()).not.toMatch(
      /Notifications, \d+ unread/,
    );
  });

  it('a form sent back with its errors (422) keeps the bell in the header', async () => {
    const me = await signedIn(t.deps);
    const trip = await makeTrip(t.deps);
    const forms: [string, Record<string, string | string[]>][] = [
      [`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2, { name: ['', ''] })],
      ['/support', { subject: '', message: '' }],
      ['/me', { name: '' }],
    ];
    for (const [path, form] of forms) {
      const res = await t.post(path, form, me.cookie);
      expect(res.status, path).toBe(422);
      expect(await res.text(), path).toContain('<li class="bell">');
    }
  });

  it('the bell says 99+ past 99 unread (counting stops there)', async () => {
    const me = await user();
    const now = t.clock.now().toISOString();
    await t.db
      .insertInto('notifications')
      .values(
        Array.from({ length: 150 }, (_, i) => ({
          user_id: me.id,
          kind: 'x',
          title: `n${i}`,
          link: null,
          announcement_id: null,
          read_at: null,
          created_at: now,
        })),
      )
      .execute();
    const html = await (await t.request('/trips', { cookie: me.cookie })).text();
    expect(html).toContain('<span class="vh">Notifications, 99+ unread</span>');
    expect(html).toContain('<span class="count" aria-hidden="true">99+</span>');
  });

  it('nobody can mark another user’s notification read (404), nor see it', async () => {
    const me = await user();
    const other = await user();
    await send(reminder(me.email));
    const [n] = await notificationsOf(me.id);
    expect((await t.post(`/notifications/${n.id}/read`, {}, other.cookie)).status).toBe(404);
    expect((await notificationsOf(me.id))[0].read_at).toBeNull();
    expect(await (await t.request('/notifications', { cookie: other.cookie })).text()).not.toContain('/bookings/42');
  });

  it('marking read tells the user’s other tabs the new count', async () => {
    fastHub(t);
    const me = await user();
    await send(reminder(me.email));
    await send(reminder(me.email));
    const s = await openStream(t, me.cookie);
    open.push(s);
    await s.waitFor((f) => f.retry !== undefined);
    await t.post('/notifications/read-all', {}, me.cookie);
    const bell = await s.waitFor((f) => f.event === 'bell');
    expect(bell.data).toContain('hidden');
  });
});

describe('channel preferences', () => {
  it('a kind turned off on email is not emailed but still shows in the app; off in the app, it is emailed only', async () => {
    const me = await user('traveler');
    const settings = await t.request('/notifications/settings', { cookie: me.cookie });
    expect(await settings.text()).toContain('value="trip-reminder|email"');
    // Everything ticked but trip reminders by email.
    const rows = await t.request('/notifications/settings', { cookie: me.cookie }).then((r) => r.text());
    const ticked = [...rows.matchAll(/value="([^"]+\|[a-z]+)"(?![^>]*disabled)/g)].map((m) => m[1]);
    const res = await t.post(
      '/notifications/settings',
      { on: ticked.filter((v) => v !== 'trip-reminder|email') },
      me.cookie,
    );
    expect(res.status).toBe(303);
    await send(reminder(me.email));
    expect(await outboxTo(me.email)).toHaveLength(0);
    expect(await notificationsOf(me.id)).toHaveLength(1);

    await t.post('/notifications/settings', { on: ticked.filter((v) => v !== 'trip-reminder|inapp') }, me.cookie);
    await send(reminder(me.email));
    expect(await outboxTo(me.email)).toHaveLength(1);
    expect(await notificationsOf(me.id)).toHaveLength(1);
  });

  it('messages that must go (money, security) ignore the preferences, and the page says so', async () => {
    const me = await user('traveler');
    await t.post('/notifications/settings', {}, me.cookie); // everything off
    await send({
      channel: 'email',
      to: me.email,
      template: 'payment-verified',
      subject: 'Payment verified',
      text: 'Paid.',
    });
    await send({ channel: 'sms', to: me.phone, template: 'phone-otp', text: 'Code 123456' });
    await send(reminder(me.email));
    expect((await outboxTo(me.email)).map((m) => m.template)).toEqual(['payment-verified']);
    expect(await outboxTo(me.phone)).toHaveLength(1);
    expect((await notificationsOf(me.id)).map((n) => n.kind)).toEqual(['payment-verified']);
    const html = await (await t.request('/notifications/settings', { cookie: me.cookie })).text();
    expect(html).toMatch(/value="payment-verified\|email"[^>]*disabled/);
    expect(html).toContain('always sent');
  });

  it('an organizer chooses organizer kinds, a traveler traveler kinds', async () => {
    const org = await signedIn(t.deps, { role: 'organizer' });
    const trav = await signedIn(t.deps, { role: 'traveler' });
    const o = await (await t.request('/notifications/settings', { cookie: org.cookie })).text();
    const v = await (await t.request('/notifications/settings', { cookie: trav.cookie })).text();
    expect(o).toContain('booking-received|email');
    expect(o).not.toContain('trip-reminder|email');
    expect(v).toContain('trip-reminder|email');
    expect(v).not.toContain('booking-received|email');
  });
});

describe('channel preferences by topic', () => {
  const page = (cookie: string) => t.request('/notifications/settings', { cookie }).then((r) => r.text());
  /** Every box the page shows ticked (and may be sent), and each topic's select as shown. */
  const asShown = (html: string) => ({
    on: [...html.matchAll(/name="on" value="([^"]+)"(?![^>]*disabled)[^>]*checked/g)].map((m) => m[1]),
    shown: [...html.matchAll(/name="shown" value="([^"]+)"/g)].map((m) => m[1]),
  });
  const offRows = (userId: number) =>
    t.db
      .selectFrom('notification_prefs')
      .select(['kind', 'channel'])
      .where('user_id', '=', userId)
      .where('enabled', '=', 0)
      .orderBy(['kind', 'channel'])
      .execute();

  it('the page groups the kinds by topic: one select per topic, each kind behind a closed <details>', async () => {
    const me = await user('traveler');
    const html = await page(me.cookie);
    const topics = [...html.matchAll(/<select id="topic-([a-z]+)" name="group"/g)].map((m) => m[1]);
    expect(topics).toEqual(['bookings', 'trips', 'reviews', 'account', 'news']);
    expect(html.match(/<details>/g)).toHaveLength(5);
    expect(html).not.toMatch(/<details open/);
    // Nothing turned off yet: every topic shows "Everywhere".
    expect(asShown(html).shown).toEqual(topics.map((tp) => `${tp}|all`));
    expect(html).toContain('value="trip-reminder|email"');
  });

  it('choosing "In the app only" for Trips turns its kinds off on email, SMS and WhatsApp, and leaves other topics as ticked', async () => {
    const me = await user('traveler');
    const shown = asShown(await page(me.cookie));
    const group = shown.shown.map((v) => (v === 'trips|all' ? 'trips|inapp' : v));
    const res = await t.post('/notifications/settings', { ...shown, group }, me.cookie);
    expect(res.status).toBe(303);
    // trip-cancelled must go: only trip reminders are stored as off.
    expect(await offRows(me.id)).toEqual([
      { kind: 'trip-reminder', channel: 'email' },
      { kind: 'trip-reminder', channel: 'sms' },
      { kind: 'trip-reminder', channel: 'whatsapp' },
    ]);
    const html = await page(me.cookie);
    expect(html).toMatch(/<option value="trips\|inapp" selected/);
    expect(html).toMatch(/<option value="bookings\|all" selected/);
    await send(reminder(me.email));
    expect(await outboxTo(me.email)).toHaveLength(0);
    expect(await notificationsOf(me.id)).toHaveLength(1);
  });

  it('a select left as it was keeps the kinds as ticked under it; mixed kinds show "Kind by kind"', async () => {
    const me = await user('traveler');
    const shown = asShown(await page(me.cookie));
    const on = shown.on.filter((v) => v !== 'hold-expiring|sms');
    await t.post('/notifications/settings', { on, group: shown.shown, shown: shown.shown }, me.cookie);
    expect(await offRows(me.id)).toEqual([{ kind: 'hold-expiring', channel: 'sms' }]);
    const html = await page(me.cookie);
    expect(html).toMatch(/<option value="bookings\|custom" selected/);
    // The kinds of a topic chosen kind by kind are open to see; the other topics stay folded.
    expect(html.match(/<details open/g)).toHaveLength(1);
  });

  it('a topic turned off cannot switch off the kinds that must go (money, security)', async () => {
    const me = await user('traveler');
    const shown = asShown(await page(me.cookie));
    const group = shown.shown.map((v) => v.replace(/\|all$/, '|off'));
    await t.post('/notifications/settings', { on: [], group, shown: shown.shown }, me.cookie);
    const off = await offRows(me.id);
    expect(off.map((r) => r.kind)).toContain('booking-confirmed');
    for (const kind of ['payment-verified', 'booking-cancelled', 'trip-cancelled', 'reset-password'])
      expect(off.map((r) => r.kind)).not.toContain(kind);
    // Nothing was ticked, must-go boxes included: they go all the same.
    await send({
      channel: 'email',
      to: me.email,
      template: 'payment-verified',
      subject: 'Payment verified',
      text: 'Paid.',
    });
    await send({
      channel: 'email',
      to: me.email,
      template: 'booking-confirmed',
      subject: 'Confirmed',
      text: 'Booked.',
    });
    expect((await outboxTo(me.email)).map((m) => m.template)).toEqual(['payment-verified']);
    const html = await page(me.cookie);
    expect(html).toMatch(
      /value="payment-verified\|email"[^>]*checked[^>]*disabled|value="payment-verified\|email"[^>]*disabled[^>]*checked/,
    );
    expect(html).toMatch(/<option value="bookings\|off" selected/);
  });
});
