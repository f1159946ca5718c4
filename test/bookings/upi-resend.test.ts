/**
 * Issue 30 item 8: instead of rejecting a UPI proof (which releases the seats at once), the
 * organizer may ask the traveler to send it again, saying what to fix. The seats stay held until
 * a deadline (24 hours); a new proof goes back to the queue; without one, the overdue-proof job
 * releases the seats at the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, emailsAbout, nextUtr, seatsTaken, sendUpiProof } from './support.js';
import { chaseOverdueProofs, expireHolds } from '../../src/bookings/jobs.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const HOUR = 3600_000;
const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const proofs = (bookingId: number) =>
  t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
const mails = (template: string, code: string) => emailsAbout(t.deps, template, code);

/** A traveler holds 2 seats and has sent a UPI proof (with a wrong UTR, as it turns out). */
async function proofSent() {
  const trip = await makeTrip(t.deps, { pricePaise: 300_000, capacity: 8 });
  const me = await signedIn(t.deps);
  const bookingId = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), me.cookie),
  );
  expect((await sendUpiProof(t, bookingId, me.cookie, { utr: nextUtr() })).status).toBe(303);
  const [proof] = await proofs(bookingId);
  const b = await booking(bookingId);
  return { ...trip, me, bookingId, proof, code: b.code, organizer: await sessionCookie(t.deps, trip.organizerId) };
}

const FIX = 'The UTR does not match any credit: check the last digits in your UPI app.';
const ask = (proofId: number, cookie: string, fix = FIX) =>
  t.post(`/organizer/verifications/${proofId}/resend`, { fix }, cookie);

describe('asking the traveler to send the UPI proof again', () => {
  it("only the trip's organizer or an admin may ask; a traveler gets 403, another organizer 404", async () => {
    const b = await proofSent();
    expect((await ask(b.proof.id, b.me.cookie)).status).toBe(403);
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect((await ask(b.proof.id, other.cookie)).status).toBe(404);
    expect((await booking(b.bookingId)).verification_status).toBe('pending');
    const admin = await signedIn(t.deps, { role: 'admin' });
    expect((await ask(b.proof.id, admin.cookie)).status).toBe(303);
    expect((await booking(b.bookingId)).verification_status).toBe('rejected');
    // Deciding twice is refused.
    expect((await ask(b.proof.id, b.organizer)).status).toBe(409);
  });

  it('needs what to fix (422 next to the field) and changes nothing without it', async () => {
    const b = await proofSent();
    const empty = await ask(b.proof.id, b.organizer, ' ');
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain('Tell the traveler what to fix (at least 3 characters).');
    const long = await ask(b.proof.id, b.organizer, 'x'.repeat(301));
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('Keep it under 300 characters.');
    expect(await proofs(b.bookingId)).toMatchObject([{ status: 'pending', reason: null, resend_by: null }]);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', verification_status: 'pending' });
  });

  it('keeps the seats held for 24 hours, tells the traveler what to fix by email and the bell with a link to the proof form, and audits it', async () => {
    const b = await proofSent();
    const res = await ask(b.proof.id, b.organizer);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/organizer/verifications');
    const deadline = new Date(t.clock.now().getTime() + 24 * HOUR).toISOString();
    expect(await proofs(b.bookingId)).toMatchObject([
      { status: 'rejected', reason: FIX, resend_by: deadline, decided_by: b.organizerId },
    ]);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'pending',
      verification_status: 'rejected',
      hold_expires_at: deadline,
      cancel_reason: null,
    });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);

    const [mail] = await mails('proof-resend', b.code);
    const traveler = await t.db.selectFrom('users').select('email').where('id', '=', b.me.id).executeTakeFirstOrThrow();
    expect(mail.to).toBe(traveler.email);
    expect(mail.text).toContain(FIX);
    expect(mail.text).toContain(`/bookings/${b.bookingId}/pay`);
    const bell = await t.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', b.me.id)
      .where('kind', '=', 'proof-resend')
      .execute();
    expect(bell).toHaveLength(1);
    expect(bell[0].link).toBe(`/bookings/${b.bookingId}/pay`);

    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'upi.resend_requested')
      .where('target_id', '=', String(b.bookingId))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(b.organizerId);
    expect(JSON.parse(audit[0].after!)).toMatchObject({ proof: b.proof.id, fix: FIX, resend_by: deadline });

    // The traveler's booking page and payment page say what to fix; the queue no longer lists the proof.
    const page = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text();
    expect(page).toContain('New payment proof needed');
    expect(page).toContain(`The organizer asks you to send your payment proof again: ${FIX}`);
    expect(page).toContain(`href="/bookings/${b.bookingId}/pay"`);
    const pay = await (await t.request(`/bookings/${b.bookingId}/pay`, { cookie: b.me.cookie })).text();
    expect(pay).toContain(FIX);
    expect(pay).toContain('Send payment proof');
    const queue = await (await t.request('/organizer/verifications', { cookie: b.organizer })).text();
    expect(queue).not.toContain(b.proof.utr);
  });

  it('a new proof from the traveler goes back to the queue and holds the seats while it is checked', async () => {
    const b = await proofSent();
    await ask(b.proof.id, b.organizer);
    t.clock.advance(2 * HOUR);
    const res = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '412300000099' });
    expect(res.status).toBe(303);
    const all = await proofs(b.bookingId);
    expect(all.map((p) => p.status)).toEqual(['rejected', 'pending']);
    expect(all[1]).toMatchObject({ utr: '412300000099', duplicate_utr: 0 });
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'pending',
      verification_status: 'pending',
      hold_expires_at: new Date(t.clock.now().getTime() + 48 * HOUR).toISOString(),
    });
    const queue = await (await t.request('/organizer/verifications', { cookie: b.organizer })).text();
    expect(queue).toContain('412300000099');
    expect((await t.post(`/organizer/verifications/${all[1].id}/verify`, {}, b.organizer)).status).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'confirmed', verification_status: 'verified' });
    t.clock.advance(-2 * HOUR);
  });

  it('without a new proof by the deadline, the overdue-proof job releases the seats once and tells the traveler', async () => {
    t.clock.set('2026-12-01T04:00:00Z');
    const b = await proofSent();
    await ask(b.proof.id, b.organizer);
    expect((await booking(b.bookingId)).hold_expires_at).toBe('2026-12-02T04:00:00.000Z');

    t.clock.set('2026-12-02T03:59:00Z');
    await chaseOverdueProofs(t.deps);
    await expireHolds(t.deps);
    expect(await booking(b.bookingId)).toMatchObject({ status: 'pending', verification_status: 'rejected' });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(2);

    t.clock.set('2026-12-02T04:00:00Z');
    // The unpaid-hold job leaves it to the overdue-proof job.
    await expireHolds(t.deps);
    expect((await booking(b.bookingId)).status).toBe('pending');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 1');
    expect(await chaseOverdueProofs(t.deps)).toBe('reminded 0, released 0');
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'proof_not_resent',
      hold_expires_at: null,
      cancelled_at: '2026-12-02T04:00:00.000Z',
    });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(0);
    const told = await mails('proof-not-resent', b.code);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('no new payment proof arrived by 2 Dec 2026, 9:30 am IST');
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'booking.hold_released')
      .where('target_id', '=', String(b.bookingId))
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].after!)).toMatchObject({ reason: 'proof_not_resent', guests: 2 });
    // Too late for a new proof now.
    await sendUpiProof(t, b.bookingId, b.me.cookie);
    expect(await proofs(b.bookingId)).toHaveLength(1);
    const page = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text();
    expect(page).toContain('Cancelled (no new payment proof in time)');
  });
});
