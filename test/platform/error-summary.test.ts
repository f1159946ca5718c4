import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, makeTrip, signedIn } from '../support/factories.js';
import { bookingForm, bookingIdFrom, sendUpiProof } from '../bookings/support.js';
import { tripForm } from '../trips/support.js';
import { completedBooking, postReview, tripWithPastDeparture } from '../reviews/support.js';

/**
 * Every form page that comes back with field errors (422) opens on the error summary: "Please fix
 * N things", a link per error to a field on the page, focused (autofocus) after the failed submit.
 * One row per form of the app, each sent with faults in its fields.
 */
let t: TestApp;
let who: Record<'traveler' | 'organizer' | 'agent' | 'admin', string>;
beforeAll(async () => {
  t = await makeTestApp();
  who = {
    traveler: (await signedIn(t.deps, { role: 'traveler' })).cookie,
    organizer: (await signedIn(t.deps, { role: 'organizer' })).cookie,
    agent: (await signedIn(t.deps, { role: 'agent' })).cookie,
    admin: (await signedIn(t.deps, { role: 'admin' })).cookie,
  };
});
afterAll(() => t.close());

const fromIp = (ip: string) => ({ 'X-Forwarded-For': ip });

const FORMS: [string, () => Promise<Response>][] = [
  [
    'sign-up',
    () =>
      t.post(
        '/register',
        { name: '', email: 'not-an-email', phone: '12', password: 'short', role: 'traveler' },
        undefined,
        fromIp('10.9.0.1'),
      ),
  ],
  ['sign-in', () => t.post('/login', { email: 'nobody', password: '' }, undefined, fromIp('10.9.0.2'))],
  ['forgot password', () => t.post('/forgot-password', { email: 'nobody' }, undefined, fromIp('10.9.0.3'))],
  ['profile', () => t.post('/me', { name: ' ', bio: 'b'.repeat(1001), location: '' }, who.traveler)],
  ['phone number', () => t.post('/me/phone', { phone: '555' }, who.traveler)],
  ['password change', () => t.post('/me/password', { current: '', password: 'qwertyuiop' }, who.traveler)],
  [
    'organizer page and UPI ID',
    () => t.post('/me/organizer', { org_display_name: 'X', org_about: '', upi_id: 'sahyadri' }, who.organizer),
  ],
  ['trip form', () => t.post('/organizer/trips/new', tripForm({ title: '', price: '-5' }), who.organizer)],
  [
    'booking',
    async () => {
      const trip = await makeTrip(t.deps, { capacity: 6 });
      return t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2, { age: ['30', ''] }), who.traveler);
    },
  ],
  [
    'UPI proof',
    async () => {
      const trip = await makeTrip(t.deps, { capacity: 6 });
      await t.db
        .updateTable('users')
        .set({ org_display_name: 'Hill Goats' })
        .where('id', '=', trip.organizerId)
        .execute();
      const me = await signedIn(t.deps);
      const booked = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie);
      return sendUpiProof(t, bookingIdFrom(booked), me.cookie, { utr: '12345', file: null });
    },
  ],
  ['support ticket', () => t.post('/support', { subject: '', body: '  ' }, who.traveler)],
  ['saved reply', () => t.post('/agent/replies', { title: 'x', body: '' }, who.agent)],
  [
    'review',
    async () => {
      const me = await completedBooking(t, await tripWithPastDeparture(t));
      return postReview(t, me, { trip_stars: '6', title: '', comment: '' });
    },
  ],
  [
    'customer SMS',
    async () => {
      const customer = await createUser(t.deps, { role: 'traveler' });
      return t.post(`/agent/customers/${customer}/sms`, { text: '  ' }, who.agent);
    },
  ],
  [
    'plan settings',
    () =>
      t.post(
        '/admin/settings/plan',
        {
          amount: 'lots',
          period_days: '60',
          listings: '0',
          trial_days: '60',
          charge_attempts: '3',
          charge_retry_days: '1',
          reminder_days: '7 and 3',
          trial_notice_days: '7, 3, 1',
        },
        who.admin,
      ),
  ],
  [
    'staff account',
    () => t.post('/admin/users', { name: '', email: 'x', phone: '1', role: 'traveler', password: 'short' }, who.admin),
  ],
  ['announcement', () => t.post('/admin/announcements', { audience: 'all', title: '', body: '' }, who.admin)],
];

describe('the error summary on every form sent back with field errors', () => {
  it.each(FORMS)(
    '%s: 422, the summary first, focused, with a link per error to a field on the page',
    async (_, send) => {
      const res = await send();
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html.match(/id="error-summary"/g)).toHaveLength(1);
      const summary = /<div id="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)!;
      expect(summary[0]).toMatch(/autofocus/);
      const hrefs = [...summary[1].matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
      expect(hrefs.length).toBeGreaterThan(0);
      const n = hrefs.length;
      expect(summary[1]).toContain(`Please fix ${n} thing${n === 1 ? '' : 's'}`);
      // Each link lands on one element of the page, and every message next to a field has its link.
      for (const id of hrefs) expect(html.split(`id="${id}"`).length - 1, id).toBe(1);
      const messages = [...html.matchAll(/<small\b[^>]*class="field-error"[^>]*>([\s\S]*?)<\/small>/g)].filter(
        (m) => m[1].trim() !== '',
      );
      expect(new Set(hrefs).size).toBe(n);
      expect(n).toBe(messages.length);
      // It comes before the form's first field.
      expect(html.indexOf('id="error-summary"')).toBeLessThan(
        html.search(/<(input|select|textarea)\b(?![^>]*type="hidden")[^>]*aria-invalid/),
      );
    },
  );

  it('a page that is not a form sent back with errors has no summary', async () => {
    const res = await t.request('/me', { cookie: who.traveler });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('error-summary');
  });
});
