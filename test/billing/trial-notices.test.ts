import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import type { ParsedMail } from 'mailparser';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { deliverDue } from '../../src/notifications/delivery.js';
import { sendTrialNotices } from '../../src/billing/trial.js';
import { SCHEDULE } from '../../src/scheduler.js';
import { organizerOnTrial, subscriptionOf } from './support.js';

let smtp: TestSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.stop());
beforeEach(async () => {
  // The clock starts on 25 Nov 2026 at 12:00 IST: a 60-day trial started now ends on 24 Jan 2027 at 12:00 IST.
  t = await makeTestApp({ SMTP_URL: smtp.url });
});
afterEach(() => t.close());

const sentTo = (m: ParsedMail, address: string) => [m.to ?? []].flat().some((a) => a.text === address);

/** 09:00 IST on a January 2027 day, when the job runs. */
const nineAm = (day: number) => `2027-01-${String(day).padStart(2, '0')}T03:30:00Z`;

const queued = (to: string[]) =>
  t.db
    .selectFrom('outbox')
    .select(['channel', 'recipient', 'template', 'payload'])
    .where('recipient', 'in', to)
    .orderBy('id')
    .execute();

async function runOn(day: number) {
  t.clock.set(nineAm(day));
  return sendTrialNotices(t.deps);
}

describe('trial notices (job billing.trial-notices, 09:00 IST)', () => {
  it('is in the schedule at 09:00 India time', () => {
    expect(SCHEDULE.find((j) => j.name === 'billing.trial-notices')).toMatchObject({ cron: '0 9 * * *' });
  });

  it('tells the organizer by email and SMS 7, 3 and 1 days before the trial ends, each once even when run twice a day', async () => {
    const o = await organizerOnTrial(t, { email: 'hikers@example.test', phone: '+919811100001' });
    const to = ['hikers@example.test', '+919811100001'];
    expect(await runOn(16)).toBe('sent 0 trial notices, ended 0 trials');
    expect(await runOn(17)).toBe('sent 1 trial notices, ended 0 trials');
    expect(await runOn(17)).toBe('sent 0 trial notices, ended 0 trials');
    const first = await queued(to);
    expect(first.map((m) => [m.channel, m.template])).toEqual([
      ['email', 'trial-ending'],
      ['sms', 'trial-ending'],
    ]);
    expect(JSON.parse(first[0].payload).subject).toBe('Your TrekTribe trial ends in 7 days');
    for (const day of [18, 19, 20]) await runOn(day);
    expect(await queued(to)).toHaveLength(2);
    await runOn(21);
    await runOn(21);
    await runOn(23);
    await runOn(23);
    await runOn(24);
    const all = await queued(to);
    expect(all.filter((m) => m.channel === 'email').map((m) => JSON.parse(m.payload).subject)).toEqual([
      'Your TrekTribe trial ends in 7 days',
      'Your TrekTribe trial ends in 3 days',
      'Your TrekTribe trial ends in 1 day',
    ]);
    expect(all.filter((m) => m.channel === 'sms')).toHaveLength(3);
    expect(await subscriptionOf(t, o.id)).toMatchObject({ status: 'trial' });

    await deliverDue(t.deps);
    const mail = await smtp.waitFor(
      (m) => sentTo(m, 'hikers@example.test') && m.subject === 'Your TrekTribe trial ends in 1 day',
    );
    expect(mail.text).toContain('Your TrekTribe free trial ends in 1 day, on 24 Jan 2027');
    expect(mail.text).toContain('http://localhost:3000/organizer/subscription');
  });

  it('makes up a missed day with the next notice only, and sends no SMS to an unverified phone', async () => {
    await organizerOnTrial(t, { email: 'late@example.test', phone: '+919811100002', verified: false });
    await runOn(19);
    const sent = await queued(['late@example.test', '+919811100002']);
    expect(sent.map((m) => [m.channel, JSON.parse(m.payload).subject])).toEqual([
      ['email', 'Your TrekTribe trial ends in 5 days'],
    ]);
  });

  it('when the trial ends: inactive, the organizer told once, trips gone from discovery, bookings intact', async () => {
    const o = await organizerOnTrial(t, { email: 'ended@example.test', name: 'Ended Treks' });
    const tripId = (
      await makeTrip(t.deps, {
        organizerId: o.id,
        title: 'Hampta Pass Crossing',
        departures: [{ start: '2027-03-10', end: '2027-03-14' }],
      })
    ).tripId;
    const departure = await t.db
      .selectFrom('departures')
      .select('id')
      .where('trip_id', '=', tripId)
      .executeTakeFirstOrThrow();
    const traveler = await signedIn(t.deps, { role: 'traveler' });
    const bookingId = bookingIdFrom(await t.post(`/trips/${tripId}/book`, bookingForm(departure.id), traveler.cookie));
    expect(bookingId).toBeGreaterThan(0);
    const booking = await t.db.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();

    const seen = async () => ({
      search: (await (await t.request('/trips?q=Hampta')).text()).includes('Hampta Pass Crossing'),
      home: (await (await t.request('/')).text()).includes('Hampta Pass Crossing'),
      organizer: (await t.request(`/organizers/${o.id}`)).status,
      trip: (await t.request(`/trips/${tripId}`)).status,
    });
    await runOn(24);
    expect(await seen()).toEqual({ search: true, home: true, organizer: 200, trip: 200 });

    expect(await runOn(25)).toBe('sent 0 trial notices, ended 1 trials');
    expect(await runOn(25)).toBe('sent 0 trial notices, ended 0 trials');
    expect(await subscriptionOf(t, o.id)).toMatchObject({ status: 'inactive', next_charge_at: null });
    const ended = (await queued(['ended@example.test'])).filter((m) => m.template === 'trial-ended');
    expect(ended).toHaveLength(1);
    expect(await seen()).toEqual({ search: false, home: false, organizer: 404, trip: 404 });

    expect(await t.db.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow()).toEqual(
      booking,
    );
    // Two months on, the traveler signs in again (sessions end after 30 idle days).
    const page = await t.request(`/bookings/${bookingId}`, { cookie: await sessionCookie(t.deps, traveler.id) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hampta Pass Crossing');

    await deliverDue(t.deps);
    const mail = await smtp.waitFor(
      (m) => sentTo(m, 'ended@example.test') && m.subject === 'Your TrekTribe trial has ended',
    );
    expect(mail.text).toContain(
      'Travelers no longer see your trips on TrekTribe. Bookings already made stay as they are',
    );
  });

  it('leaves trips of organizers without a subscription row in discovery', async () => {
    const organizer = await signedIn(t.deps, { role: 'organizer' });
    (
      await makeTrip(t.deps, {
        organizerId: organizer.id,
        title: 'Old Account Trek',
        departures: [{ start: '2027-03-10' }],
      })
    ).tripId;
    await runOn(25);
    expect(await (await t.request('/trips?q=Old')).text()).toContain('Old Account Trek');
  });
});
