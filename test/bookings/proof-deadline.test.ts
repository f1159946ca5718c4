/**
 * A UPI proof the organizer leaves undecided past its decide-by time (48 h): the organizer is
 * reminded once, then (proofReleaseHours later) the seats are released and both sides told; the
 * proof stays in the queue, so money that did arrive is still found and paid back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, emailsAbout, seatsTaken, sendUpiProof } from './support.js';
import { chaseOverdueProofs } from '../../src/bookings/jobs.js';
import { putSetting } from '../../src/lib/settings.js';
import { startScheduler } from '../../src/scheduler.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const proofOf = (bookingId: number) =>
  t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).executeTakeFirstOrThrow();
const mails = (template: string, code: string) => emailsAbout(t.deps, template, code);
const released = (bookingId: number) =>
  t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', 'booking.hold_released')
    .where('target_id', '=', String(bookingId))
    .execute();

/** A traveler books and sends a UPI proof at `at`; another traveler holds 2 seats of the same departure. */
async function proofSentAt(at: string) {
  t.clock.set(at);
  const trip = await makeTrip(t.deps, { pricePaise: 500_000, capacity: 10 });
  const org = await t.db
    .selectFrom('users')
    .select(['email'])
    .where('id', '=', trip.organizerId)
    .executeTakeFirstOrThrow();
  const me = await signedIn(t.deps);
  const bookingId = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 3), me.cookie),
  );
  expect((await sendUpiProof(t, bookingId, me.cookie)).status).toBe(303);
  const other = await signedIn(t.deps);
  await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), other.cookie);
  const b = await booking(bookingId);
  return {
    ...trip,
    me,
    bookingId,
    code: b.code,
    decideBy: b.hold_expires_at!,
    organizerEmail: org.email,
    organizer: await sessionCookie(t.deps, trip.organizerId),
  };
}

describe('an undecided UPI proof past its decide-by time', () => {
  it('reminds the organizer once at the deadline, releases the seats once a day later and tells both sides, however often the job runs', async () => {
    const b = await proofSentAt('2026-12-01T04:00:00Z');
    expect(b.decideBy).toBe('2026-12-03T04:00:00.000Z');

    t.clock.set('2026-12-03T03:59:00Z');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');

    t.clock.set('2026-12-03T04:00:00Z');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 1, released 0');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');
    const reminders = await mails('proof-overdue', b.code);
    expect(reminders).toHaveLength(1);
    expect(reminders[0].to).toBe(b.organizerEmail);
    expect(reminders[0].text).toContain(
      'is still waiting for you: it was to be verified or rejected by 3 Dec 2026, 9:30 am IST',
    );
    expect(reminders[0].text).toContain(
      'decide before 4 Dec 2026, 9:30 am IST; after that the booking is cancelled and its 3 guests go back on sale',
    );
    expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', verification_status: 'pending' });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(5);

    t.clock.set('2026-12-04T03:59:00Z');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');
    t.clock.set('2026-12-04T04:00:00Z');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 1');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');

    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'proof_expired',
      hold_expires_at: null,
      verification_status: 'pending',
      payment_status: 'pending',
      refund_paise: 1_500_000,
    });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2); // released once: the other traveler's 2 are still held
    const toTraveler = await mails('proof-released', b.code);
    expect(toTraveler).toHaveLength(1);
    expect(toTraveler[0].text).toContain('once the organizer finds it, ₹15,000 is paid back to you in full');
    const toOrganizer = await mails('proof-released-organizer', b.code);
    expect(toOrganizer).toHaveLength(1);
    expect(toOrganizer[0].to).toBe(b.organizerEmail);
    expect(toOrganizer[0].text).toContain('The proof stays in your queue.');
    expect(await mails('proof-overdue', b.code)).toHaveLength(1);
    const audit = await released(b.bookingId);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBeNull();
    expect(JSON.parse(audit[0].after!)).toMatchObject({
      reason: 'proof_not_decided',
      guests: 3,
      amount_paise: 1_500_000,
      decide_by: b.decideBy,
    });

    // Still in the organizer's queue; the traveler's booking page says what happened.
    const proof = await proofOf(b.bookingId);
    const queue = await (await t.request('/organizer/verifications', { cookie: b.organizer })).text();
    expect(queue).toContain(proof.utr);
    expect(queue).toContain('₹15,000 is then due back to the traveler');
    expect(await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text()).toContain(
      'Cancelled (payment not checked in time)',
    );

    // The money did arrive: verifying records the payment and the full refund due, as for any cancelled booking.
    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, b.organizer)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      payment_status: 'paid',
      payment_method: 'upi',
      verification_status: 'verified',
    });
    const payments = await t.db.selectFrom('payments').selectAll().where('booking_id', '=', b.bookingId).execute();
    expect(payments).toMatchObject([{ method: 'upi', status: 'paid', amount_paise: 1_500_000, utr: proof.utr }]);
    const refunds = await t.db.selectFrom('refunds').selectAll().where('booking_id', '=', b.bookingId).execute();
    expect(refunds).toMatchObject([
      {
        method: 'manual',
        status: 'pending',
        amount_paise: 1_500_000,
        reason: 'Released when the UPI payment was not checked in time',
      },
    ]);
    expect(await mails('refund-due', b.code)).toHaveLength(1);
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);
  });

  it('with the release off, only reminds: the seats stay held until the organizer decides', async () => {
    await putSetting(t.db, t.clock, 'proofReleaseHours', null);
    try {
      const b = await proofSentAt('2026-12-10T04:00:00Z');
      t.clock.set('2026-12-20T04:00:00Z');
      expect(await chaseOverdueProofs(t.deps)).toBe('reminded 1, released 0');
      expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');
      expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', verification_status: 'pending' });
      expect(await seatsTaken(t.deps, b.departureId)).toBe(5);
      expect((await mails('proof-overdue', b.code))[0].text).toContain(
        'Check the UTR in your UPI app, then verify or reject it.',
      );
      expect(await released(b.bookingId)).toEqual([]);
      expect(
        (await t.post(`/organizer/verifications/${(await proofOf(b.bookingId)).id}/verify`, {}, b.organizer)).status,
      ).toBe(303);
      expect(await booking(b.bookingId)).toMatchObject({ status: 'confirmed', payment_status: 'paid' });
    } finally {
      await putSetting(t.db, t.clock, 'proofReleaseHours', 24);
    }
  });

  it('leaves alone a proof decided in time, and a released booking whose proof is then rejected owes nothing', async () => {
    const decided = await proofSentAt('2026-12-21T04:00:00Z');
    expect(
      (await t.post(`/organizer/verifications/${(await proofOf(decided.bookingId)).id}/verify`, {}, decided.organizer))
        .status,
    ).toBe(303);
    const lapsed = await proofSentAt('2026-12-21T05:00:00Z');

    t.clock.set('2026-12-25T06:00:00Z');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 1, released 1');
    expect(await booking(decided.bookingId)).toMatchObject({ status: 'confirmed' });
    expect(await mails('proof-overdue', decided.code)).toEqual([]);

    const proof = await proofOf(lapsed.bookingId);
    expect(
      (
        await t.post(
          `/organizer/verifications/${proof.id}/reject`,
          { reason: 'No such UTR in our account' },
          lapsed.organizer,
        )
      ).status,
    ).toBe(303);
    expect(await booking(lapsed.bookingId)).toMatchObject({
      status: 'cancelled',
      verification_status: 'rejected',
      refund_paise: 0,
    });
    expect(await t.db.selectFrom('refunds').selectAll().where('booking_id', '=', lapsed.bookingId).execute()).toEqual(
      [],
    );
  });

  it('runs from the scheduler and is recorded in job_runs', async () => {
    const s = startScheduler(t.deps);
    try {
      expect(await s.runNow('bookings.overdue-proofs')).toBe('ok');
    } finally {
      await s.stop();
    }
    const run = await t.db
      .selectFrom('job_runs')
      .selectAll()
      .where('name', '=', 'bookings.overdue-proofs')
      .executeTakeFirstOrThrow();
    expect(run.outcome).toBe('ok');
  });
});
